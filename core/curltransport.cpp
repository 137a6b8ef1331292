#include "curltransport.h"

#include "curlcall.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSocketNotifier>

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

Q_LOGGING_CATEGORY(lcCurl, "herald.curl")

namespace herald {

// Enough for every connection of a large broadcast to come back to the pool.
static constexpr size_t kMaxPooledHandles = 1024;
static constexpr int kEventsPerWake = 128;

CurlTransport::CurlTransport(QObject *parent)
    : Transport(parent)
{
    static std::once_flag globalInit;
    std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    qRegisterMetaType<herald::TransportResponse>();

    m_multi = curl_multi_init();
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (!m_multi || m_epoll < 0) {
        // Every send() then fails with an error result; the process keeps serving what it can.
        qCCritical(lcCurl) << "cannot set up libcurl's multi handle:" << std::strerror(errno);
        return;
    }
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &CurlTransport::onSocketsReady);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CurlTransport::onTimeout);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlTransport::onSocketEvent);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlTransport::onTimerChange);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    // curl's default cache (4 per running transfer) would close keep-alive connections
    // between bursts and reconnect on the next broadcast; a full cache also costs a scan of
    // every connection per new one (5,000 targets took 2.5 times as long per target as 1,000).
    // Half the descriptor limit keeps a large fleet's connections and leaves the rest to
    // the listener.
    rlimit limit {};
    long idle = 4096;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        idle = qBound(64L, long(limit.rlim_cur / 2), 65536L);
    setMaxIdleConnections(int(idle));
}

CurlTransport::~CurlTransport()
{
    // Calls that outlive the transport must not reach curl afterwards.
    for (CurlCall *call : m_calls) {
        curl_multi_remove_handle(m_multi, call->m_easy);
        curl_easy_cleanup(call->m_easy);
        call->detach();
    }
    m_calls.clear();
    for (CURL *easy : m_idleHandles)
        curl_easy_cleanup(easy);
    if (m_multi)
        curl_multi_cleanup(m_multi);
    if (m_notifier)
        m_notifier->setEnabled(false);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void CurlTransport::setMaxIdleConnections(int count)
{
    if (m_multi)
        curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, long(count));
}

TransportCall *CurlTransport::send(const TransportRequest &request, QObject *parent)
{
    auto *call = new CurlCall(this, request, parent);
    start(call);
    return call;
}

void CurlTransport::start(CurlCall *call)
{
    call->configure(takeHandle(), m_verifyPeer);
    if (!m_notifier || curl_multi_add_handle(m_multi, call->m_easy) != CURLM_OK) {
        failLater(call);
        return;
    }
    m_calls.insert(call);
}

void CurlTransport::failLater(CurlCall *call)
{
    // finished() must come after send() has returned, when the caller has connected to it.
    QMetaObject::invokeMethod(
        call,
        [call] {
            if (call->m_easy)
                call->complete(CURLE_FAILED_INIT);
        },
        Qt::QueuedConnection);
}

void CurlTransport::stop(CurlCall *call)
{
    if (m_calls.erase(call))
        curl_multi_remove_handle(m_multi, call->m_easy);
    releaseHandle(call->m_easy);
}

CURL *CurlTransport::takeHandle()
{
    if (m_idleHandles.empty())
        return curl_easy_init();
    CURL *easy = m_idleHandles.back();
    m_idleHandles.pop_back();
    return easy;
}

void CurlTransport::releaseHandle(CURL *easy)
{
    if (!easy)
        return;
    curl_easy_reset(easy); // drops the pointers into the call that used it
    if (m_idleHandles.size() < kMaxPooledHandles)
        m_idleHandles.push_back(easy);
    else
        curl_easy_cleanup(easy);
}

int CurlTransport::onSocketEvent(CURL *, int socket, int what, void *transport, void *)
{
    auto *self = static_cast<CurlTransport *>(transport);
    if (socket < 0)
        return 0;
    if (size_t(socket) >= self->m_watches.size())
        self->m_watches.resize(size_t(socket) + 64);
    if (what == CURL_POLL_REMOVE) {
        self->m_watches[size_t(socket)].watched = false; // left in the set until it wakes us
        return 0;
    }
    self->watchSocket(socket, ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u));
    return 0;
}

void CurlTransport::watchSocket(int socket, uint32_t events)
{
    Watch &watch = m_watches[size_t(socket)];
    if (watch.watched && watch.inSet && watch.events == events)
        return;
    epoll_event event {};
    event.data.fd = socket;
    event.events = events;
    // The descriptor may have been closed and its number reused since it was added: then
    // the kernel has already dropped it from the set and MOD fails with ENOENT.
    if (!watch.inSet || epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event) != 0) {
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, socket, &event) != 0 && errno == EEXIST)
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event);
    }
    watch = {events, true, true};
}

int CurlTransport::onTimerChange(CURLM *, long timeoutMs, void *transport)
{
    auto *self = static_cast<CurlTransport *>(transport);
    if (timeoutMs < 0)
        self->m_timer.stop();
    else
        self->m_timer.start(int(qMin<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

void CurlTransport::onSocketsReady()
{
    epoll_event events[kEventsPerWake];
    const int count = epoll_wait(m_epoll, events, kEventsPerWake, 0);
    int running = 0;
    for (int i = 0; i < count; ++i) {
        const int socket = events[i].data.fd;
        if (size_t(socket) < m_watches.size() && !m_watches[size_t(socket)].watched) {
            // An idle connection's socket (closed by the peer, most likely): curl looks at
            // it again when it reuses the connection; until then it must not keep waking us.
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, socket, nullptr);
            m_watches[size_t(socket)].inSet = false;
            continue;
        }
        const uint32_t ready = events[i].events;
        int mask = 0;
        if (ready & EPOLLIN)
            mask |= CURL_CSELECT_IN;
        if (ready & EPOLLOUT)
            mask |= CURL_CSELECT_OUT;
        if (ready & (EPOLLERR | EPOLLHUP))
            mask |= CURL_CSELECT_ERR;
        curl_multi_socket_action(m_multi, socket, mask, &running);
    }
    collectFinished();
}

void CurlTransport::onTimeout()
{
    int running = 0;
    curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collectFinished();
}

void CurlTransport::collectFinished()
{
    int left = 0;
    // One message at a time: a finished() slot may add or remove transfers in between.
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL *easy = message->easy_handle;
        const CURLcode code = message->data.result;
        char *privateData = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &privateData);
        auto *call = reinterpret_cast<CurlCall *>(privateData);
        curl_multi_remove_handle(m_multi, easy);
        m_calls.erase(call);
        call->complete(code);
    }
}

} // namespace herald
