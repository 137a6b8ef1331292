#include "transport/deadlinelist.h"

namespace herald {

DeadlineList::DeadlineList(std::function<void(LeanExchange *)> expired, QObject *parent)
    : QObject(parent)
    , m_expired(std::move(expired))
{
    m_clock.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DeadlineList::onTimer);
}

DeadlineList::Entry DeadlineList::add(qint64 deadlineMs, LeanExchange *exchange)
{
    const Entry entry = m_entries.emplace(deadlineMs, exchange);
    if (m_armedForMs < 0 || deadlineMs < m_armedForMs)
        arm();
    return entry;
}

std::vector<LeanExchange *> DeadlineList::calls() const
{
    std::vector<LeanExchange *> calls;
    calls.reserve(m_entries.size());
    for (const auto &entry : m_entries)
        calls.push_back(entry.second);
    return calls;
}

void DeadlineList::arm()
{
    if (m_entries.empty()) {
        m_timer.stop();
        m_armedForMs = -1;
        return;
    }
    m_armedForMs = m_entries.begin()->first;
    m_timer.start(int(qBound<qint64>(0, m_armedForMs - nowMs(), 24LL * 3600 * 1000)));
}

void DeadlineList::onTimer()
{
    m_armedForMs = -1;
    // One at a time: an exchange's receiver may add and remove deadlines.
    while (!m_entries.empty() && m_entries.begin()->first <= nowMs()) {
        LeanExchange *exchange = m_entries.begin()->second;
        m_entries.erase(m_entries.begin());
        m_expired(exchange);
    }
    if (m_armedForMs < 0)
        arm();
}

} // namespace herald
