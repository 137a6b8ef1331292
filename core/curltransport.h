#pragma once

#include "transport.h"

#include <QTimer>

#include <cstdint>
#include <unordered_set>
#include <vector>

class QSocketNotifier;
typedef void CURL;
typedef void CURLM;

namespace herald {

class CurlCall;

// Transport over libcurl's multi interface, driven by the Qt event loop. Built for the
// listener's hot path, where QNetworkAccessManager's cost per request (hundreds of µs of
// CPU) is the limit: curl's sockets go into one epoll set watched by one QSocketNotifier,
// its timeouts into one QTimer, and connections to every backend stay open in curl's
// connection cache across broadcasts.
class CurlTransport : public Transport
{
    Q_OBJECT
public:
    explicit CurlTransport(QObject *parent = nullptr);
    ~CurlTransport() override;
    TransportCall *send(const TransportRequest &request, QObject *parent) override;

    // TLS peers are verified by default; this turns it off for self-signed backends.
    void setVerifyPeer(bool verify) { m_verifyPeer = verify; }
    bool verifyPeer() const { return m_verifyPeer; }
    // Idle connections kept for reuse across all backends.
    void setMaxIdleConnections(int count);
    // Transfers under way (answered and aborted calls are not counted).
    int activeCalls() const { return int(m_calls.size()); }

private:
    friend class CurlCall;
    static int onSocketEvent(CURL *easy, int socket, int what, void *transport, void *socketData);
    static int onTimerChange(CURLM *multi, long timeoutMs, void *transport);
    void watchSocket(int socket, uint32_t events);

    void start(CurlCall *call);
    void stop(CurlCall *call);
    void failLater(CurlCall *call);
    CURL *takeHandle();
    void releaseHandle(CURL *easy);
    void onSocketsReady();
    void onTimeout();
    void collectFinished();

    CURLM *m_multi;
    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_timer;
    std::vector<CURL *> m_idleHandles; // reset and reused: easy_init allocates several KiB
    std::unordered_set<CurlCall *> m_calls;
    // Per descriptor: the events curl asked for and whether curl still watches it. Sockets of
    // idle keep-alive connections stay in the epoll set, so reusing one costs one epoll_ctl
    // instead of three; one that wakes us while unwatched is taken out then.
    struct Watch
    {
        uint32_t events = 0;
        bool inSet = false;
        bool watched = false;
    };
    std::vector<Watch> m_watches;
    bool m_verifyPeer = true;
};

} // namespace herald
