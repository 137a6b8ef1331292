#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

struct MHD_Connection;

namespace herald {

// One TCP connection of the HttpListener, from accept to close: when its next request head is due,
// and the ways Herald ends a connection that libmicrohttpd would keep (a slow head, a drain).
struct HttpConnection
{
    // Accepted now; its first request head must be complete by headDeadlineMs.
    HttpConnection(MHD_Connection *connection, qint64 headDeadlineMs);
    // The state the listener attached to an MHD connection, or null.
    static HttpConnection *of(MHD_Connection *connection);

    // A request line is in: its head must be complete by deadlineMs (or the earlier deadline already set).
    void requestLineArrived(qint64 deadlineMs);
    // The answer is out: the connection waits for its next request head, due by nextHeadDeadlineMs;
    // the request took `wireBytes` of the stream (-1: not known), so the next line starts after them.
    void exchangeCompleted(qint64 nextHeadDeadlineMs, qint64 wireBytes);
    // Idle between two requests, not yet cut (what a drain closes at once).
    bool isBetweenRequests() const { return readingHead && !requestLineSeen && !cut; }
    bool isHeadOverdue(qint64 nowMs) const { return readingHead && !cut && nowMs >= headDeadlineMs; }

    // Shuts the socket down; MHD, seeing it end, closes the connection on its next run.
    void shutDown();
    // A request head still incomplete at its deadline (slowloris): 408 where no TLS is in the way, then shut down.
    void cutSlowHead(int headerTimeoutMs, bool tls);
    // A request line refused before MHD read it: the answer, then the `lineBytes` peeked are read
    // off (so that closing sends no RST over the answer), then shut down.
    void refuseRequestLine(int status, const QString &reason, qint64 lineBytes);
    // The client is gone once the TCP connection left ESTABLISHED (FIN, half-close, or RST).
    bool peerGone() const;

    MHD_Connection *connection = nullptr;
    int fd = -1;
    qint64 headDeadlineMs = 0; // the next request head must be complete by then
    bool readingHead = true;   // between requests, or inside a head
    bool requestLineSeen = false;
    bool cut = false; // shut down by us; MHD closes it on its next run
    // For the RequestLineGuard: where the next request line starts in the stream (bytes received
    // before it; -1: not known), where the current head started, what of the line MHD already read.
    qint64 lineAt = 0;
    qint64 headAt = -1;
    QByteArray lineBytes;
    bool guarded = false;    // the RequestLineGuard waits for its request line
    bool inGuardSet = false; // in the guard's epoll set (from the first watch to the close)
    bool parked = false;     // its EPOLLIN is out of MHD's epoll set while the guard judges

private:
    // Herald's plain-text refusal written straight to the socket, for where MHD cannot answer.
    void sendRaw(int status, const QString &reason);
};

} // namespace herald
