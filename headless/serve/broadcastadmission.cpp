#include "serve/broadcastadmission.h"

#include "broadcast/dryrun.h"
#include "serve/bearertoken.h"
#include "serve/routeset.h"
#include "targets/targetsource.h"

#include <QLoggingCategory>
#include <QUuid>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

namespace {

QByteArray pathOf(const QByteArray &pathAndQuery)
{
    const int question = pathAndQuery.indexOf('?');
    return question < 0 ? pathAndQuery : pathAndQuery.left(question);
}

AdmissionDecision refuse(int status, const QString &reason, const QString &metric, const HttpHeaders &headers = {})
{
    AdmissionDecision decision;
    decision.verdict = AdmissionDecision::Verdict::Refused;
    decision.status = status;
    decision.reason = reason;
    decision.metric = metric;
    decision.headers = headers;
    return decision;
}

} // namespace

BroadcastAdmission::BroadcastAdmission(const ServeConfig &config, TargetSource *source, RouteSet *routes)
    : m_config(config)
    , m_source(source)
    , m_routes(routes)
{
}

AdmissionDecision BroadcastAdmission::admit(const HttpServerRequest &incoming, const Load &load) const
{
    HttpServerRequest httpRequest = incoming;
    HttpHeaders answerHeaders;
    if (m_config.requestId) {
        // The client's id is kept, so its logs and the targets' agree; without one, a new one.
        QByteArray id = headerValue(httpRequest.headers, "X-Request-ID");
        if (id.isEmpty()) {
            id = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
            httpRequest.headers.append({"X-Request-ID", id});
        }
        answerHeaders.append({"X-Request-ID", id});
    }
    AdmissionDecision decision = decide(httpRequest, load);
    if (decision.verdict != AdmissionDecision::Verdict::Preflight)
        answerHeaders.append(corsHeaders(httpRequest));
    decision.answerHeaders = answerHeaders;
    return decision;
}

