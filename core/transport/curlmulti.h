#pragma once

#include <QObject>
#include <QTimer>

#include <cstdint>
#include <unordered_set>
#include <vector>

class QSocketNotifier;
typedef void CURLM;

namespace herald {

class CurlCall;

// One libcurl multi handle on the Qt event loop: its sockets in one epoll set watched by one
// QSocketNotifier, its timeouts in one QTimer. A finished transfer goes back to its CurlCall.
// CurlTransport spreads large fleets over several (see there why).
class CurlMulti : public QObject
{
    Q_OBJECT
public:
    explicit CurlMulti(long maxIdleConnections, QObject *parent = nullptr);
    ~CurlMulti() override;
    bool isValid() const { return m_notifier != nullptr; }
    // Starts the transfer on the call's configured easy handle; false when curl refuses it.
    bool add(CurlCall *call);
    // Takes a transfer off before it finished; curl does not call back for it again.
    void remove(CurlCall *call);
    int activeCalls() const { return int(m_calls.size()); }

private:
    static int onSocketEvent(void *easy, int socket, int what, void *multi, void *socketData);
    static int onTimerChange(CURLM *multi, long timeoutMs, void *self);
    void watchSocket(int socket, uint32_t events);
    void onSocketsReady();
    void onTimeout();
    void collectFinished();

    CURLM *m_multi;
    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_timer;
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
};

} // namespace herald
