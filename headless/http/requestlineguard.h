#pragma once

#include <QtGlobal>

#include <vector>

namespace herald {

struct HttpConnection;

// Answers the request lines libmicrohttpd 0.9.75 would drop without a word (no space, an empty
// method) or answer with its own HTML (no version, a bad one) with a 400 or 505 and a reason. MHD
// has no hook between reading a line and closing, so the guard looks first: before every MHD run
// it peeks (MSG_PEEK) at the connections that are waiting for a request line and became readable.
// It judges only where it knows exactly where the line starts in the byte stream (plain TCP).
//
// Peeking first is not enough on its own: a line that arrives after the guard looked and before
// MHD's epoll_wait in the same run would be read by MHD unjudged (a new connection's registration
// wakes the loop at once with EPOLLOUT, so that run comes just as a client's first bytes do). So a
// connection waiting for its first request line is parked: its EPOLLIN is taken out of MHD's epoll
// set until the line is judged, and the guard's own epoll set wakes the loop for it (fd()). Later
// lines on a kept-alive connection are not parked (it would cost six system calls per request).
class RequestLineGuard
{
public:
    RequestLineGuard();
    ~RequestLineGuard();
    RequestLineGuard(const RequestLineGuard &) = delete;
    RequestLineGuard &operator=(const RequestLineGuard &) = delete;

    // Off for TLS, whose bytes cannot be read before the handshake layer.
    void setEnabled(bool enabled) { m_enabled = enabled; }
    // MHD's epoll set, where a guarded connection's EPOLLIN is parked.
    void setDaemonEpoll(int fd) { m_daemonEpoll = fd; }
    // The guard's own epoll set: readable when a guarded connection sent something.
    int fd() const { return m_epoll; }
    // A request line is due on `connection` at its lineAt (nothing is done when that is unknown).
    void watch(HttpConnection *connection);
    void unwatch(HttpConnection *connection);
    // The connection is closing: out of the epoll set for good.
    void forget(HttpConnection *connection);
    // Reads what the readable connections sent; answers and shuts down those with a bad line.
    // True when it cut one (MHD must run to close it).
    bool check(int maxLineBytes);
    // Judges a connection just accepted, if its line is already in: libmicrohttpd may read a new
    // connection in the run that accepted it, before check() would see the line. True when it cut.
    bool checkAccepted(HttpConnection *connection, int maxLineBytes);
    // Some connection's request line is due and not judged yet.
    bool isWatching() const { return m_enabled && m_watching > 0; }

private:
    bool inspect(HttpConnection *connection, int maxLineBytes);
    // Asks for one readiness event (EPOLLONESHOT): a connection stays in the set from its first
    // watch to its close, and each request costs one re-arm instead of an add and a delete.
    bool arm(HttpConnection *connection);
    // EPOLLIN out of MHD's registration of the connection, or back in (MHD registers
    // EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLET with the MHD_Connection as its data).
    void park(HttpConnection *connection, bool parked);

    int m_daemonEpoll = -1;
    std::vector<HttpConnection *> m_toPark; // watched since the last check(), MHD's set holding them

    bool m_enabled = true;
    int m_epoll = -1;
    int m_watching = 0; // connections guarded: none, and a run asks the kernel nothing
};

} // namespace herald
