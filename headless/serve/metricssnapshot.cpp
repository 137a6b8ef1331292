#include "serve/metricssnapshot.h"

#include "broadcast/targetresult.h"

namespace herald {

namespace {

QByteArray escapeLabel(const QString &value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

// CircuitBreaker::State as a merge order: closed (0) < half-open (2) < open (1). A target one
// worker finds dead is shown open, whatever the others have learnt so far.
int circuitRank(int state)
{
    return state == 1 ? 2 : state == 2 ? 1 : 0;
}

template <typename Key> void addCounts(QHash<Key, quint64> &into, const QHash<Key, quint64> &from)
{
    for (auto it = from.cbegin(); it != from.cend(); ++it)
        into[it.key()] += it.value();
}

} // namespace

void MetricsSnapshot::Histogram::observe(double seconds)
{
    for (size_t i = 0; i < bounds.size(); ++i) {
        if (seconds <= bounds[i])
            ++counts[i];
    }
    ++total;
    sum += seconds;
}

void MetricsSnapshot::Histogram::merge(const Histogram &other)
{
    for (size_t i = 0; i < bounds.size(); ++i)
        counts[i] += other.counts[i];
    total += other.total;
    sum += other.sum;
}

void MetricsSnapshot::Histogram::render(QByteArray &out, const QByteArray &name) const
{
    out += "# TYPE " + name + " histogram\n";
    for (size_t i = 0; i < bounds.size(); ++i)
        out += name + "_bucket{le=\"" + QByteArray::number(bounds[i]) + "\"} " + QByteArray::number(counts[i]) + '\n';
    out += name + "_bucket{le=\"+Inf\"} " + QByteArray::number(total) + '\n';
    out += name + "_sum " + QByteArray::number(sum, 'g', 10) + '\n';
    out += name + "_count " + QByteArray::number(total) + '\n';
}

void MetricsSnapshot::merge(const MetricsSnapshot &other)
{
    addCounts(broadcasts, other.broadcasts);
    for (auto target = other.targetCodes.cbegin(); target != other.targetCodes.cend(); ++target)
        addCounts(targetCodes[target.key()], target.value());
    addCounts(rejected, other.rejected);
    retries += other.retries;
    disagreements += other.disagreements;
    dnsRefreshes += other.dnsRefreshes;
    dnsErrors += other.dnsErrors;
    broadcastDuration.merge(other.broadcastDuration);
    attemptLatency.merge(other.attemptLatency);
    for (auto it = other.circuitStates.cbegin(); it != other.circuitStates.cend(); ++it) {
        auto mine = circuitStates.find(it.key());
        if (mine == circuitStates.end())
            circuitStates.insert(it.key(), it.value());
        else if (circuitRank(it.value()) > circuitRank(*mine))
            *mine = it.value();
    }
    inFlight += other.inFlight;
    if (other.relay.present)
        relay = other.relay;
    for (auto it = other.workerBroadcasts.cbegin(); it != other.workerBroadcasts.cend(); ++it)
        workerBroadcasts[it.key()] += it.value();
    missingWorkers.append(other.missingWorkers);
}

QByteArray MetricsSnapshot::render() const
{
    QByteArray out;
    for (const int worker : missingWorkers)
        out += "# worker " + QByteArray::number(worker) + " did not answer within 1 s: its counts are left out\n";
    out += "# HELP herald_broadcasts_total Broadcasts finished, by method and whether the policy was met.\n"
           "# TYPE herald_broadcasts_total counter\n";
    for (auto it = broadcasts.cbegin(); it != broadcasts.cend(); ++it) {
        const QStringList parts = it.key().split(QLatin1Char('\n'));
        out += "herald_broadcasts_total{method=\"" + escapeLabel(parts.at(0)) + "\",outcome=\"" + escapeLabel(parts.value(1))
               + "\"} " + QByteArray::number(it.value()) + '\n';
    }
    if (!workerBroadcasts.isEmpty()) {
        out += "# HELP herald_worker_broadcasts_total Broadcasts finished, by the worker (event loop) that ran them; "
               "0 is the main thread.\n# TYPE herald_worker_broadcasts_total counter\n";
        for (auto it = workerBroadcasts.cbegin(); it != workerBroadcasts.cend(); ++it)
            out += "herald_worker_broadcasts_total{worker=\"" + QByteArray::number(it.key()) + "\"} "
                   + QByteArray::number(it.value()) + '\n';
    }
    out += "# HELP herald_target_requests_total Target results, by target and HTTP status or outcome.\n"
           "# TYPE herald_target_requests_total counter\n";
    for (auto target = targetCodes.cbegin(); target != targetCodes.cend(); ++target) {
        const QByteArray label = "herald_target_requests_total{target=\"" + escapeLabel(target.key()) + "\",code=\"";
        for (auto code = target->cbegin(); code != target->cend(); ++code) {
            const QByteArray name = code.key() > 0 ? QByteArray::number(code.key())
                                                   : targetOutcomeName(static_cast<TargetOutcome>(-code.key())).toLatin1();
            out += label + name + "\"} " + QByteArray::number(code.value()) + '\n';
        }
    }
    out += "# HELP herald_retries_total Attempts beyond the first.\n# TYPE herald_retries_total counter\n";
    out += "herald_retries_total " + QByteArray::number(retries) + '\n';
    out += "# HELP herald_broadcasts_disagree_total Broadcasts whose targets did not all give the same answer "
           "(status, body, HERALD_COMPARE_HEADERS).\n# TYPE herald_broadcasts_disagree_total counter\n";
    out += "herald_broadcasts_disagree_total " + QByteArray::number(disagreements) + '\n';
    out += "# HELP herald_rejected_total Requests refused before broadcasting, by reason.\n"
           "# TYPE herald_rejected_total counter\n";
    for (auto it = rejected.cbegin(); it != rejected.cend(); ++it)
        out += "herald_rejected_total{reason=\"" + escapeLabel(it.key()) + "\"} " + QByteArray::number(it.value()) + '\n';
    out += "# HELP herald_circuit_state Circuit per target: 0 closed, 1 open, 2 half-open.\n"
           "# TYPE herald_circuit_state gauge\n";
    for (auto it = circuitStates.cbegin(); it != circuitStates.cend(); ++it)
        out += "herald_circuit_state{target=\"" + escapeLabel(it.key()) + "\"} " + QByteArray::number(it.value()) + '\n';
    out += "# HELP herald_inflight_broadcasts Broadcasts under way.\n# TYPE herald_inflight_broadcasts gauge\n";
    out += "herald_inflight_broadcasts " + QByteArray::number(inFlight) + '\n';
    out += "# HELP herald_dns_refreshes_total Target resolutions attempted.\n# TYPE herald_dns_refreshes_total counter\n";
    out += "herald_dns_refreshes_total " + QByteArray::number(dnsRefreshes) + '\n';
    out += "# HELP herald_dns_errors_total Target resolutions that failed.\n# TYPE herald_dns_errors_total counter\n";
    out += "herald_dns_errors_total " + QByteArray::number(dnsErrors) + '\n';
    if (relay.present) {
        out += "# HELP herald_relay_published_total Requests stored in the relay stream.\n"
               "# TYPE herald_relay_published_total counter\n";
        out += "herald_relay_published_total " + QByteArray::number(relay.published) + '\n';
        out += "# HELP herald_relay_publish_failures_total Requests refused because Redis did not store them.\n"
               "# TYPE herald_relay_publish_failures_total counter\n";
        out += "herald_relay_publish_failures_total " + QByteArray::number(relay.failed) + '\n';
        out += "# HELP herald_relay_connected Whether the relay's Redis connection is up.\n# TYPE herald_relay_connected gauge\n";
        out += QByteArray("herald_relay_connected ") + (relay.connected ? "1" : "0") + '\n';
    }
    out += "# HELP herald_broadcast_duration_seconds Time from start to the last target's result.\n";
    broadcastDuration.render(out, "herald_broadcast_duration_seconds");
    out += "# HELP herald_attempt_latency_seconds Latency of each attempt to a target.\n";
    attemptLatency.render(out, "herald_attempt_latency_seconds");
    return out;
}

} // namespace herald
