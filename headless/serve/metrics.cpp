#include "serve/metrics.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/responsecomparison.h"
#include "relay/relaypublisher.h"
#include "targets/targetsource.h"

namespace herald {

namespace {

QByteArray escapeLabel(const QString &value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

} // namespace

void Metrics::Histogram::observe(double seconds)
{
    for (size_t i = 0; i < bounds.size(); ++i) {
        if (seconds <= bounds[i])
            ++counts[i];
    }
    ++total;
    sum += seconds;
}

void Metrics::Histogram::render(QByteArray &out, const QByteArray &name) const
{
    out += "# TYPE " + name + " histogram\n";
    for (size_t i = 0; i < bounds.size(); ++i)
        out += name + "_bucket{le=\"" + QByteArray::number(bounds[i]) + "\"} " + QByteArray::number(counts[i]) + '\n';
    out += name + "_bucket{le=\"+Inf\"} " + QByteArray::number(total) + '\n';
    out += name + "_sum " + QByteArray::number(sum, 'g', 10) + '\n';
    out += name + "_count " + QByteArray::number(total) + '\n';
}

Metrics::Metrics(Broadcaster *broadcaster, QObject *parent)
    : QObject(parent)
    , m_broadcaster(broadcaster)
{
    connect(broadcaster, &Broadcaster::broadcastFinished, this, &Metrics::onBroadcastFinished);
}

void Metrics::watchSource(TargetSource *source)
{
    connect(source, &TargetSource::refreshed, this, [this] { ++m_dnsRefreshes; });
    connect(source, &TargetSource::errorOccurred, this, [this] { ++m_dnsErrors; });
}

void Metrics::countRejected(const QString &reason)
{
    ++m_rejected[reason];
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
    ++m_broadcasts[methodLabel(broadcast->request().method) + QLatin1Char('\n') + outcome];
    m_broadcastDuration.observe(summary.durationMs / 1000.0);
    if (broadcast->comparison().disagree())
        ++m_disagreements;
    for (int i = 0; i < broadcast->targetCount(); ++i) {
        const TargetResult &result = broadcast->result(i);
        ++m_targetCodes[broadcast->targetKey(i)][result.status > 0 ? result.status : -static_cast<int>(result.outcome)];
        if (result.attempts.size() > 1)
            m_retries += result.attempts.size() - 1;
        for (const AttemptRecord &attempt : result.attempts)
            m_attemptLatency.observe(attempt.latencyMs / 1000.0);
    }
}

QByteArray Metrics::render() const
{
    QByteArray out;
    const auto renderPairs = [&out](const QByteArray &name, const QByteArray &help, const char *first, const char *second,
                                    const QHash<QString, quint64> &values) {
        out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + " counter\n";
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            const QStringList parts = it.key().split(QLatin1Char('\n'));
            out += name + '{' + first + "=\"" + escapeLabel(parts.at(0)) + "\"," + second + "=\"" + escapeLabel(parts.value(1))
                   + "\"} " + QByteArray::number(it.value()) + '\n';
        }
    };
    renderPairs("herald_broadcasts_total", "Broadcasts finished, by method and whether the policy was met.", "method", "outcome",
                m_broadcasts);
    out += "# HELP herald_target_requests_total Target results, by target and HTTP status or outcome.\n"
           "# TYPE herald_target_requests_total counter\n";
    for (auto target = m_targetCodes.cbegin(); target != m_targetCodes.cend(); ++target) {
        const QByteArray label = "herald_target_requests_total{target=\"" + escapeLabel(target.key()) + "\",code=\"";
        for (auto code = target->cbegin(); code != target->cend(); ++code) {
            const QByteArray name = code.key() > 0 ? QByteArray::number(code.key())
                                                   : targetOutcomeName(static_cast<TargetOutcome>(-code.key())).toLatin1();
            out += label + name + "\"} " + QByteArray::number(code.value()) + '\n';
        }
    }
    out += "# HELP herald_retries_total Attempts beyond the first.\n# TYPE herald_retries_total counter\n";
    out += "herald_retries_total " + QByteArray::number(m_retries) + '\n';
    out += "# HELP herald_broadcasts_disagree_total Broadcasts whose targets did not all give the same answer "
           "(status, body, HERALD_COMPARE_HEADERS).\n# TYPE herald_broadcasts_disagree_total counter\n";
    out += "herald_broadcasts_disagree_total " + QByteArray::number(m_disagreements) + '\n';
    out += "# HELP herald_rejected_total Requests refused before broadcasting, by reason.\n"
           "# TYPE herald_rejected_total counter\n";
    for (auto it = m_rejected.cbegin(); it != m_rejected.cend(); ++it)
        out += "herald_rejected_total{reason=\"" + escapeLabel(it.key()) + "\"} " + QByteArray::number(it.value()) + '\n';
    out += "# HELP herald_circuit_state Circuit per target: 0 closed, 1 open, 2 half-open.\n"
           "# TYPE herald_circuit_state gauge\n";
    for (auto it = m_targetCodes.cbegin(); it != m_targetCodes.cend(); ++it) {
        const int state = static_cast<int>(m_broadcaster->circuitBreaker().state(it.key()));
        out += "herald_circuit_state{target=\"" + escapeLabel(it.key()) + "\"} " + QByteArray::number(state) + '\n';
    }
    out += "# HELP herald_inflight_broadcasts Broadcasts under way.\n# TYPE herald_inflight_broadcasts gauge\n";
    out += "herald_inflight_broadcasts " + QByteArray::number(m_broadcaster->activeBroadcasts()) + '\n';
    out += "# HELP herald_dns_refreshes_total Target resolutions attempted.\n# TYPE herald_dns_refreshes_total counter\n";
    out += "herald_dns_refreshes_total " + QByteArray::number(m_dnsRefreshes) + '\n';
    out += "# HELP herald_dns_errors_total Target resolutions that failed.\n# TYPE herald_dns_errors_total counter\n";
    out += "herald_dns_errors_total " + QByteArray::number(m_dnsErrors) + '\n';
    if (m_publisher) {
        out += "# HELP herald_relay_published_total Requests stored in the relay stream.\n"
               "# TYPE herald_relay_published_total counter\n";
        out += "herald_relay_published_total " + QByteArray::number(m_publisher->published()) + '\n';
        out += "# HELP herald_relay_publish_failures_total Requests refused because Redis did not store them.\n"
               "# TYPE herald_relay_publish_failures_total counter\n";
        out += "herald_relay_publish_failures_total " + QByteArray::number(m_publisher->failed()) + '\n';
        out += "# HELP herald_relay_connected Whether the relay's Redis connection is up.\n# TYPE herald_relay_connected gauge\n";
        out += QByteArray("herald_relay_connected ") + (m_publisher->isConnected() ? "1" : "0") + '\n';
    }
    out += "# HELP herald_broadcast_duration_seconds Time from start to the last target's result.\n";
    m_broadcastDuration.render(out, "herald_broadcast_duration_seconds");
    out += "# HELP herald_attempt_latency_seconds Latency of each attempt to a target.\n";
    m_attemptLatency.render(out, "herald_attempt_latency_seconds");
    return out;
}

} // namespace herald
