#include "http/requestlineguard.h"

#include "http/httpconnection.h"
#include "http/requestheadcheck.h"

#include <QByteArray>
#include <QLoggingCategory>

// linux/tcp.h rather than netinet/tcp.h: glibc's tcp_info lacks tcpi_bytes_received.
#include <algorithm>
#include <cstddef>
#include <utility>

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace herald {

Q_DECLARE_LOGGING_CATEGORY(lcListener)

namespace {

constexpr int tcpEstablished = 1; // TCP_ESTABLISHED, which only netinet/tcp.h names

// How many bytes of the stream the application (MHD) has read so far, or -1 when that cannot be
// known exactly now: the kernel's count of bytes received less those still queued, read twice
// around it so that a segment arriving in between is noticed. After a FIN the count is off by one.
qint64 bytesConsumed(int fd)
{
    int before = 0;
    int after = 0;
    tcp_info info = {};
    socklen_t size = sizeof info;
    if (::ioctl(fd, SIOCINQ, &before) != 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0
        || ::ioctl(fd, SIOCINQ, &after) != 0)
        return -1;
    if (before != after || info.tcpi_state != tcpEstablished || size < offsetof(tcp_info, tcpi_bytes_received) + 8)
        return -1;
    return static_cast<qint64>(info.tcpi_bytes_received) - after;
}

} // namespace

RequestLineGuard::RequestLineGuard()
    : m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
}

RequestLineGuard::~RequestLineGuard()
{
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void RequestLineGuard::watch(HttpConnection *connection)
{
    connection->lineBytes.clear(); // what was peeked belonged to an earlier line
    if (!m_enabled || m_epoll < 0 || connection->guarded || connection->lineAt < 0 || connection->cut)
        return;
    if (arm(connection)) {
        connection->guarded = true;
        ++m_watching;
        // A connection's first line is parked at the next check() (MHD adds a new connection to
        // its set after this callback). Later lines on a kept-alive connection are not: parking
        // each would cost six system calls per request (7.4 to 13.5 per one-target request at
        // c=32), so there the guard stays best-effort, as the header says.
        if (connection->lineAt == 0)
            m_toPark.push_back(connection);
    }
}

void RequestLineGuard::park(HttpConnection *connection, bool parked)
{
    if (m_daemonEpoll < 0 || connection->parked == parked)
        return;
    epoll_event event = {};
    event.events = EPOLLOUT | EPOLLPRI | EPOLLET | (parked ? 0u : static_cast<uint32_t>(EPOLLIN));
    event.data.ptr = connection->connection;
    // Fails only where MHD has it out of its set (suspended): then there is nothing to park.
    if (::epoll_ctl(m_daemonEpoll, EPOLL_CTL_MOD, connection->fd, &event) == 0)
        connection->parked = parked;
}

bool RequestLineGuard::arm(HttpConnection *connection)
{
    epoll_event event = {};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.ptr = connection;
    if (::epoll_ctl(m_epoll, connection->inGuardSet ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, connection->fd, &event) != 0)
        return false;
    connection->inGuardSet = true;
    return true;
}

void RequestLineGuard::unwatch(HttpConnection *connection)
{
    // Left in the set: an event still armed for it is passed over by check().
    if (connection->guarded)
        --m_watching;
    connection->guarded = false;
    connection->lineBytes.clear();
    park(connection, false); // MHD reads on: re-adding EPOLLIN reports what is already queued
}

void RequestLineGuard::forget(HttpConnection *connection)
{
    m_toPark.erase(std::remove(m_toPark.begin(), m_toPark.end(), connection), m_toPark.end());
    unwatch(connection);
    if (connection->inGuardSet)
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection->fd, nullptr);
    connection->inGuardSet = false;
}

bool RequestLineGuard::check(int maxLineBytes)
{
    for (HttpConnection *connection : std::exchange(m_toPark, {})) {
        if (connection->guarded && !connection->cut)
            park(connection, true);
    }
    if (!m_enabled || m_epoll < 0 || m_watching == 0)
        return false;
    bool cut = false;
    epoll_event events[64];
    const int ready = ::epoll_wait(m_epoll, events, 64, 0);
    for (int i = 0; i < ready; ++i) {
        auto *connection = static_cast<HttpConnection *>(events[i].data.ptr);
        if (connection->guarded)
            cut = inspect(connection, maxLineBytes) || cut;
    }
    return cut;
}

bool RequestLineGuard::checkAccepted(HttpConnection *connection, int maxLineBytes)
{
    int queued = 0;
    if (!connection->guarded || ::ioctl(connection->fd, SIOCINQ, &queued) != 0 || queued <= 0)
        return false; // nothing in yet: its first byte brings the guard's event, as for any line
    return inspect(connection, maxLineBytes);
}

bool RequestLineGuard::inspect(HttpConnection *connection, int maxLineBytes)
{
    if (connection->cut || connection->requestLineSeen) { // before any system call
        unwatch(connection);
        return false;
    }
    const qint64 consumed = bytesConsumed(connection->fd);
    // MHD may already hold the start of the line: only bytes the guard saw itself can stand for it.
    const qint64 held = consumed - connection->lineAt;
    if (consumed < 0 || held < 0 || held > connection->lineBytes.size()) {
        unwatch(connection);
        return false;
    }
    QByteArray peeked(maxLineBytes, Qt::Uninitialized);
    const ssize_t count = ::recv(connection->fd, peeked.data(), static_cast<size_t>(peeked.size()), MSG_PEEK | MSG_DONTWAIT);
    if (count <= 0) {
        unwatch(connection);
        return false;
    }
    const QByteArray seen = connection->lineBytes.left(held) + peeked.left(count);
    // MHD skips empty lines before a request line; the line itself ends at LF (CR LF or bare LF).
    qsizetype start = 0;
    while (true) {
        if (seen.mid(start, 2) == "\r\n")
            start += 2;
        else if (seen.mid(start, 1) == "\n")
            start += 1;
        else
            break;
    }
    const qsizetype lf = seen.indexOf('\n', start);
    if (lf < 0) {
        if (seen.size() >= maxLineBytes)
            unwatch(connection);  // over any limit: MHD's 414 or the head check's
        else if (arm(connection)) // the rest of the line brings one more event
            connection->lineBytes = seen;
        else
            unwatch(connection);
        return false;
    }
    connection->headAt = connection->lineAt + start;
    QByteArray line = seen.mid(start, lf - start);
    if (line.endsWith('\r'))
        line.chop(1);
    const HeadRefusal refusal = checkRequestLine(line);
    unwatch(connection); // MHD parses a good line and the URI callback takes over from here
    if (!refusal)
        return false;
    qCDebug(lcListener).noquote() << "refused a request line with" << refusal.status << refusal.reason;
    connection->refuseRequestLine(refusal.status, refusal.reason, count);
    return true;
}

} // namespace herald
