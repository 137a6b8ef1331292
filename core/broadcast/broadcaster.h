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
#include <QPointer>

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
    // this Broadcaster and deletes itself after finished() unless setAutoDelete(false).
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
    // A broadcast begins on a later event-loop turn, so that callers can connect first: all those
    // started in one turn from one zero-interval timer, with no posted event (each of which wakes
    // the event loop through its eventfd) per broadcast.
    void scheduleBegin(Broadcast *broadcast);
    void beginScheduled();
    friend class Broadcast;
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
    QTimer m_beginTimer;
    std::vector<QPointer<Broadcast>> m_toBegin;
    QList<Target> m_formedTargets;
    std::shared_ptr<const std::vector<TargetForm>> m_forms;
};

} // namespace herald
