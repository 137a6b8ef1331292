#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <array>

namespace herald {

// The counters, histograms and gauges of one `herald serve` event loop at one moment, as a value:
// with HERALD_WORKERS >= 2 each worker's is taken on its own thread and merged on the main one, so
// the hot path counts into plain members and a scrape never locks anything.
struct MetricsSnapshot
{
    struct Histogram
    {
        static constexpr std::array<double, 12> bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
        std::array<quint64, bounds.size()> counts{};
        quint64 total = 0;
        double sum = 0;
        void observe(double seconds);
        void merge(const Histogram &other);
        void render(QByteArray &out, const QByteArray &name) const;
    };

    // The relay publisher's counters; only the main thread publishes.
    struct Relay
    {
        bool present = false;
        quint64 published = 0;
        quint64 failed = 0;
        bool connected = false;
    };

    QHash<QString, quint64> broadcasts; // "method\noutcome"
    // Per target key (also the circuit state gauges' list): results by code, an HTTP status or,
    // without one, minus the TargetOutcome.
    QHash<QString, QHash<int, quint64>> targetCodes;
    QHash<QString, quint64> rejected;
    quint64 retries = 0;
    quint64 disagreements = 0; // broadcasts whose targets answered in more than one way
    quint64 dnsRefreshes = 0;
    quint64 dnsErrors = 0;
    Histogram broadcastDuration;
    Histogram attemptLatency;
    // Gauges, read when the snapshot is taken.
    QHash<QString, int> circuitStates; // CircuitBreaker::State per target; merged: open wins, then half-open
    qint64 inFlight = 0;
    Relay relay;
    QMap<int, quint64> workerBroadcasts; // per worker (0: the main thread), only with HERALD_WORKERS >= 2
    QList<int> missingWorkers;           // workers that did not answer the scrape in time

    // Adds `other`'s counters to these (the sum over workers).
    void merge(const MetricsSnapshot &other);
    // The Prometheus text format.
    QByteArray render() const;
};

} // namespace herald
