#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <vector>

namespace herald {

class LeanExchange;

// The attempt deadlines of a lean transport, ordered, with one timer armed for the earliest.
// Deadlines mostly arrive in order (one attempt timeout per broadcast), so adding one rarely
// re-arms the timer; removing the earliest leaves it armed and a wake that finds nothing due
// re-arms it for the next.
class DeadlineList : public QObject
{
    Q_OBJECT
public:
    using Entry = std::multimap<qint64, LeanExchange *>::iterator;

    explicit DeadlineList(std::function<void(LeanExchange *)> expired, QObject *parent = nullptr);
    qint64 nowMs() const { return m_clock.elapsed(); }
    Entry add(qint64 deadlineMs, LeanExchange *exchange);
    void remove(Entry entry) { m_entries.erase(entry); }
    int size() const { return int(m_entries.size()); }
    std::vector<LeanExchange *> calls() const;

private:
    void onTimer();
    void arm();

    std::multimap<qint64, LeanExchange *> m_entries;
    std::function<void(LeanExchange *)> m_expired;
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_armedForMs = -1; // the deadline the timer is set for, -1 when stopped
};

} // namespace herald
