#include "http/httpconnection.h"

#include "http/httpresponses.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

#include <microhttpd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace herald {

Q_DECLARE_LOGGING_CATEGORY(lcListener)

HttpConnection::HttpConnection(MHD_Connection *connection, qint64 headDeadlineMs)
    : connection(connection)
    , headDeadlineMs(headDeadlineMs)
{
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD))
        fd = info->connect_fd;
}

HttpConnection *HttpConnection::of(MHD_Connection *connection)
{
    const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? static_cast<HttpConnection *>(info->socket_context) : nullptr;
}

void HttpConnection::requestLineArrived(qint64 deadlineMs)
{
    requestLineSeen = true;
    headDeadlineMs = qMin(headDeadlineMs, deadlineMs);
}

void HttpConnection::exchangeCompleted(qint64 nextHeadDeadlineMs, qint64 wireBytes)
{
    readingHead = true;
    requestLineSeen = false;
    headDeadlineMs = nextHeadDeadlineMs;
    lineAt = headAt >= 0 && wireBytes >= 0 ? headAt + wireBytes : -1;
    headAt = -1;
}

void HttpConnection::shutDown()
{
    cut = true;
    ::shutdown(fd, SHUT_RDWR);
}

void HttpConnection::cutSlowHead(int headerTimeoutMs, bool tls)
{
    // MHD's only timeout is for idleness, and a client sending its head a byte at a time is never
    // idle (slowloris). Shut the socket down and MHD, seeing it end, closes the connection itself.
    cut = true;
    qCDebug(lcListener) << "request head not complete within" << headerTimeoutMs << "ms: closing";
    if (!tls) // nothing of this head was answered yet, so a 408 cannot interleave with MHD's output
        sendRaw(408, QStringLiteral("request head not complete within %1 ms").arg(headerTimeoutMs));
    ::shutdown(fd, SHUT_RDWR);
}

void HttpConnection::refuseRequestLine(int status, const QString &reason, qint64 lineBytes)
{
    cut = true;
    sendRaw(status, reason);
    QByteArray sink(static_cast<qsizetype>(lineBytes), Qt::Uninitialized);
    (void)::recv(fd, sink.data(), static_cast<size_t>(sink.size()), MSG_DONTWAIT);
    ::shutdown(fd, SHUT_RDWR);
}

void HttpConnection::sendRaw(int status, const QString &reason)
{
    const HttpServerResponse response = HttpResponses::text(status, reason);
    QByteArray answer = "HTTP/1.1 " + QByteArray::number(status) + ' '
                        + MHD_get_reason_phrase_for(static_cast<unsigned int>(status)) + "\r\nConnection: close\r\n";
    for (const HttpHeader &header : response.headers)
        answer += header.first + ": " + header.second + "\r\n";
    answer += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n" + response.body;
    (void)::send(fd, answer.constData(), static_cast<size_t>(answer.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
}

bool HttpConnection::peerGone() const
{
    // A suspended request's client is gone once its TCP connection left ESTABLISHED: it sent FIN
    // (closed, or only half-closed: both end the exchange for us, as for nginx) or RST.
    tcp_info info = {};
    socklen_t size = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0)
        return false;
    return info.tcpi_state != TCP_ESTABLISHED;
}

} // namespace herald
