#pragma once

#include "transport/deadlinelist.h"
#include "transport/leanpool.h"
#include "transport/leanrequestcache.h"
#include "transport/leanresolver.h"
#include "transport/transport.h"

#include <memory>
#include <unordered_set>
#include <vector>

class QSocketNotifier;

namespace herald {

class LeanConnection;
class LeanExchange;

// HTTP/1.1 over plain TCP without a client library, for the listener's hot path: every
// socket in one epoll set behind one QSocketNotifier, keep-alive connections pooled per
// endpoint, a request serialized once per broadcast and sent with one gather write, answers
// parsed by llhttp. libcurl 7.88 spent about half of a broadcast's instructions and polled
// each connection before reuse and after each send (23 of ~50 syscalls per broadcast); here
// an idle connection stays watched, so a backend's close arrives as an event instead.
// No TLS and no HTTP/2: RoutingTransport sends those to curl.
class LeanTransport : public Transport
{
    Q_OBJECT
public:
    static constexpr int kMaxIdlePerEndpoint = 256;

    explicit LeanTransport(QObject *parent = nullptr);
    ~LeanTransport() override;
    TransportCall *send(const TransportRequest &request, QObject *parent) override;
    TransportTicket start(const TransportRequest &request, TransportCallReceiver *receiver, int tag) override;
    void abort(quintptr id, quint64 generation) override;

    // Calls under way (answered and aborted ones are not counted).
    int activeCalls() const { return m_deadlines.size(); }
    int openConnections() const { return int(m_connections.size()); }
    int idleConnections() const { return m_pool.idleCount(); }

private:
    friend class LeanExchange;
    // An exchange that failed inside start() is told on the next event-loop turn.
    void defer(LeanExchange *exchange, const TransportResponse &response);
    void cancelDeferred(LeanExchange *exchange);
    void deliverDeferred();
    // A pooled exchange is done with: onto the free list, for the next start().
    void recycle(LeanExchange *exchange);
    LeanConnection *openConnection(const QByteArray &address, int *error);
    // After an answer: back to the pool when reusable and there is room, closed otherwise.
    void release(LeanConnection *connection, bool reusable);
    void closeConnection(LeanConnection *connection);
    void onSocketsReady();
    static int maxIdleConnections();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    LeanPool m_pool;
    DeadlineList m_deadlines;
    LeanResolver m_resolver;
    LeanRequestCache m_wires;
    std::unordered_set<LeanConnection *> m_connections;
    // Closed during one epoll batch, freed after it: later events of that batch still name them.
    std::vector<LeanConnection *> m_graveyard;
    bool m_inBatch = false;
    std::vector<char> m_readBuffer;
    // start()'s exchanges, all of them; m_free holds those not in use.
    std::vector<std::unique_ptr<LeanExchange>> m_exchanges;
    std::vector<LeanExchange *> m_free;
    std::vector<std::pair<LeanExchange *, TransportResponse>> m_deferred;
};

} // namespace herald
