#pragma once

#include <QtGlobal>

namespace herald {

struct HttpConnection;

// Answers the request lines libmicrohttpd 0.9.75 would drop without a word (no space, an empty
// method) or answer with its own HTML (no version, a bad one) with a 400 or 505 and a reason. MHD
// has no hook between reading a line and closing, so the guard looks first: before every MHD run
// it peeks (MSG_PEEK) at the connections that are waiting for a request line and became readable.
// It judges only where it knows exactly where the line starts in the byte stream (plain TCP).
class RequestLineGuard
{
public:
    RequestLineGuard();
    ~RequestLineGuard();
    RequestLineGuard(const RequestLineGuard &) = delete;
    RequestLineGuard &operator=(const RequestLineGuard &) = delete;

    // Off for TLS, whose bytes cannot be read before the handshake layer.
    void setEnabled(bool enabled) { m_enabled = enabled; }
    // A request line is due on `connection` at its lineAt (nothing is done when that is unknown).
    void watch(HttpConnection *connection);
    void unwatch(HttpConnection *connection);
    // The connection is closing: out of the epoll set for good.
    void forget(HttpConnection *connection);
    // Reads what the readable connections sent; answers and shuts down those with a bad line.
    // True when it cut one (MHD must run to close it).
    bool check(int maxLineBytes);
    // Some connection's request line is due and not judged yet.
    bool isWatching() const { return m_enabled && m_watching > 0; }

private:
    bool inspect(HttpConnection *connection, int maxLineBytes);
    // Asks for one readiness event (EPOLLONESHOT): a connection stays in the set from its first
    // watch to its close, and each request costs one re-arm instead of an add and a delete.
    bool arm(HttpConnection *connection);

    bool m_enabled = true;
    int m_epoll = -1;
    int m_watching = 0; // connections guarded: none, and a run asks the kernel nothing
};

} // namespace herald