AdmissionDecision BroadcastAdmission::decide(const HttpServerRequest &httpRequest, const Load &load) const
{
    if (!isAllowedClient(httpRequest.peerAddress))
        return refuse(403, QStringLiteral("client %1 is not allowed to broadcast").arg(httpRequest.peerAddress.toString()),
                      QStringLiteral("forbidden"));
    AdmissionDecision decision;
    BroadcastRequest &request = decision.request;
    request.method = httpRequest.method;
    request.pathAndQuery = httpRequest.pathAndQuery;
    request.headers = httpRequest.headers;
    request.body = httpRequest.body;
    request.clientAddress = httpRequest.peerAddress.toString();
    request.clientScheme = httpRequest.tls ? QByteArrayLiteral("https") : QByteArrayLiteral("http"); // static data, no allocation
    if (!m_config.authToken.isEmpty()) {
        if (!BearerToken::matches(request.headers, m_config.authToken))
            return refuse(401, QStringLiteral("a valid bearer token is required to broadcast"), QStringLiteral("unauthorized"),
                          {{"WWW-Authenticate", "Bearer"}});
        // Herald's own credential is not the backends' business.
        removeHeader(request.headers, "Authorization");
    }
    if (isCorsPreflight(httpRequest, &decision))
        return decision;
    if (!m_config.broadcastPath.isEmpty() && pathOf(request.pathAndQuery) != m_config.broadcastPath.toUtf8())
        return refuse(404,
                      QStringLiteral("not found: only %1 is broadcast here (HERALD_BROADCAST_PATH)").arg(m_config.broadcastPath),
                      QStringLiteral("not_found"));
    if (m_config.headerPolicy.isLoop(request))
        return refuse(508,
                      QStringLiteral("loop detected: this request already passed through Herald instance '%1'")
                          .arg(QString::fromLatin1(m_config.headerPolicy.instanceId)),
                      QStringLiteral("loop"));
    const QString invalid = request.validate();
    if (!invalid.isEmpty())
        return refuse(400, invalid, QStringLiteral("invalid"));
    const QString unsafe = m_config.headerPolicy.refusalFor(request.headers);
    if (!unsafe.isEmpty())
        return refuse(400, unsafe, QStringLiteral("invalid"));
    logDroppedHeaders(request.headers);
    // Asked for or not, the dry-run header is Herald's own and never reaches a backend.
    bool dryRun = false;
    QString dryRunError;
    if (!DryRun::parseFlag(headerValue(request.headers, DryRun::header), &dryRun, &dryRunError))
        return refuse(400, dryRunError, QStringLiteral("invalid"));
    removeHeader(request.headers, DryRun::header);
    // Likewise the verify rule: read here, applied once the route's options are known.
    const QByteArray verifyRule = headerValue(request.headers, verifyHeader);
    const bool verifyAsked = hasHeader(request.headers, verifyHeader);
    removeHeader(request.headers, verifyHeader);
    if (load.draining)
        return refuse(503, QStringLiteral("draining: this instance is shutting down"), QStringLiteral("draining"));
    if (m_publishing && dryRun)
        return refuse(501,
                      QStringLiteral("%1: this instance publishes to a relay, and the agents' targets are not known here")
                          .arg(QLatin1String(DryRun::header)),
                      QStringLiteral("invalid"));
    if (m_publishing && verifyAsked)
        return refuse(501,
                      QStringLiteral("%1: this instance publishes to a relay, and the agents' targets are not checked here")
                          .arg(QLatin1String(verifyHeader)),
                      QStringLiteral("invalid"));
    if (m_publishing) {
        decision.verdict = AdmissionDecision::Verdict::Publish;
        return decision;
    }
    if (m_config.echo) {
        decision.verdict = AdmissionDecision::Verdict::Echo;
        return decision;
    }
    if (!resolveTargets(&decision))
        return decision;
    if (verifyAsked && !applyVerifyRule(verifyRule, &decision))
        return decision;
    if (dryRun) {
        decision.verdict = AdmissionDecision::Verdict::DryRun; // sends nothing, so no limit applies
        return decision;
    }
    // Overload: say so at once rather than queue without bound and time everyone out.
    if (load.inFlight >= m_config.maxInFlight)
        return refuse(503, QStringLiteral("overloaded: %1 broadcasts in flight").arg(load.inFlight), QStringLiteral("overloaded"),
                      {{"Retry-After", "1"}});
    if (decision.isAsync() && load.asyncInFlight >= m_config.asyncQueueLimit)
        return refuse(503, QStringLiteral("async queue full (%1 broadcasts in flight)").arg(load.asyncInFlight),
                      QStringLiteral("async_queue_full"), {{"Retry-After", "1"}});
    if (decision.isAsync() && load.jobsFull)
        return refuse(503, QStringLiteral("no room for another job: all HERALD_JOB_MAX (%1) jobs are running").arg(m_config.jobMax),
                      QStringLiteral("jobs_full"), {{"Retry-After", "1"}});
    // Only an answer that passes a target's body back keeps it whole; a summary keeps 4 KiB.
    const OutcomePolicy::Kind kind = decision.options.policy.kind;
    decision.answerWinner = m_config.answerMode == AnswerMode::Winner
                            || (m_config.answerMode == AnswerMode::Auto && kind == OutcomePolicy::Kind::First);
    // Only the winner's answer passes a target's headers back; the comparison keeps its own by name.
    decision.options.keepResponseHeaders = decision.answerWinner;
    if (decision.answerWinner && kind != OutcomePolicy::Kind::Async) {
        decision.winnerMaxBody = m_config.answerMaxBodyBytes;
        // One byte over the limit is enough to know that the body did not fit.
        decision.options.bodyLimit = static_cast<int>(m_config.answerMaxBodyBytes + 1);
    }
    decision.verdict = AdmissionDecision::Verdict::Broadcast;
    return decision;
}

// The route (or the default targets), the policy override; on failure `decision` is the refusal.
bool BroadcastAdmission::resolveTargets(AdmissionDecision *decision) const
{
    BroadcastRequest &request = decision->request;
    decision->options = m_config.options;
    TargetSource *source = m_source;
    if (m_routes) {
        const QByteArray host = headerValue(request.headers, "Host");
        const QByteArray path = pathOf(request.pathAndQuery);
        const int route = m_routes->table().match(host, path);
        if (route >= 0) {
            decision->options = m_routes->table().routes.at(route).options;
            source = m_routes->source(route);
        } else if (!m_routes->table().fallbackToDefault || !m_config.sourceConfigured) {
            *decision = refuse(m_config.unroutedStatus,
                               QStringLiteral("no route for host '%1' and path '%2', and no default group")
                                   .arg(QString::fromLatin1(host), QString::fromUtf8(path)),
                               QStringLiteral("no_route"));
            return false;
        }
    }
    const QByteArray policyOverride = headerValue(request.headers, policyHeader);
    if (!policyOverride.isEmpty()) {
        QString error;
        decision->options.policy = OutcomePolicy::parse(QString::fromLatin1(policyOverride), &error);
        if (!error.isEmpty()) {
            *decision = refuse(400, QStringLiteral("%1: %2").arg(QString::fromLatin1(policyHeader), error),
                               QStringLiteral("invalid"));
            return false;
        }
        removeHeader(request.headers, policyHeader);
    }
    decision->targets = source->targets();
    if (decision->targets.isEmpty()) {
        const QString error = source->lastError();
        *decision = refuse(503,
                           QStringLiteral("no targets to broadcast to (%1)").arg(error.isEmpty() ? source->description() : error),
                           QStringLiteral("no_targets"));
        return false;
    }
    return true;
}

