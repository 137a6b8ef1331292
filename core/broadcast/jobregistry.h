#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

namespace herald {

class Broadcast;
class BroadcastJob;

// The async broadcasts kept by id for their clients: each for `ttlMs` after it finished, at most
// `maxJobs` at once. A new job takes the place of the oldest finished one when full; when every
// place holds a running job there is no room, and the caller refuses the broadcast.
class JobRegistry : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        int ttlMs = 10 * 60 * 1000;
        int maxJobs = 1000;
    };

    explicit JobRegistry(QObject *parent = nullptr);
    explicit JobRegistry(const Limits &limits, QObject *parent = nullptr);

    // A new TTL counts for jobs finishing from now on; a lower maximum, for the next add().
    void setLimits(const Limits &limits) { m_limits = limits; }
    const Limits &limits() const { return m_limits; }
    // Whether add() can keep one more job: below the maximum, or a finished job to evict.
    bool hasRoom() const;
    // Keeps a job for `broadcast` (not yet finished) under a fresh id, evicting the oldest finished
    // jobs beyond the maximum.
    BroadcastJob *add(Broadcast *broadcast);
    // Null when the id is unknown, expired or evicted.
    BroadcastJob *find(const QString &id) const { return m_jobs.value(id); }
    int count() const { return static_cast<int>(m_jobs.size()); }
    int running() const { return m_running; }

private:
    void onJobFinished(BroadcastJob *job);
    void remove(BroadcastJob *job);

    Limits m_limits;
    QHash<QString, BroadcastJob *> m_jobs;
    QList<BroadcastJob *> m_order; // oldest first: eviction takes the first finished one
    int m_running = 0;
};

} // namespace herald
