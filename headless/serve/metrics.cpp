#include "serve/metrics.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/responsecomparison.h"
#include "relay/relaypublisher.h"
#include "targets/targetsource.h"

namespace herald {

Metrics::Metrics(Broadcaster *broadcaster, QObject *parent)
    : QObject(parent)
    , m_broadcaster(broadcaster)
{
    connect(broadcaster, &Broadcaster::broadcastFinished, this, &Metrics::onBroadcastFinished);
}

void Metrics::watchSource(TargetSource *source)
{
    connect(source, &TargetSource::refreshed, this, [this] { ++m_counts.dnsRefreshes; });
    connect(source, &TargetSource::errorOccurred, this, [this] { ++m_counts.dnsErrors; });
}

void Metrics::setWorker(int worker)
{
    m_worker = worker;
    m_counts.workerBroadcasts.insert(worker, 0); // shown at 0 before its first broadcast
}

void Metrics::countRejected(const QString &reason)
{
    ++m_counts.rejected[reason];
}

QString Metrics::methodLabel(const QByteArray &method)
{
    static const QByteArrayList known = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "BAN", "REFRESH"};
    return known.contains(method) ? QString::fromLatin1(method) : QStringLiteral("other");
}

void Metrics::onBroadcastFinished(Broadcast *broadcast)
{
    const BroadcastSummary summary = broadcast->summary();
    const QString outcome = summary.total == 0  ? QStringLiteral("no_targets")
                            : summary.policyMet ? QStringLiteral("met")
                                                : QStringLiteral("not_met");
    ++m_counts.broadcasts[methodLabel(broadcast->request().method) + QLatin1Char('\n') + outcome];
    if (m_worker >= 0)
        ++m_counts.workerBroadcasts[m_worker];
    m_counts.broadcastDuration.observe(summary.durationMs / 1000.0);
    if (broadcast->comparison().disagree())
        ++m_counts.disagreements;
    for (int i = 0; i < broadcast->targetCount(); ++i) {
        const TargetResult &result = broadcast->result(i);
        ++m_counts.targetCodes[broadcast->targetKey(i)][result.status > 0 ? result.status : -static_cast<int>(result.outcome)];
        if (result.attempts.size() > 1)
            m_counts.retries += result.attempts.size() - 1;
        for (const AttemptRecord &attempt : result.attempts)
            m_counts.attemptLatency.observe(attempt.latencyMs / 1000.0);
    }
}

MetricsSnapshot Metrics::snapshot() const
{
    MetricsSnapshot snapshot = m_counts;
    for (auto it = m_counts.targetCodes.cbegin(); it != m_counts.targetCodes.cend(); ++it)
        snapshot.circuitStates.insert(it.key(), static_cast<int>(m_broadcaster->circuitBreaker().state(it.key())));
    snapshot.inFlight = m_broadcaster->activeBroadcasts();
    if (m_publisher) {
        snapshot.relay.present = true;
        snapshot.relay.published = m_publisher->published();
        snapshot.relay.failed = m_publisher->failed();
        snapshot.relay.connected = m_publisher->isConnected();
    }
    return snapshot;
}

} // namespace herald
