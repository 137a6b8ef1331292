#pragma once

#include <QHash>
#include <QString>

#include <deque>
#include <functional>

namespace herald {

// Herald's own queue in front of every target: at most `perKey` requests in flight per target
// and `total` overall, so the attempt timeout only runs once a request is really sent (QNAM
// would otherwise queue silently behind its six connections per host).
class ConcurrencyLimiter
{
public:
    using Ticket = quint64;

    int perKeyLimit = 6;
    int totalLimit = 512;

    // Calls `granted` now when a slot is free, else when one frees up. Returns a ticket for cancel().
    Ticket acquire(const QString &key, std::function<void()> granted);
    // Gives back a slot taken by a granted ticket.
    void release(const QString &key);
    // Forgets a ticket still waiting; returns false when it was already granted.
    bool cancel(Ticket ticket);

    int inFlight() const { return m_total; }
    int waiting() const { return static_cast<int>(m_waiting.size()); }

private:
    struct Waiter
    {
        Ticket ticket;
        QString key;
        std::function<void()> granted;
    };
    bool hasRoom(const QString &key) const;
    void grantWaiting();

    std::deque<Waiter> m_waiting;
    QHash<QString, int> m_inFlight;
    int m_total = 0;
    Ticket m_nextTicket = 1;
    bool m_granting = false;
};

} // namespace herald
