#include "broadcast/broadcaster.h"

#include "broadcast/broadcast.h"
#include "transport/qnamtransport.h"

#include <algorithm>
#include <utility>

namespace herald {

Broadcaster::Broadcaster(Transport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport ? transport : new QnamTransport)
{
    m_transport->setParent(this);
    m_clock.start();
    m_turnTimer.setSingleShot(true);
    m_turnTimer.setInterval(0);
    connect(&m_turnTimer, &QTimer::timeout, this, &Broadcaster::onTurn);
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
    broadcast->m_beginPending = true;
    m_toBegin.push_back(broadcast);
    if (!m_turnTimer.isActive())
        m_turnTimer.start();
}

void Broadcaster::retire(Broadcast *broadcast)
{
    broadcast->m_retired = true;
    m_retired.push_back(broadcast);
    if (!m_turnTimer.isActive())
        m_turnTimer.start();
}

void Broadcaster::forget(Broadcast *broadcast)
{
    // Nulled rather than erased: onTurn() may be walking the list.
    if (broadcast->m_beginPending)
        std::replace(m_toBegin.begin(), m_toBegin.end(), broadcast, static_cast<Broadcast *>(nullptr));
    if (broadcast->m_retired)
        std::replace(m_retired.begin(), m_retired.end(), broadcast, static_cast<Broadcast *>(nullptr));
}

namespace {

// Hands `use` each broadcast that was in `list` when called, taken out first so that forget()
// never finds it again; those added meanwhile (a slot of one that begins may start another) stay
// for the next turn.
template <typename Use> void drain(std::vector<Broadcast *> &list, Use use)
{
    const size_t count = list.size();
    for (size_t i = 0; i < count && i < list.size(); ++i) {
        if (Broadcast *broadcast = std::exchange(list[i], nullptr))
            use(broadcast);
    }
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(qMin(count, list.size())));
}

} // namespace

void Broadcaster::onTurn()
{
    drain(m_retired, [](Broadcast *broadcast) {
        broadcast->m_retired = false;
        delete broadcast;
    });
    drain(m_toBegin, [](Broadcast *broadcast) {
        broadcast->m_beginPending = false;
        broadcast->begin();
    });
    if (!m_toBegin.empty() || !m_retired.empty())
        m_turnTimer.start();
}

void Broadcaster::onBroadcastFinished(Broadcast *broadcast)
{
    --m_active;
    Q_EMIT broadcastFinished(broadcast);
}

} // namespace herald
