#include "transport/leanconnection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace herald {

static QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

LeanConnection *LeanConnection::open(int epoll, const QByteArray &address, int *error)
{
    const auto *socketAddress = reinterpret_cast<const sockaddr *>(address.constData());
    const int fd = ::socket(socketAddress->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) {
        *error = errno;
        return nullptr;
    }
    // Each request is one gather write and waits for its answer: Nagle would only add delay.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, socketAddress, socklen_t(address.size())) != 0 && errno != EINPROGRESS) {
        *error = errno;
        ::close(fd);
        return nullptr;
    }
    auto *connection = new LeanConnection(epoll, fd, address);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT; // EPOLLOUT: the connect finished, one way or the other
    event.data.ptr = connection;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
        *error = errno;
        delete connection;
        return nullptr;
    }
    return connection;
}

LeanConnection::LeanConnection(int epoll, int fd, const QByteArray &address)
    : m_epoll(epoll)
    , m_fd(fd)
    , m_address(address)
{
}

LeanConnection::~LeanConnection()
{
    ::close(m_fd); // also takes it out of the epoll set
}

LeanConnection::Progress LeanConnection::begin(const QByteArray *const *parts, int count, bool headRequest, int bodyLimit,
                                               const QByteArrayList *keptHeaders)
{
    m_partCount = 0;
    m_unsent = 0;
    m_sent = 0;
    for (int i = 0; i < count && m_partCount < 4; ++i) {
        if (parts[i]->isEmpty())
            continue;
        m_parts[m_partCount++] = parts[i];
        m_unsent += size_t(parts[i]->size());
    }
    m_parser.reset(headRequest, bodyLimit, keptHeaders);
    m_error = TransportError::None;
    m_errorString.clear();
    m_closedBeforeAnswer = false;
    m_leftover = false;
    // Connecting: the write follows the connect's EPOLLOUT. Otherwise at once, and EPOLLOUT is
    // asked for only when the socket buffer cannot take it all.
    return m_connecting ? Progress::Pending : write();
}

bool LeanConnection::reusable() const
{
    return m_parser.isComplete() && m_parser.keepAlive() && m_unsent == 0 && !m_leftover;
}

LeanConnection::Progress LeanConnection::onEvents(uint32_t events, char *buffer, size_t size)
{
    if (m_connecting) {
        if (finishConnect() == Progress::Failed)
            return Progress::Failed;
        if (m_unsent > 0 && write() == Progress::Failed)
            return Progress::Failed;
        return Progress::Pending; // the answer wakes us again
    }
    if ((events & EPOLLOUT) && m_unsent > 0 && write() == Progress::Failed)
        return Progress::Failed;
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        return read(buffer, size);
    return Progress::Pending;
}

LeanConnection::Progress LeanConnection::finishConnect()
{
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    if (error != 0)
        return fail(TransportError::Refused, QStringLiteral("Failed to connect: %1").arg(systemError(error)));
    m_connecting = false;
    if (m_unsent == 0)
        watchWrites(false);
    return Progress::Pending;
}

LeanConnection::Progress LeanConnection::write()
{
    iovec vectors[4];
    int count = 0;
    size_t skip = m_sent;
    for (int i = 0; i < m_partCount; ++i) {
        const size_t length = size_t(m_parts[i]->size());
        if (skip >= length) {
            skip -= length;
            continue;
        }
        vectors[count].iov_base = const_cast<char *>(m_parts[i]->constData()) + skip;
        vectors[count].iov_len = length - skip;
        skip = 0;
        ++count;
    }
    // sendmsg is writev with MSG_NOSIGNAL: a backend's reset must not kill the process
    // through SIGPIPE, whatever the face did with that signal.
    msghdr message{};
    message.msg_iov = vectors;
    message.msg_iovlen = size_t(count);
    const ssize_t written = ::sendmsg(m_fd, &message, MSG_NOSIGNAL);
    if (written < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            watchWrites(true);
            return Progress::Pending;
        }
        return fail(TransportError::ConnectionClosed, QStringLiteral("Send failure: %1").arg(systemError(errno)), true);
    }
    m_sent += size_t(written);
    m_unsent -= size_t(written);
    watchWrites(m_unsent > 0);
    return Progress::Pending;
}

LeanConnection::Progress LeanConnection::read(char *buffer, size_t size)
{
    const ssize_t received = ::recv(m_fd, buffer, size, 0);
    if (received < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return Progress::Pending;
        return fail(TransportError::ConnectionClosed, QStringLiteral("Recv failure: %1").arg(systemError(errno)),
                    !m_parser.receivedAnything());
    }
    if (received == 0) {
        if (m_parser.finish() == LeanResponseParser::State::Complete) {
            ++m_answers;
            return Progress::Complete;
        }
        if (!m_parser.receivedAnything())
            return fail(TransportError::ConnectionClosed, QStringLiteral("Empty reply from server"), true);
        return fail(TransportError::ConnectionClosed, QStringLiteral("connection closed before the answer was complete"));
    }
    size_t consumed = 0;
    switch (m_parser.feed(buffer, size_t(received), &consumed)) {
    case LeanResponseParser::State::NeedMore:
        return Progress::Pending;
    case LeanResponseParser::State::Complete:
        m_leftover = consumed < size_t(received);
        ++m_answers;
        return Progress::Complete;
    case LeanResponseParser::State::Failed:
        break;
    }
    return fail(TransportError::Protocol, m_parser.errorString());
}

LeanConnection::Progress LeanConnection::fail(TransportError error, const QString &message, bool beforeAnswer)
{
    m_error = error;
    m_errorString = message;
    m_closedBeforeAnswer = beforeAnswer;
    return Progress::Failed;
}

void LeanConnection::watchWrites(bool on)
{
    if (on == m_watchingWrites)
        return;
    epoll_event event{};
    event.events = on ? EPOLLIN | EPOLLOUT : EPOLLIN;
    event.data.ptr = this;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, m_fd, &event);
    m_watchingWrites = on;
}

} // namespace herald
