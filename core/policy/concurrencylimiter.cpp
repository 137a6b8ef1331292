#include "policy/concurrencylimiter.h"

namespace herald {

bool ConcurrencyLimiter::hasRoom(const QString &key) const
{
    return m_total < totalLimit && m_inFlight.value(key) < perKeyLimit;
}

ConcurrencyLimiter::Ticket ConcurrencyLimiter::acquire(const QString &key, std::function<void()> granted)
{
    const Ticket ticket = m_nextTicket++;
    if (m_waiting.empty() && m_total < totalLimit) {
        // One lookup for the check and the count: this runs once per attempt.
        auto it = m_inFlight.find(key);
        if ((it == m_inFlight.end() ? 0 : it.value()) < perKeyLimit) {
            if (it == m_inFlight.end())
                m_inFlight.insert(key, 1);
            else
                ++it.value();
            ++m_total;
            granted();
            return ticket;
        }
    }
    m_waiting.push_back({ticket, key, std::move(granted)});
    grantWaiting();
    return ticket;
}

void ConcurrencyLimiter::release(const QString &key)
{
    auto it = m_inFlight.find(key);
    if (it == m_inFlight.end())
        return;
    --m_total;
    if (--it.value() == 0)
        m_inFlight.erase(it);
    grantWaiting();
}

bool ConcurrencyLimiter::cancel(Ticket ticket)
{
    for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
        if (it->ticket == ticket) {
            m_waiting.erase(it);
            return true;
        }
    }
    return false;
}

void ConcurrencyLimiter::grantWaiting()
{
    // A granted callback may release or acquire again; the outer loop picks that up.
    if (m_granting)
        return;
    m_granting = true;
    bool progress = true;
    while (progress && m_total < totalLimit) {
        progress = false;
        for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
            if (!hasRoom(it->key))
                continue;
            Waiter waiter = std::move(*it);
            m_waiting.erase(it);
            ++m_total;
            ++m_inFlight[waiter.key];
            waiter.granted();
            progress = true;
            break;
        }
    }
    m_granting = false;
}

} // namespace herald
