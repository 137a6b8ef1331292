#include "broadcast/broadcaster.h"

#include "broadcast/broadcast.h"
#include "transport/qnamtransport.h"

#include <utility>

namespace herald {

Broadcaster::Broadcaster(Transport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport ? transport : new QnamTransport)
{
    m_transport->setParent(this);
    m_clock.start();
    m_beginTimer.setSingleShot(true);
    m_beginTimer.setInterval(0);
    connect(&m_beginTimer, &QTimer::timeout, this, &Broadcaster::beginScheduled);
}

Broadcaster::~Broadcaster()
{
    // Broadcasts still running use the limiter and breaker: end them before those members go.
    qDeleteAll(findChildren<Broadcast *>(QString(), Qt::FindDirectChildrenOnly));
}

Broadcast *Broadcaster::start(const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options)
{
    auto *broadcast = new Broadcast(this, request, targets, options);
    ++m_active;
    Q_EMIT broadcastStarted(broadcast);
    return broadcast;
}

std::shared_ptr<const std::vector<TargetForm>> Broadcaster::formsOf(const QList<Target> &targets)
{
    if (!m_forms || !targets.isSharedWith(m_formedTargets)) {
        auto forms = std::make_shared<std::vector<TargetForm>>();
        forms->reserve(targets.size());
        for (const Target &target : targets)
            forms->emplace_back(target);
        m_formedTargets = targets;
        m_forms = std::move(forms);
    }
    return m_forms;
}

void Broadcaster::scheduleBegin(Broadcast *broadcast)
{
    m_toBegin.emplace_back(broadcast);
    if (!m_beginTimer.isActive())
        m_beginTimer.start();
}

void Broadcaster::beginScheduled()
{
    // Taken first: a slot of one that begins may start another, for the next turn.
    const std::vector<QPointer<Broadcast>> toBegin = std::exchange(m_toBegin, {});
    for (const QPointer<Broadcast> &broadcast : toBegin) {
        if (broadcast) // not deleted in between
            broadcast->begin();
    }
}

void Broadcaster::onBroadcastFinished(Broadcast *broadcast)
{
    --m_active;
    Q_EMIT broadcastFinished(broadcast);
}

} // namespace herald
