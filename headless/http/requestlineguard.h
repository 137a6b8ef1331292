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
    // Reads what the readable connections sent; answers and shuts down those with a bad line.
    // True when it cut one (MHD must run to close it).
    bool check(int maxLineBytes);

private:
    bool inspect(HttpConnection *connection, int maxLineBytes);

    bool m_enabled = true;
    int m_epoll = -1; // level-triggered, so a line MHD has not read yet is seen on every run
};

} // namespace herald
