#include "transport/curlmulti.h"

#include "transport/curlcall.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

Q_DECLARE_LOGGING_CATEGORY(lcCurl)

namespace herald {

static constexpr int kEventsPerWake = 128;

CurlMulti::CurlMulti(long maxIdleConnections, QObject *parent)
    : QObject(parent)
    , m_multi(curl_multi_init())
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (!m_multi || m_epoll < 0) {
        // The transport answers every transfer with an error then; the process keeps serving.
        qCCritical(lcCurl) << "cannot set up a libcurl multi handle:" << std::strerror(errno);
        return;
    }
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &CurlMulti::onSocketsReady);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CurlMulti::onTimeout);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlMulti::onSocketEvent);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlMulti::onTimerChange);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, maxIdleConnections);
}

CurlMulti::~CurlMulti()
{
    // Calls that outlive the transport must not reach curl afterwards.
    for (CurlCall *call : m_calls) {
        curl_multi_remove_handle(m_multi, call->m_easy);
        curl_easy_cleanup(call->m_easy);
        call->detach();
    }
    m_calls.clear();
    if (m_multi)
        curl_multi_cleanup(m_multi);
    if (m_notifier)
        m_notifier->setEnabled(false);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool CurlMulti::add(CurlCall *call)
{
    if (!m_notifier || curl_multi_add_handle(m_multi, call->m_easy) != CURLM_OK)
        return false;
    m_calls.insert(call);
    return true;
}

void CurlMulti::remove(CurlCall *call)
{
    if (m_calls.erase(call))
        curl_multi_remove_handle(m_multi, call->m_easy);
}

int CurlMulti::onSocketEvent(void *, int socket, int what, void *self, void *)
{
    auto *multi = static_cast<CurlMulti *>(self);
    if (socket < 0)
        return 0;
    if (size_t(socket) >= multi->m_watches.size())
        multi->m_watches.resize(size_t(socket) + 64);
    if (what == CURL_POLL_REMOVE) {
        multi->m_watches[size_t(socket)].watched = false; // left in the set until it wakes us
        return 0;
    }
    multi->watchSocket(socket, ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u));
    return 0;
}

void CurlMulti::watchSocket(int socket, uint32_t events)
{
    Watch &watch = m_watches[size_t(socket)];
    if (watch.watched && watch.inSet && watch.events == events)
        return;
    epoll_event event{};
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

int CurlMulti::onTimerChange(CURLM *, long timeoutMs, void *self)
{
    auto *multi = static_cast<CurlMulti *>(self);
    if (timeoutMs < 0)
        multi->m_timer.stop();
    else
        multi->m_timer.start(int(qMin<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

void CurlMulti::onSocketsReady()
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

void CurlMulti::onTimeout()
{
    int running = 0;
    curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collectFinished();
}

void CurlMulti::collectFinished()
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
