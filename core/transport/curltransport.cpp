#include "transport/curltransport.h"

#include "transport/curlcall.h"
#include "transport/curlmulti.h"

#include <QLoggingCategory>

#include <curl/curl.h>
#include <sys/resource.h>

#include <mutex>

Q_LOGGING_CATEGORY(lcCurl, "herald.curl")

namespace herald {

// Enough for every connection of a large broadcast to come back to the pool.
static constexpr size_t kMaxPooledHandles = 1024;

void CurlTransport::initGlobal()
{
    static std::once_flag globalInit;
    std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlTransport::CurlTransport(QObject *parent)
    : Transport(parent)
{
    initGlobal();
    qRegisterMetaType<herald::TransportResponse>();
    // curl's default cache (4 per running transfer) would close keep-alive connections
    // between bursts and reconnect on the next broadcast, and a full cache costs a scan of
    // every connection per new one. Half the descriptor limit keeps a large fleet's
    // connections and leaves the rest to the listener.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        m_maxIdleConnections = qBound(64L, long(limit.rlim_cur / 2), 65536L);
}

CurlTransport::~CurlTransport()
{
    m_multis.clear(); // detaches the calls still running
    for (CURL *easy : m_idleHandles)
        curl_easy_cleanup(easy);
}

int CurlTransport::activeCalls() const
{
    int count = 0;
    for (const auto &multi : m_multis)
        count += multi->activeCalls();
    return count;
}

TransportCall *CurlTransport::send(const TransportRequest &request, QObject *parent)
{
    auto *call = new CurlCall(this, request, parent);
    call->configure(takeHandle(), m_verifyPeer);
    CurlMulti *multi = multiFor(request.url());
    if (multi->add(call))
        call->m_multi = multi;
    else
        failLater(call);
    return call;
}

CurlMulti *CurlTransport::multiFor(const QUrl &url)
{
    const size_t index = size_t(m_hosts.ordinalOf(url) / kHostsPerMulti);
    while (index >= m_multis.size())
        m_multis.push_back(std::make_unique<CurlMulti>(m_maxIdleConnections));
    return m_multis[index].get();
}

void CurlTransport::failLater(CurlCall *call)
{
    // finished() must come after send() has returned, when the caller has connected to it;
    // complete() does nothing if the call was aborted in between.
    QMetaObject::invokeMethod(
        call, [call] { call->complete(CURLE_FAILED_INIT); }, Qt::QueuedConnection);
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

} // namespace herald
