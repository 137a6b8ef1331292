#include "serve/router.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjob.h"
#include "broadcast/jobregistry.h"
#include "broadcast/dryrun.h"
#include "http/httpresponses.h"
#include "relay/relaypublisher.h"
#include "send/resulttable.h"
#include "serve/adminapi.h"
#include "serve/broadcastanswer.h"
#include "serve/healthprobe.h"
#include "serve/jobapi.h"
#include "serve/metrics.h"
#include "serve/targetsupdate.h"
#include "targets/targetsource.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcServe, "herald.serve")

namespace herald {

namespace {

QByteArray pathOf(const QByteArray &pathAndQuery)
{
    const int question = pathAndQuery.indexOf('?');
    return question < 0 ? pathAndQuery : pathAndQuery.left(question);
}

} // namespace

Router::Router(const ServeConfig &config, const Parts &parts, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_parts(parts)
    , m_admission(config, parts.source, parts.routes)
{
    m_admission.setPublishing(parts.publisher != nullptr);
}

void Router::setConfig(const ServeConfig &config)
{
    m_config = config;
    m_admission.setConfig(config);
}

void Router::handle(const HttpServerRequest &request, bool fromAdminPort, Respond respond)
{
    const QByteArray path = pathOf(request.pathAndQuery);
    Reserved reserved = reservedFor(request, path, fromAdminPort);
    if (reserved == Reserved::TargetsUpdate && !m_parts.targetsUpdate)
        reserved = Reserved::None;
    if (reserved != Reserved::None) {
        answerReserved(reserved, request, path, fromAdminPort, respond);
        return;
    }
    handleBroadcast(request, std::move(respond));
}

void Router::handleMetricsPort(const HttpServerRequest &request, Respond respond)
{
    if ((request.method == "GET" || request.method == "HEAD") && pathOf(request.pathAndQuery) == "/metrics")
        respondMetrics(std::move(respond));
    else
        respond(HttpResponses::text(404, QStringLiteral("not found; the metrics port serves GET /metrics")));
}

bool Router::isWorkerLocal(const HttpServerRequest &request) const
{
    if (!m_config.relayUrl.isEmpty() || !m_config.routesFile.isEmpty() || !m_config.requestClonesPath.isEmpty())
        return false;
    if (reservedFor(request, pathOf(request.pathAndQuery), false) != Reserved::None)
        return false;
    if (hasHeader(request.headers, DryRun::header))
        return false;
    // An async broadcast becomes a job, and the jobs are the main thread's.
    const QByteArray policyOverride = headerValue(request.headers, BroadcastAdmission::policyHeader);
    if (policyOverride.isEmpty())
        return m_config.options.policy.kind != OutcomePolicy::Kind::Async;
    QString error;
    const OutcomePolicy policy = OutcomePolicy::parse(QString::fromLatin1(policyOverride), &error);
    return !error.isEmpty() || policy.kind != OutcomePolicy::Kind::Async; // a bad one is refused alike anywhere
}

void Router::respondMetrics(Respond respond)
{
    const auto answer = [respond](const QByteArray &text) {
        HttpServerResponse response;
        response.headers = {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}};
        response.body = text;
        respond(response);
    };
    if (m_scrape)
        m_scrape(answer);
    else
        answer(m_parts.metrics->render());
}

Router::Reserved Router::reservedFor(const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort) const
{
    // The seed's callers post their update to the broadcast port, so it is reserved there even
    // with a separate admin port; never broadcast, whoever asks.
    if (!fromAdminPort && !m_config.targetsUpdatePath.isEmpty() && path == m_config.targetsUpdatePath.toUtf8())
        return Reserved::TargetsUpdate;
    const bool readOnly = request.method == "GET" || request.method == "HEAD";
    // FanOut's /health and /version: answered here, never broadcast, on whichever port they reach.
    if (readOnly && !m_config.healthPath.isEmpty() && path == m_config.healthPath.toUtf8())
        return Reserved::Health;
    if (readOnly && !m_config.versionPath.isEmpty() && path == m_config.versionPath.toUtf8())
        return Reserved::Version;
    // With a separate admin port nothing on the main port is reserved, so every path can be broadcast.
    if (!fromAdminPort && m_config.adminListenEnabled)
        return Reserved::None;
    const QByteArray probePrefix = fromAdminPort ? QByteArray() : m_config.probePrefix.toUtf8();
    if (readOnly && path == probePrefix + "/healthz")
        return Reserved::Healthz;
    if (readOnly && path == probePrefix + "/livez")
        return Reserved::Livez;
    if (readOnly && path == probePrefix + "/readyz")
        return Reserved::Readyz;
    if (readOnly && m_config.metricsEnabled && path == probePrefix + "/metrics")
        return Reserved::Metrics;
    const QByteArray adminPrefix = fromAdminPort ? QByteArray("/") : QByteArray("/_herald/");
    if (path.startsWith(adminPrefix + "jobs/"))
        return Reserved::Jobs;
    if (path.startsWith(adminPrefix) && (fromAdminPort || path.size() > adminPrefix.size()))
        return Reserved::Admin;
    return fromAdminPort ? Reserved::AdminNotFound : Reserved::None;
}

void Router::answerReserved(Reserved reserved, const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort,
                            Respond &respond)
{
    const QByteArray adminPrefix = fromAdminPort ? QByteArray("/") : QByteArray("/_herald/");
    switch (reserved) {
    case Reserved::None:
        return;
    case Reserved::TargetsUpdate:
        respond(m_parts.targetsUpdate->handle(request, m_config));
        return;
    case Reserved::Health:
        respond(HttpResponses::json(200, {{QLatin1String("status"), QLatin1String("healthy")}}));
        return;
    case Reserved::Version:
        respond(HttpResponses::json(200, {{QLatin1String("name"), QLatin1String("herald")},
                                          {QLatin1String("version"), QCoreApplication::applicationVersion()}}));
        return;
    case Reserved::Healthz:
        m_parts.health->check(respond);
        return;
    case Reserved::Livez:
        respond(HealthProbe::liveness());
        return;
    case Reserved::Readyz:
        respond(m_parts.health->readiness(m_draining));
        return;
    case Reserved::Metrics:
        respondMetrics(respond);
        return;
    case Reserved::Jobs:
        m_parts.jobApi->handle(request, path.mid(adminPrefix.size() + 5), respond);
        return;
    case Reserved::Admin:
        m_parts.admin->handle(request, path.mid(adminPrefix.size()), respond);
        return;
    case Reserved::AdminNotFound:
        respond(HttpResponses::text(404,
                                    QStringLiteral(
                                        "not found; the admin port serves /healthz, /livez, /readyz, /metrics and the admin API")));
        return;
    }
}

void Router::handleBroadcast(const HttpServerRequest &httpRequest, Respond plainRespond)
{
    AdmissionDecision decision = m_admission.admit(httpRequest, {m_inFlight, m_asyncInFlight, m_draining,
                                                                 m_parts.jobs && !m_parts.jobs->hasRoom()});
    Respond respond = plainRespond;
    if (!decision.answerHeaders.isEmpty()) {
        respond = [plainRespond, extra = decision.answerHeaders](HttpServerResponse response) {
            response.headers.append(extra);
            plainRespond(response);
        };
    }
    switch (decision.verdict) {
    case AdmissionDecision::Verdict::Refused: {
        m_parts.metrics->countRejected(decision.metric);
        HttpServerResponse response = HttpResponses::text(decision.status, decision.reason);
        response.headers.append(decision.headers);
        respond(response);
        return;
    }
    case AdmissionDecision::Verdict::Preflight:
        respond({decision.status, decision.headers, {}});
        return;
    case AdmissionDecision::Verdict::Echo:
        respond(BroadcastAnswer::echo(decision.request, m_config.echoFull, m_config.echoHeader));
        return;
    case AdmissionDecision::Verdict::Publish:
        publish(decision.request, std::move(respond));
        return;
    case AdmissionDecision::Verdict::DryRun:
        respond(HttpResponses::json(200, DryRun::plan(decision.request, decision.targets, m_parts.broadcaster->headerPolicy(),
                                                      decision.options)
                                             .toJson()));
        return;
    case AdmissionDecision::Verdict::Broadcast:
        break;
    }
    Broadcast *broadcast = m_parts.broadcaster->start(decision.request, decision.targets, decision.options);
    track(broadcast);
    if (decision.isAsync()) {
        ++m_asyncInFlight;
        connect(broadcast, &Broadcast::finished, this, [this] { --m_asyncInFlight; });
        const QString id = m_parts.jobs->add(broadcast)->id();
        respond(BroadcastAnswer::queued(id, JobApi::location(m_config, id.toUtf8()), static_cast<int>(decision.targets.size())));
        return;
    }
    const bool winner = decision.answerWinner;
    const qint64 winnerMaxBody = decision.winnerMaxBody;
    connect(broadcast, &Broadcast::decided, this,
            [broadcast, respond, winner, winnerMaxBody] { respond(BroadcastAnswer::decided(*broadcast, winner, winnerMaxBody)); });
}

void Router::publish(const BroadcastRequest &request, Respond respond)
{
    RelayEntry entry;
    entry.request = request;
    entry.origin = m_parts.broadcaster->headerPolicy().instanceId;
    entry.timeMs = QDateTime::currentMSecsSinceEpoch();
    // This instance's own targets get the request only once it is stored: a client answered 503
    // retries, and the targets would otherwise see the request once per try.
    m_parts.publisher->publish(entry, [this, request, respond](bool stored, const QByteArray &idOrError) {
        if (!stored)
            m_parts.metrics->countRejected(QStringLiteral("relay_unavailable"));
        respond(stored ? BroadcastAnswer::published(idOrError, JobApi::location(m_config, idOrError))
                       : BroadcastAnswer::notPublished(idOrError));
        if (stored && m_config.relayAlsoBroadcast && !m_parts.source->targets().isEmpty()) {
            BroadcastOptions options = m_config.options;
            options.policy.kind = OutcomePolicy::Kind::Async;
            track(m_parts.broadcaster->start(request, m_parts.source->targets(), options));
        }
    });
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
    if (!lcServe().isInfoEnabled()) // HERALD_LOG_LEVEL=warn: nothing of the line below is made
        return;
    const BroadcastSummary summary = broadcast->summary();
    QStringList failures;
    for (int i = 0; i < broadcast->targetCount(); ++i) { // read in place, not copied
        const TargetResult &result = broadcast->result(i);
        if (!result.succeeded())
            failures.append(QStringLiteral("%1=%2").arg(broadcast->targetKey(i), targetOutcomeName(result.outcome)));
    }
    const QByteArray traceparent = headerValue(broadcast->request().headers, "traceparent");
    qCInfo(lcServe).noquote() << QString::fromLatin1(broadcast->request().method)
                              << QString::fromUtf8(broadcast->request().pathAndQuery) << broadcast->request().clientAddress
                              << ResultTable::summaryLine(summary)
                              << (summary.policyMet ? QStringLiteral("met") : QStringLiteral("not-met"))
                              << (failures.isEmpty() ? QString()
                                                     : QStringLiteral("failed=[%1]").arg(failures.join(QLatin1Char(' '))))
                              << (traceparent.isEmpty() ? QString()
                                                        : QStringLiteral("traceparent=") + QString::fromLatin1(traceparent));
}

} // namespace herald
