#include "serve/router.h"

#include "serve/adminapi.h"
#include "serve/bearertoken.h"
#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjson.h"
#include "serve/healthprobe.h"
#include "serve/metrics.h"
#include "send/resulttable.h"
#include "relay/relaypublisher.h"
#include "serve/routeset.h"
#include "targets/targetsource.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

Q_LOGGING_CATEGORY(lcServe, "herald.serve")

namespace herald {

namespace {

const QByteArray policyHeader = "X-Herald-Policy";

QByteArray pathOf(const QByteArray &pathAndQuery)
{
    const int question = pathAndQuery.indexOf('?');
    return question < 0 ? pathAndQuery : pathAndQuery.left(question);
}

} // namespace

Router::Router(const ServeConfig &config, Broadcaster *broadcaster, TargetSource *source, Metrics *metrics,
               RouteSet *routes, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_broadcaster(broadcaster)
    , m_source(source)
    , m_metrics(metrics)
    , m_routes(routes)
    , m_health(new HealthProbe(source, qMin(config.options.attemptTimeoutMs, 2000), this))
    , m_admin(new AdminApi(config, broadcaster, source, this))
{
}

void Router::setConfig(const ServeConfig &config)
{
    m_config = config;
    m_admin->setConfig(config);
}

HttpServerResponse Router::jsonResponse(int status, const QJsonObject &body)
{
    return jsonResponse(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpServerResponse Router::jsonResponse(int status, const QByteArray &compactJson)
{
    HttpServerResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = compactJson + '\n';
    return response;
}

HttpServerResponse Router::textResponse(int status, const QString &text)
{
    HttpServerResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    response.body = text.toUtf8() + '\n';
    return response;
}

void Router::handle(const HttpServerRequest &request, bool fromAdminPort, Respond respond)
{
    const QByteArray path = pathOf(request.pathAndQuery);
    if (handleReserved(request, path, fromAdminPort, respond))
        return;
    if (fromAdminPort) {
        respond(textResponse(404, QStringLiteral("not found; the admin port serves /healthz, /livez, /readyz, /metrics and the admin API")));
        return;
    }
    handleBroadcast(request, std::move(respond));
}

bool Router::handleReserved(const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort, Respond &respond)
{
    // With a separate admin port nothing on the main port is reserved, so every path can be broadcast.
    if (!fromAdminPort && m_config.adminListenEnabled)
        return false;
    const QByteArray probePrefix = fromAdminPort ? QByteArray() : m_config.probePrefix.toUtf8();
    const bool readOnly = request.method == "GET" || request.method == "HEAD";
    if (readOnly && path == probePrefix + "/healthz") {
        m_health->check(respond);
        return true;
    }
    if (readOnly && path == probePrefix + "/livez") {
        respond(textResponse(200, QStringLiteral("alive")));
        return true;
    }
    if (readOnly && path == probePrefix + "/readyz") {
        respond(readiness());
        return true;
    }
    if (readOnly && path == probePrefix + "/metrics") {
        HttpServerResponse response;
        response.headers = {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}};
        response.body = m_metrics->render();
        respond(response);
        return true;
    }
    const QByteArray adminPrefix = fromAdminPort ? QByteArray("/") : QByteArray("/_herald/");
    if (path.startsWith(adminPrefix) && (fromAdminPort || path.size() > adminPrefix.size())) {
        m_admin->handle(request, path.mid(adminPrefix.size()), respond);
        return true;
    }
    return false;
}

HttpServerResponse Router::readiness() const
{
    if (m_draining)
        return textResponse(503, QStringLiteral("draining"));
    if (m_publisher && !m_config.sourceConfigured)
        return m_publisher->isConnected() ? textResponse(200, QStringLiteral("ready: relay connected"))
                                          : textResponse(503, QStringLiteral("the relay's Redis is unreachable"));
    if (m_routes && !m_config.sourceConfigured)
        return textResponse(200, QStringLiteral("ready: %1 routes").arg(m_routes->table().routes.size()));
    if (!m_source->isResolved() || m_source->targets().isEmpty()) {
        const QString error = m_source->lastError();
        return textResponse(503, QStringLiteral("targets not resolved: %1")
                                     .arg(error.isEmpty() ? m_source->description() : error));
    }
    return textResponse(200, QStringLiteral("ready: %1 targets").arg(m_source->targets().size()));
}

bool Router::isAllowedClient(const QHostAddress &address) const
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

bool Router::answerCorsPreflight(const HttpServerRequest &request, Respond &respond)
{
    if (request.method != "OPTIONS" || m_config.corsOrigins.isEmpty())
        return false;
    const QByteArray origin = headerValue(request.headers, "Origin");
    if (origin.isEmpty() || !hasHeader(request.headers, "Access-Control-Request-Method"))
        return false;
    const bool any = m_config.corsOrigins.contains(QStringLiteral("*"));
    if (!any && !m_config.corsOrigins.contains(QString::fromUtf8(origin)))
        return false; // not ours to answer: broadcast it like any OPTIONS
    HttpServerResponse response;
    response.status = 204;
    response.headers = {{"Access-Control-Allow-Origin", any ? QByteArray("*") : origin},
                        {"Access-Control-Allow-Methods", headerValue(request.headers, "Access-Control-Request-Method")},
                        {"Access-Control-Max-Age", "600"},
                        {"Vary", "Origin"}};
    const QByteArray requested = headerValue(request.headers, "Access-Control-Request-Headers");
    if (!requested.isEmpty())
        response.headers.append({"Access-Control-Allow-Headers", requested});
    respond(response);
    return true;
}

void Router::handleBroadcast(const HttpServerRequest &httpRequest, Respond respond)
{
    const auto reject = [&](int status, const QString &reason, const QString &metric) {
        m_metrics->countRejected(metric);
        respond(textResponse(status, reason));
    };
    if (!isAllowedClient(httpRequest.peerAddress))
        return reject(403, QStringLiteral("client %1 is not allowed to broadcast").arg(httpRequest.peerAddress.toString()),
                      QStringLiteral("forbidden"));
    BroadcastRequest request;
    request.method = httpRequest.method;
    request.pathAndQuery = httpRequest.pathAndQuery;
    request.headers = httpRequest.headers;
    request.body = httpRequest.body;
    request.clientAddress = httpRequest.peerAddress.toString();
    request.clientScheme = httpRequest.tls ? "https" : "http";
    if (!m_config.authToken.isEmpty()) {
        if (!BearerToken::matches(request.headers, m_config.authToken)) {
            m_metrics->countRejected(QStringLiteral("unauthorized"));
            HttpServerResponse response = textResponse(401, QStringLiteral("a valid bearer token is required to broadcast"));
            response.headers.append(HttpHeader{"WWW-Authenticate", "Bearer"});
            return respond(response);
        }
        // Herald's own credential is not the backends' business.
        removeHeader(request.headers, "Authorization");
    }
    if (answerCorsPreflight(httpRequest, respond))
        return;
    if (m_broadcaster->headerPolicy().isLoop(request))
        return reject(508, QStringLiteral("loop detected: this request already passed through Herald instance '%1'")
                               .arg(QString::fromLatin1(m_broadcaster->headerPolicy().instanceId)),
                      QStringLiteral("loop"));
    const QString invalid = request.validate();
    if (!invalid.isEmpty())
        return reject(400, invalid, QStringLiteral("invalid"));
    if (m_draining)
        return reject(503, QStringLiteral("draining: this instance is shutting down"), QStringLiteral("draining"));

    if (m_publisher) {
        publish(request, std::move(respond));
        return;
    }
    BroadcastOptions options = m_config.options;
    TargetSource *source = m_source;
    if (m_routes) {
        const int route = m_routes->table().match(headerValue(request.headers, "Host"), pathOf(request.pathAndQuery));
        if (route >= 0) {
            options = m_routes->table().routes.at(route).options;
            source = m_routes->source(route);
        } else if (!m_routes->table().fallbackToDefault || !m_config.sourceConfigured) {
            return reject(404, QStringLiteral("no route for host '%1' and path '%2', and no default group")
                                   .arg(QString::fromLatin1(headerValue(request.headers, "Host")),
                                        QString::fromUtf8(pathOf(request.pathAndQuery))),
                          QStringLiteral("no_route"));
        }
    }
    const QByteArray policyOverride = headerValue(request.headers, policyHeader);
    if (!policyOverride.isEmpty()) {
        QString error;
        options.policy = OutcomePolicy::parse(QString::fromLatin1(policyOverride), &error);
        if (!error.isEmpty())
            return reject(400, QStringLiteral("%1: %2").arg(QString::fromLatin1(policyHeader), error), QStringLiteral("invalid"));
        removeHeader(request.headers, policyHeader);
    }
    const QList<Target> targets = source->targets();
    if (targets.isEmpty()) {
        const QString error = source->lastError();
        return reject(503, QStringLiteral("no targets to broadcast to (%1)").arg(error.isEmpty() ? source->description() : error),
                      QStringLiteral("no_targets"));
    }
    // Overload: say so at once rather than queue without bound and time everyone out.
    if (m_inFlight >= m_config.maxInFlight) {
        m_metrics->countRejected(QStringLiteral("overloaded"));
        HttpServerResponse response = textResponse(503, QStringLiteral("overloaded: %1 broadcasts in flight").arg(m_inFlight));
        response.headers.append(HttpHeader{"Retry-After", "1"});
        return respond(response);
    }
    const bool async = options.policy.kind == OutcomePolicy::Kind::Async;
    if (async && m_asyncInFlight >= m_config.asyncQueueLimit) {
        m_metrics->countRejected(QStringLiteral("async_queue_full"));
        HttpServerResponse response = textResponse(503, QStringLiteral("async queue full (%1 broadcasts in flight)").arg(m_asyncInFlight));
        response.headers.append(HttpHeader{"Retry-After", "1"});
        return respond(response);
    }
    if (options.policy.kind == OutcomePolicy::Kind::First)
        options.bodyLimit = static_cast<int>(qMin<qint64>(m_config.maxBodyBytes, 64 * 1024 * 1024));

    Broadcast *broadcast = m_broadcaster->start(request, targets, options);
    track(broadcast);
    if (async) {
        ++m_asyncInFlight;
        connect(broadcast, &Broadcast::finished, this, [this] { --m_asyncInFlight; });
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        return respond(jsonResponse(202, {{QLatin1String("accepted"), true},
                                          {QLatin1String("id"), id},
                                          {QLatin1String("targets"), static_cast<int>(targets.size())}}));
    }
    connect(broadcast, &Broadcast::decided, this, [broadcast, respond] {
        const BroadcastSummary summary = broadcast->summary();
        if (summary.policy.kind == OutcomePolicy::Kind::First && broadcast->decidingIndex() >= 0) {
            const TargetResult &winner = broadcast->result(broadcast->decidingIndex());
            HttpServerResponse response;
            response.status = winner.status;
            for (const HttpHeader &header : winner.responseHeaders) {
                if (!HeaderPolicy::isHopByHop(header.first) && header.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
                    response.headers.append(header);
            }
            response.headers.append({"X-Herald-Target", winner.target.baseUrl.toEncoded()});
            response.body = winner.responseBody;
            respond(response);
            return;
        }
        respond(jsonResponse(summary.policyMet ? 200 : 502, BroadcastJson::toCompactJson(summary, broadcast->results())));
    });
}

void Router::publish(const BroadcastRequest &request, Respond respond)
{
    RelayEntry entry;
    entry.request = request;
    entry.origin = m_broadcaster->headerPolicy().instanceId;
    entry.timeMs = QDateTime::currentMSecsSinceEpoch();
    m_publisher->publish(entry, [this, respond](bool stored, const QByteArray &idOrError) {
        if (!stored) {
            m_metrics->countRejected(QStringLiteral("relay_unavailable"));
            HttpServerResponse response = textResponse(503, QStringLiteral("not accepted: the relay's Redis did not store the request (%1)")
                                                                 .arg(QString::fromUtf8(idOrError)));
            response.headers.append(HttpHeader{"Retry-After", "1"});
            respond(response);
            return;
        }
        respond(jsonResponse(202, {{QLatin1String("accepted"), true}, {QLatin1String("id"), QString::fromLatin1(idOrError)}}));
    });
    if (m_config.relayAlsoBroadcast && !m_source->targets().isEmpty()) {
        BroadcastOptions options = m_config.options;
        options.policy.kind = OutcomePolicy::Kind::Async;
        track(m_broadcaster->start(request, m_source->targets(), options));
    }
}

void Router::track(Broadcast *broadcast)
{
    ++m_inFlight;
    connect(broadcast, &Broadcast::finished, this, [this, broadcast] {
        logAccess(broadcast);
        if (--m_inFlight == 0)
            Q_EMIT idle();
    });
}

void Router::logAccess(Broadcast *broadcast)
{
    const BroadcastSummary summary = broadcast->summary();
    QStringList failures;
    for (const TargetResult &result : broadcast->results()) {
        if (!result.succeeded())
            failures.append(QStringLiteral("%1=%2").arg(result.target.key(), targetOutcomeName(result.outcome)));
    }
    const QByteArray traceparent = headerValue(broadcast->request().headers, "traceparent");
    qCInfo(lcServe).noquote() << QString::fromLatin1(broadcast->request().method)
                              << QString::fromUtf8(broadcast->request().pathAndQuery) << broadcast->request().clientAddress
                              << ResultTable::summaryLine(summary)
                              << (summary.policyMet ? QStringLiteral("met") : QStringLiteral("not-met"))
                              << (failures.isEmpty() ? QString() : QStringLiteral("failed=[%1]").arg(failures.join(QLatin1Char(' '))))
                              << (traceparent.isEmpty() ? QString() : QStringLiteral("traceparent=") + QString::fromLatin1(traceparent));
}

} // namespace herald
