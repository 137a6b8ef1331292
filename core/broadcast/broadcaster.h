#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "policy/circuitbreaker.h"
#include "policy/concurrencylimiter.h"
#include "policy/headerpolicy.h"
#include "targets/target.h"
#include "targets/targetform.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace herald {

class Broadcast;
class Transport;

// Starts broadcasts and holds what they share: the transport (and so its keep-alive
// connections), the header policy, per-target circuit breakers and concurrency limits.
class Broadcaster : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of `transport`; a QnamTransport is made when it is null.
    explicit Broadcaster(Transport *transport = nullptr, QObject *parent = nullptr);
    ~Broadcaster() override;

    // Returns at once; the work starts on the next event-loop turn. The Broadcast is a child of
    // this Broadcaster, which deletes it on the turn after its finished() unless setAutoDelete(false).
    Broadcast *start(const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options = {});

    HeaderPolicy &headerPolicy() { return m_headerPolicy; }
    CircuitBreaker &circuitBreaker() { return m_breaker; }
    ConcurrencyLimiter &limiter() { return m_limiter; }
    Transport *transport() const { return m_transport; }
    // Monotonic milliseconds used for circuit cool-downs.
    qint64 nowMs() const { return m_clock.elapsed(); }
    int activeBroadcasts() const { return m_active; }

Q_SIGNALS:
    void broadcastStarted(herald::Broadcast *broadcast);
    void broadcastFinished(herald::Broadcast *broadcast);

private:
    friend class Broadcast;
    // A broadcast begins on a later event-loop turn, so that callers can connect first, and a
    // finished one is deleted on a later turn, once every slot of its finished() has returned. Both
    // happen from one zero-interval timer, with no posted event per broadcast: deleteLater() and
    // queued calls wake the event loop through its eventfd, a write and a read each time.
    void scheduleBegin(Broadcast *broadcast);
    void retire(Broadcast *broadcast);
    // A broadcast deleted another way leaves both lists (its destructor calls this).
    void forget(Broadcast *broadcast);
    void onTurn();
    void onBroadcastFinished(Broadcast *broadcast);
    // The forms of `targets`, worked out again only when the list is not the one of the last
    // broadcast: a face passes its source's list, which stays shared until the targets change.
    std::shared_ptr<const std::vector<TargetForm>> formsOf(const QList<Target> &targets);

    Transport *m_transport;
    HeaderPolicy m_headerPolicy;
    CircuitBreaker m_breaker;
    ConcurrencyLimiter m_limiter;
    QElapsedTimer m_clock;
    int m_active = 0;
    QTimer m_turnTimer;
    std::vector<Broadcast *> m_toBegin; // begin on the next turn
    std::vector<Broadcast *> m_retired; // finished, deleted on the next turn
    QList<Target> m_formedTargets;
    std::shared_ptr<const std::vector<TargetForm>> m_forms;
};

} // namespace herald
