#include "transport/leantransport.h"

#include "transport/leancall.h"
#include "transport/leanexchange.h"
#include "transport/leanconnection.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

Q_LOGGING_CATEGORY(lcLean, "herald.lean")

namespace herald {

static constexpr int kEventsPerWake = 256;
static constexpr size_t kReadBufferBytes = 64 * 1024;

int LeanTransport::maxIdleConnections()
{
    // As for curl's connection cache: half the descriptor limit keeps a large fleet's
    // connections between bursts and leaves the rest to the listener.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        return int(qBound<rlim_t>(64, limit.rlim_cur / 2, 65536));
    return 4096;
}

LeanTransport::LeanTransport(QObject *parent)
    : Transport(parent)
    , m_pool(kMaxIdlePerEndpoint, maxIdleConnections())
    , m_deadlines(
          [](LeanExchange *exchange) {
              exchange->m_hasDeadline = false;
              exchange->onTimeout();
          },
          this)
    , m_resolver(this)
    , m_readBuffer(kReadBufferBytes)
{
    qRegisterMetaType<herald::TransportResponse>();
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        // Every call then fails with an error; the process keeps serving.
        qCCritical(lcLean) << "cannot create the lean transport's epoll set:" << std::strerror(errno);
        return;
    }
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &LeanTransport::onSocketsReady);
}

LeanTransport::~LeanTransport()
{
    // Exchanges that outlive the transport never finish, as with curl.
    for (LeanExchange *exchange : m_deadlines.calls())
        exchange->detach();
    for (auto &[exchange, response] : m_deferred)
        exchange->detach();
    m_exchanges.clear();
    for (LeanConnection *connection : m_connections)
        delete connection;
    for (LeanConnection *connection : m_graveyard)
        delete connection;
    if (m_notifier)
        m_notifier->setEnabled(false);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

TransportCall *LeanTransport::send(const TransportRequest &request, QObject *parent)
{
    auto *call = new LeanCall(this, parent);
    call->start(request);
    return call;
}

TransportTicket LeanTransport::start(const TransportRequest &request, TransportCallReceiver *receiver, int tag)
{
    if (m_free.empty()) {
        m_exchanges.push_back(std::make_unique<LeanExchange>(this, this, true));
        m_free.push_back(m_exchanges.back().get());
    }
    LeanExchange *exchange = m_free.back();
    m_free.pop_back();
    const TransportTicket ticket{this, reinterpret_cast<quintptr>(exchange), exchange->m_generation};
    exchange->start(request, receiver, tag);
    return ticket;
}

void LeanTransport::abort(quintptr id, quint64 generation)
{
    auto *exchange = reinterpret_cast<LeanExchange *>(id);
    if (exchange->m_generation == generation) // else it has ended, and may carry another now
        exchange->abort();
}

void LeanTransport::recycle(LeanExchange *exchange)
{
    ++exchange->m_generation;
    exchange->m_wire = LeanWire();
    exchange->m_endpoint.reset();
    exchange->m_keptHeaders.clear();
    m_free.push_back(exchange);
}

void LeanTransport::defer(LeanExchange *exchange, const TransportResponse &response)
{
    if (m_deferred.empty())
        QMetaObject::invokeMethod(this, &LeanTransport::deliverDeferred, Qt::QueuedConnection);
    m_deferred.emplace_back(exchange, response);
}

void LeanTransport::cancelDeferred(LeanExchange *exchange)
{
    for (auto it = m_deferred.begin(); it != m_deferred.end(); ++it) {
        if (it->first == exchange) {
            m_deferred.erase(it);
            return;
        }
    }
}

void LeanTransport::deliverDeferred()
{
    // One at a time from the live list: a receiver that hears may abort, delete or reuse a later
    // one (a broadcast's deadline, a call deleted in a slot), and cancelDeferred() then takes that
    // one out before it is reached. One deferred meanwhile is told in this same loop.
    while (!m_deferred.empty()) {
        auto [exchange, response] = std::move(m_deferred.front());
        m_deferred.erase(m_deferred.begin());
        exchange->deliver(response);
    }
}

LeanConnection *LeanTransport::openConnection(const QByteArray &address, int *error)
{
    if (m_epoll < 0) {
        *error = EBADF;
        return nullptr;
    }
    LeanConnection *connection = LeanConnection::open(m_epoll, address, error);
    if (connection)
        m_connections.insert(connection);
    return connection;
}

void LeanTransport::release(LeanConnection *connection, bool reusable)
{
    if (!reusable) {
        closeConnection(connection);
        return;
    }
    if (LeanConnection *evicted = m_pool.put(connection))
        closeConnection(evicted);
}

void LeanTransport::closeConnection(LeanConnection *connection)
{
    if (!m_connections.erase(connection))
        return;
    connection->closed = true;
    if (m_inBatch)
        m_graveyard.push_back(connection);
    else
        delete connection;
}

void LeanTransport::onSocketsReady()
{
    epoll_event events[kEventsPerWake];
    const int count = epoll_wait(m_epoll, events, kEventsPerWake, 0);
    m_inBatch = true;
    for (int i = 0; i < count; ++i) {
        auto *connection = static_cast<LeanConnection *>(events[i].data.ptr);
        if (connection->closed)
            continue;
        LeanExchange *exchange = connection->exchange;
        if (!exchange) {
            // An idle connection woke us: the backend closed it (or sent what nobody asked for).
            m_pool.remove(connection);
            closeConnection(connection);
            continue;
        }
        exchange->onProgress(connection->onEvents(events[i].events, m_readBuffer.data(), m_readBuffer.size()));
    }
    m_inBatch = false;
    for (LeanConnection *connection : m_graveyard)
        delete connection;
    m_graveyard.clear();
}

} // namespace herald
