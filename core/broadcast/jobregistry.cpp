#include "broadcast/jobregistry.h"

#include "broadcast/broadcastjob.h"

#include <QTimer>
#include <QUuid>

#include <algorithm>

namespace herald {

JobRegistry::JobRegistry(QObject *parent)
    : JobRegistry(Limits(), parent)
{
}

JobRegistry::JobRegistry(const Limits &limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
}

bool JobRegistry::hasRoom() const
{
    return count() < m_limits.maxJobs || count() > m_running;
}

BroadcastJob *JobRegistry::add(Broadcast *broadcast)
{
    while (count() >= m_limits.maxJobs && count() > m_running) {
        const auto oldestFinished = std::find_if(m_order.cbegin(), m_order.cend(),
                                                 [](const BroadcastJob *job) { return !job->isRunning(); });
        remove(*oldestFinished);
    }
    auto *job = new BroadcastJob(QUuid::createUuid().toString(QUuid::WithoutBraces), broadcast, this);
    m_jobs.insert(job->id(), job);
    m_order.append(job);
    ++m_running;
    connect(job, &BroadcastJob::finished, this, [this, job] { onJobFinished(job); });
    return job;
}

void JobRegistry::onJobFinished(BroadcastJob *job)
{
    --m_running;
    // The job is the timer's context: an evicted (deleted) job takes its expiry with it.
    QTimer::singleShot(m_limits.ttlMs, job, [this, job] { remove(job); });
}

// Only finished jobs leave: a running one is still its client's only view of the broadcast.
void JobRegistry::remove(BroadcastJob *job)
{
    m_jobs.remove(job->id());
    m_order.removeOne(job);
    // Later, not now: the expiry timer that calls this has the job as its context.
    job->deleteLater();
}

} // namespace herald
