#pragma once

#include <QHash>
#include <QString>

namespace herald {

// Per-target circuit breakers shared by all broadcasts of one Broadcaster. After
// `failureThreshold` consecutive failed target results the circuit opens; after the cool-down
// one half-open probe is let through, and its result closes or reopens the circuit.
class CircuitBreaker
{
public:
    enum class State { Closed, Open, HalfOpen };

    int failureThreshold = 5; // 0 disables the breaker
    int cooldownMs = 10000;

    // May a request to `key` be sent now? Moves an open circuit whose cool-down has passed to half-open
    // and grants that caller the probe.
    bool allow(const QString &key, qint64 nowMs);
    void recordSuccess(const QString &key);
    void recordFailure(const QString &key, qint64 nowMs);
    // A probe that ended without a verdict (cancelled) gives the probe slot back.
    void releaseProbe(const QString &key);
    State state(const QString &key) const;
    int consecutiveFailures(const QString &key) const;
    // Milliseconds until an open circuit lets its probe through (0: the next request probes);
    // -1 when the circuit is not open.
    qint64 msUntilProbe(const QString &key, qint64 nowMs) const;
    // Closes the circuit at once and forgets its failures (an operator's reset).
    void reset(const QString &key) { m_entries.remove(key); }

    static QString stateName(State state);

private:
    struct Entry
    {
        State state = State::Closed;
        int failures = 0;
        qint64 openedAtMs = 0;
        bool probeInFlight = false;
    };
    QHash<QString, Entry> m_entries;
};

} // namespace herald
