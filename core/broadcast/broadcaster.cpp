#include "broadcast/broadcaster.h"

#include "broadcast/broadcast.h"
#include "transport/qnamtransport.h"

namespace herald {

Broadcaster::Broadcaster(Transport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport ? transport : new QnamTransport)
{
    m_transport->setParent(this);
    m_clock.start();
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

void Broadcaster::onBroadcastFinished(Broadcast *broadcast)
{
    --m_active;
    Q_EMIT broadcastFinished(broadcast);
}

} // namespace herald