// X-Herald-Verify: the rule replaces the route's; on failure `decision` is the refusal.
bool BroadcastAdmission::applyVerifyRule(const QByteArray &text, AdmissionDecision *decision)
{
    QString error;
    const VerifyRule rule = VerifyRule::parse(QString::fromUtf8(text), &error);
    if (error.isEmpty() && rule.isEmpty())
        error = QStringLiteral("is empty; give a rule such as header:X-Cache=MISS");
    const OutcomePolicy::Kind policy = decision->options.policy.kind;
    const QString policyName = decision->options.policy.toString();
    if (error.isEmpty() && (policy == OutcomePolicy::Kind::Async || policy == OutcomePolicy::Kind::First))
        error = QStringLiteral("policy %1 answers before the checks; use all, any or quorum").arg(policyName);
    if (!error.isEmpty()) {
        *decision = refuse(400, QStringLiteral("%1: %2").arg(QLatin1String(verifyHeader), error), QStringLiteral("invalid"));
        return false;
    }
    decision->options.verify = rule;
    return true;
}

// The header policy leaves these out for every target; said once per request, not per target.
void BroadcastAdmission::logDroppedHeaders(const HttpHeaders &headers) const
{
    if (!lcServe().isDebugEnabled())
        return;
    for (const HttpHeader &header : headers) {
        if (m_config.headerPolicy.dropsUnderscoreName(header.first))
            qCDebug(lcServe).noquote() << "dropping header" << header.first
                                       << "(underscore in its name, HERALD_UNDERSCORE_HEADERS)";
    }
}

bool BroadcastAdmission::isAllowedClient(const QHostAddress &address) const
{
    if (m_config.allowedClients.isEmpty())
        return true;
    for (const auto &subnet : m_config.allowedClients) {
        if (address.isInSubnet(subnet))
            return true;
        // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        if (isV4 && QHostAddress(v4).isInSubnet(subnet))
            return true;
    }
    return false;
}

// Without these on the actual answer a browser gets the preflight's blessing and then may not
// read the broadcast's answer; Expose-Headers lets it read Herald's own headers too.
HttpHeaders BroadcastAdmission::corsHeaders(const HttpServerRequest &request) const
{
    const QByteArray origin = headerValue(request.headers, "Origin");
    if (origin.isEmpty() || m_config.corsOrigins.isEmpty())
        return {};
    const bool any = m_config.corsOrigins.contains(QStringLiteral("*"));
    if (!any && !m_config.corsOrigins.contains(QString::fromUtf8(origin)))
        return {};
    return {{"Access-Control-Allow-Origin", any ? QByteArray("*") : origin},
            {"Access-Control-Expose-Headers", "X-Herald-Target, X-Request-ID, Retry-After"},
            {"Vary", "Origin"}};
}

// A preflight for an origin we allow is ours to answer; any other OPTIONS is broadcast like any request.
bool BroadcastAdmission::isCorsPreflight(const HttpServerRequest &request, AdmissionDecision *decision) const
{
    if (request.method != "OPTIONS" || m_config.corsOrigins.isEmpty())
        return false;
    const QByteArray origin = headerValue(request.headers, "Origin");
    if (origin.isEmpty() || !hasHeader(request.headers, "Access-Control-Request-Method"))
        return false;
    const bool any = m_config.corsOrigins.contains(QStringLiteral("*"));
    if (!any && !m_config.corsOrigins.contains(QString::fromUtf8(origin)))
        return false;
    decision->verdict = AdmissionDecision::Verdict::Preflight;
    decision->status = 204;
    decision->headers = {{"Access-Control-Allow-Origin", any ? QByteArray("*") : origin},
                         {"Access-Control-Allow-Methods", headerValue(request.headers, "Access-Control-Request-Method")},
                         {"Access-Control-Max-Age", "600"},
                         {"Vary", "Origin"}};
    const QByteArray requested = headerValue(request.headers, "Access-Control-Request-Headers");
    if (!requested.isEmpty())
        decision->headers.append({"Access-Control-Allow-Headers", requested});
    return true;
}

} // namespace herald
