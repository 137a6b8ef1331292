#include "transport/leantransport.h"

#include "transport/leancall.h"
#include "transport/leanconnection.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
          [](LeanCall *call) {
              call->m_hasDeadline = false;
              call->onTimeout();
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
    // Calls that outlive the transport never finish, as with curl.
    for (LeanCall *call : m_deadlines.calls())
        call->detach();
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
    auto *call = new LeanCall(this, request, parent);
    call->start(request);
    return call;
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
        LeanCall *call = connection->call;
        if (!call) {
            // An idle connection woke us: the backend closed it (or sent what nobody asked for).
            m_pool.remove(connection);
            closeConnection(connection);
            continue;
        }
        call->onProgress(connection->onEvents(events[i].events, m_readBuffer.data(), m_readBuffer.size()));
    }
    m_inBatch = false;
    for (LeanConnection *connection : m_graveyard)
        delete connection;
    m_graveyard.clear();
}

} // namespace herald
