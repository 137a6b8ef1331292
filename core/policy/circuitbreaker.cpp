#include "policy/circuitbreaker.h"

namespace herald {

bool CircuitBreaker::allow(const QString &key, qint64 nowMs)
{
    if (failureThreshold <= 0)
        return true;
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->state == State::Closed)
        return true;
    if (it->state == State::Open) {
        if (nowMs - it->openedAtMs < cooldownMs)
            return false;
        it->state = State::HalfOpen;
        it->probeInFlight = false;
    }
    if (it->probeInFlight)
        return false;
    it->probeInFlight = true;
    return true;
}

void CircuitBreaker::recordSuccess(const QString &key)
{
    auto it = m_entries.find(key);
    if (it != m_entries.end())
        m_entries.erase(it);
}

void CircuitBreaker::recordFailure(const QString &key, qint64 nowMs)
{
    if (failureThreshold <= 0)
        return;
    Entry &entry = m_entries[key];
    entry.failures++;
    entry.probeInFlight = false;
    if (entry.state == State::HalfOpen || entry.failures >= failureThreshold) {
        entry.state = State::Open;
        entry.openedAtMs = nowMs;
    }
}

void CircuitBreaker::releaseProbe(const QString &key)
{
    auto it = m_entries.find(key);
    if (it != m_entries.end())
        it->probeInFlight = false;
}

CircuitBreaker::State CircuitBreaker::state(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? State::Closed : it->state;
}

int CircuitBreaker::consecutiveFailures(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? 0 : it->failures;
}

qint64 CircuitBreaker::msUntilProbe(const QString &key, qint64 nowMs) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend() || it->state != State::Open)
        return -1;
    return qMax<qint64>(0, it->openedAtMs + cooldownMs - nowMs);
}

QString CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return QStringLiteral("closed");
    case State::Open:
        return QStringLiteral("open");
    case State::HalfOpen:
        return QStringLiteral("half-open");
    }
    return {};
}

} // namespace herald
