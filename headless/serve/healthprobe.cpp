#include "serve/healthprobe.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "http/httpresponses.h"
#include "relay/relaypublisher.h"
#include "serve/routeset.h"
#include "targets/targetsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

HealthProbe::HealthProbe(TargetSource *source, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_broadcaster(new Broadcaster(nullptr, this))
    , m_timeoutMs(timeoutMs)
{
    m_broadcaster->circuitBreaker().failureThreshold = 0;
}

void HealthProbe::check(Respond respond)
{
    if (m_lastAge.isValid() && m_lastAge.elapsed() < 1000) {
        respond(m_last);
        return;
    }
    m_waiting.append(std::move(respond));
    if (m_waiting.size() > 1)
        return;
    // Without a default group the routes are the targets: their health is the instance's.
    const bool routesOnly = m_routes && !m_sourceConfigured;
    const QList<Target> targets = routesOnly ? m_routes->allTargets() : m_source->targets();
    if (targets.isEmpty() && routesOnly) {
        onProbeFinished(0, 0, QStringLiteral("no route has targets (yet)"));
        return;
    }
    if (targets.isEmpty()) {
        onProbeFinished(0, 0, m_source->lastError().isEmpty() ? QStringLiteral("no targets") : m_source->lastError());
        return;
    }
    BroadcastRequest request;
    request.method = "HEAD";
    BroadcastOptions options;
    options.retry.maxRetries = 0;
    options.attemptTimeoutMs = m_timeoutMs;
    options.deadlineMs = m_timeoutMs + 1000;
    options.policy.kind = OutcomePolicy::Kind::Any;
    Broadcast *probe = m_broadcaster->start(request, targets, options);
    connect(probe, &Broadcast::finished, this, [this, probe] {
        int healthy = 0;
        QStringList failures;
        for (const TargetResult &result : probe->results()) {
            if (result.status >= 100 && result.status < 500)
                ++healthy;
            else
                failures.append(QStringLiteral("%1: %2").arg(result.target.key(), result.error.isEmpty()
                                                                                      ? targetOutcomeName(result.outcome)
                                                                                      : result.error));
        }
        onProbeFinished(healthy, probe->targetCount(), failures.join(QStringLiteral("; ")));
    });
}

void HealthProbe::setHeaderPolicy(const HeaderPolicy &policy)
{
    m_broadcaster->headerPolicy() = policy;
}

HttpServerResponse HealthProbe::readiness(bool draining) const
{
    if (draining)
        return HttpResponses::text(503, QStringLiteral("draining"));
    // Every accepted request is published first: without Redis none can be, targets or not.
    if (m_publisher && !m_publisher->isConnected()) {
        const QString error = m_publisher->lastError();
        return HttpResponses::text(503, QStringLiteral("the relay's Redis is unreachable%1")
                                            .arg(error.isEmpty() ? QString() : QStringLiteral(": ") + error));
    }
    if (m_publisher && !m_sourceConfigured)
        return HttpResponses::text(200, QStringLiteral("ready: relay connected"));
    if (m_routes && !m_sourceConfigured) {
        const int targets = static_cast<int>(m_routes->allTargets().size());
        if (targets == 0)
            return HttpResponses::text(503,
                                       QStringLiteral("no route has targets (yet): %1 routes").arg(m_routes->table().routes.size()));
        return HttpResponses::text(200,
                                   QStringLiteral("ready: %1 routes, %2 targets").arg(m_routes->table().routes.size()).arg(targets));
    }
    if (!m_source->isResolved() || m_source->targets().isEmpty()) {
        const QString error = m_source->lastError();
        return HttpResponses::text(503,
                                   QStringLiteral("targets not resolved: %1").arg(error.isEmpty() ? m_source->description() : error));
    }
    return HttpResponses::text(200, QStringLiteral("ready: %1 targets").arg(m_source->targets().size()));
}

HttpServerResponse HealthProbe::liveness()
{
    return HttpResponses::text(200, QStringLiteral("alive"));
}

void HealthProbe::onProbeFinished(int healthy, int total, const QString &detail)
{
    QJsonObject body{{QLatin1String("healthy"), healthy}, {QLatin1String("targets"), total}};
    if (!detail.isEmpty())
        body.insert(QLatin1String("detail"), detail);
    m_last = {};
    m_last.status = healthy > 0 ? 200 : 503;
    m_last.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
    m_last.body = QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';
    m_lastAge.start();
    const QList<Respond> waiting = std::exchange(m_waiting, {});
    for (const Respond &respond : waiting)
        respond(m_last);
}

} // namespace herald
