#include "http/httplistener.h"

#include "http/pendingrequest.h"
#include "http/requestheadcheck.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace herald {

namespace {

Q_LOGGING_CATEGORY(lcListener, "herald.serve")

qint64 nowMs()
{
    return QDeadlineTimer::current().deadline();
}

HttpServerResponse errorResponse(int status, const QString &reason)
{
    HttpServerResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Connection", "close"}};
    response.body = reason.toUtf8() + '\n';
    return response;
}

// A suspended request's client is gone once its TCP connection left ESTABLISHED: it sent FIN
// (closed, or only half-closed: both end the exchange for us, as for nginx) or RST.
bool peerGone(int fd)
{
    tcp_info info = {};
    socklen_t size = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0)
        return false;
    return info.tcpi_state != TCP_ESTABLISHED;
}

quint16 portOf(const sockaddr *address)
{
    if (address->sa_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(address)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in *>(address)->sin_port);
}

} // namespace

struct HttpListener::Connection
{
    MHD_Connection *connection = nullptr;
    int fd = -1;
    qint64 headDeadlineMs = 0; // the next request head must be complete by then
    bool readingHead = true;   // between requests, or inside a head
    bool requestLineSeen = false;
    bool cut = false;          // shut down by us; MHD closes it on its next run
};

struct HttpListener::Exchange
{
    quint64 id = 0;
    MHD_Connection *connection = nullptr;
    Connection *owner = nullptr;
    QByteArray target;              // the raw request-target, from the URI log callback
    const char *targetAt = nullptr; // where it sits in MHD's buffer, for the head check
    HttpServerRequest request;
    bool started = false;
    bool overLimit = false; // a chunked body passed the limit: bytes are dropped, 413 at the end
    bool inHandler = false;
    bool suspended = false;
    bool abandoned = false;
    bool answerReady = false;
    HttpServerResponse answer;
    PendingRequest *pending = nullptr;
};

struct HttpListener::Callbacks
{
    static Connection *connectionOf(MHD_Connection *connection)
    {
        const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        return info ? static_cast<Connection *>(info->socket_context) : nullptr;
    }

    static MHD_Result access(void *cls, MHD_Connection *connection, const char *, const char *method, const char *version,
                             const char *uploadData, size_t *uploadDataSize, void **context)
    {
        auto *exchange = static_cast<Exchange *>(*context);
        if (!exchange) // the URI log callback makes one for every request line
            return MHD_NO;
        return static_cast<HttpListener *>(cls)->handleAccess(connection, exchange, method, version, uploadData, uploadDataSize)
                   ? MHD_YES
                   : MHD_NO;
    }

    // The only place MHD shows the request-target before cutting the query off and unescaping it.
    static void *uri(void *cls, const char *uri, MHD_Connection *connection)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        auto *exchange = new Exchange;
        exchange->id = listener->m_nextExchangeId++;
        exchange->connection = connection;
        exchange->targetAt = uri;
        exchange->target = QByteArray(uri);
        if (Connection *owner = connectionOf(connection)) {
            exchange->owner = owner;
            owner->requestLineSeen = true;
            owner->headDeadlineMs = qMin(owner->headDeadlineMs, nowMs() + listener->m_settings.headerTimeoutMs);
        }
        return exchange;
    }

    static void completed(void *cls, MHD_Connection *connection, void **context, MHD_RequestTerminationCode code)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        if (Connection *owner = connectionOf(connection)) {
            // Until the next request line is in, MHD's idle timeout closes a silent connection; this
            // deadline only bounds a next request line dribbled in slowly from now on.
            owner->readingHead = true;
            owner->requestLineSeen = false;
            owner->headDeadlineMs = nowMs() + listener->m_settings.idleTimeoutMs + listener->m_settings.headerTimeoutMs;
            // Draining: a connection that has just finished its answer is between requests, like
            // those stopAccepting() cut, and must not wait for the idle timeout either.
            if (listener->m_quiesced && !owner->cut) {
                owner->cut = true;
                ::shutdown(owner->fd, SHUT_RDWR);
                listener->scheduleRun();
            }
        }
        auto *exchange = static_cast<Exchange *>(*context);
        *context = nullptr;
        if (exchange)
            listener->finishExchange(exchange, code);
    }

    static void connectionEvent(void *cls, MHD_Connection *connection, void **socketContext, MHD_ConnectionNotificationCode code)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
            auto *state = new Connection;
            state->connection = connection;
            if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD))
                state->fd = info->connect_fd;
            state->headDeadlineMs = nowMs() + listener->m_settings.headerTimeoutMs;
            listener->m_connections.insert(state);
            *socketContext = state;
            return;
        }
        auto *state = static_cast<Connection *>(*socketContext);
        // At the limit MHD took the listening socket out of its epoll set and puts it back only at
        // the start of its next run; clients waiting in the backlog bring no new event: run again.
        if (listener->m_connections.size() >= listener->m_settings.maxConnections)
            listener->scheduleRun();
        listener->m_connections.remove(state);
        delete state;
        *socketContext = nullptr;
    }

    // MHD unescapes the URL and query arguments in place unless told not to; we forward them as sent.
    static size_t unescape(void *, MHD_Connection *, char *text) { return std::strlen(text); }

    static MHD_Result field(void *cls, MHD_ValueKind, const char *name, size_t nameSize, const char *value, size_t valueSize)
    {
        static_cast<QList<ParsedRequestHead::Field> *>(cls)->append({name, nameSize, value ? value : "", value ? valueSize : 0});
        return MHD_YES;
    }

    static void freeBody(void *cls) { delete static_cast<QByteArray *>(cls); }

    static void log(void *cls, const char *format, va_list arguments)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        char buffer[1024];
        std::vsnprintf(buffer, sizeof buffer, format, arguments);
        const QString message = QString::fromLocal8Bit(buffer).trimmed();
        if (listener->m_starting)
            listener->m_startErrors.append(message);
        // Client mistakes are routine; running out of sockets or memory is not.
        if (message.contains(QLatin1String("accept")) || message.contains(QLatin1String("resource limit")))
            qCWarning(lcListener).noquote() << "libmicrohttpd:" << message;
        else
            qCDebug(lcListener).noquote() << "libmicrohttpd:" << message;
    }
};

HttpListener::HttpListener(QObject *parent)
    : QObject(parent)
{
    m_timeoutTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &HttpListener::run);
    connect(&m_sweepTimer, &QTimer::timeout, this, &HttpListener::sweep);
}

HttpListener::~HttpListener()
{
    if (!m_daemon)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    // MHD refuses to stop while connections are suspended: resume them, to be closed unanswered.
    for (Exchange *exchange : std::as_const(m_suspended)) {
        exchange->abandoned = true;
        exchange->suspended = false;
        MHD_resume_connection(exchange->connection);
    }
    m_suspended.clear();
    MHD_stop_daemon(m_daemon); // completes every exchange and closes every connection
    m_daemon = nullptr;
}

bool HttpListener::listen(const Settings &settings, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (m_daemon) {
        *error = QStringLiteral("already listening on port %1").arg(m_port);
        return false;
    }
    if (settings.maxConnections < 1 || settings.maxHeaderBytes < 1024 || settings.maxBodyBytes < 0
        || settings.headerTimeoutMs < 1 || settings.idleTimeoutMs < 1) {
        *error = QStringLiteral("invalid listener limits (connections >= 1, header bytes >= 1024, body bytes >= 0, timeouts > 0)");
        return false;
    }
    m_tls = !settings.tlsCertFile.isEmpty() || !settings.tlsKeyFile.isEmpty();
    if (m_tls) {
        if (settings.tlsCertFile.isEmpty() || settings.tlsKeyFile.isEmpty()) {
            *error = QStringLiteral("TLS needs both a certificate file and a key file");
            return false;
        }
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            *error = QStringLiteral("this libmicrohttpd was built without TLS support");
            return false;
        }
        for (const auto &[path, data] : {std::pair{settings.tlsCertFile, &m_certificate}, std::pair{settings.tlsKeyFile, &m_key}}) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
                return false;
            }
            *data = file.readAll() + '\0'; // MHD takes PEM as a C string
        }
    }
    m_settings = settings;
    // Any means both families; where IPv6 is disabled in the kernel, IPv4 alone still works.
    bool started = startDaemon(settings, settings.address == QHostAddress::Any, error);
    if (!started && settings.address == QHostAddress::Any) {
        qCWarning(lcListener).noquote() << *error << "- trying IPv4 only";
        started = startDaemon(settings, false, error);
    }
    if (!started)
        return false;
    const MHD_DaemonInfo *portInfo = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_BIND_PORT);
    m_port = portInfo ? portInfo->port : settings.port;
    const MHD_DaemonInfo *epollInfo = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_EPOLL_FD);
    m_notifier = new QSocketNotifier(epollInfo->epoll_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &HttpListener::run);
    m_sweepTimer.setInterval(qBound(20, settings.headerTimeoutMs / 4, 250));
    armTimers();
    return true;
}

bool HttpListener::startDaemon(const Settings &settings, bool dualStack, QString *error)
{
    sockaddr_storage storage = {};
    unsigned int flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (dualStack || settings.address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *v6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(settings.port);
        if (!dualStack) {
            const Q_IPV6ADDR bytes = settings.address.toIPv6Address();
            std::memcpy(&v6->sin6_addr, &bytes, sizeof bytes);
        }
        flags |= dualStack ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
    } else {
        auto *v4 = reinterpret_cast<sockaddr_in *>(&storage);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(settings.port);
        v4->sin_addr.s_addr = settings.address == QHostAddress::Any ? htonl(INADDR_ANY) : htonl(settings.address.toIPv4Address());
    }
    if (m_tls)
        flags |= MHD_USE_TLS;
    // MHD keeps the head, its parsed fields (56 bytes each) and later the answer's head in one
    // pool per connection; room for four times the head limit lets any ordinary head reach our
    // own exact check (431 with a reason) before MHD runs out of pool (its own 431, see listener.md).
    const size_t pool = static_cast<size_t>(settings.maxHeaderBytes) * 4 + 16 * 1024;
    const unsigned int idleSeconds = static_cast<unsigned int>((settings.idleTimeoutMs + 999) / 1000);
    const auto callback = [](auto function) { return reinterpret_cast<intptr_t>(function); };
    std::vector<MHD_OptionItem> options = {
        {MHD_OPTION_SOCK_ADDR, 0, &storage},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(pool), nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, settings.maxConnections, nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, idleSeconds, nullptr},
        {MHD_OPTION_NOTIFY_COMPLETED, callback(&Callbacks::completed), this},
        {MHD_OPTION_NOTIFY_CONNECTION, callback(&Callbacks::connectionEvent), this},
        {MHD_OPTION_URI_LOG_CALLBACK, callback(&Callbacks::uri), this},
        {MHD_OPTION_UNESCAPE_CALLBACK, callback(&Callbacks::unescape), this},
        // Not strict: MHD would close on a space inside the request-target without an answer, and
        // our own head check answers 400 to that, to a missing Host and to more.
        {MHD_OPTION_STRICT_FOR_CLIENT, 0, nullptr},
    };
    if (m_tls) {
        options.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, m_key.data()});
        options.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, m_certificate.data()});
    }
    options.push_back({MHD_OPTION_END, 0, nullptr});
    m_startErrors.clear();
    m_starting = true;
    // The logger goes first so that MHD's messages about the other options reach it too.
    m_daemon = MHD_start_daemon(flags, settings.port, nullptr, nullptr, &Callbacks::access, this,
                                MHD_OPTION_EXTERNAL_LOGGER, &Callbacks::log, this,
                                MHD_OPTION_ARRAY, options.data(), MHD_OPTION_END);
    m_starting = false;
    if (m_daemon)
        return true;
    *error = QStringLiteral("cannot listen on %1 port %2: %3")
                 .arg(settings.address == QHostAddress::Any ? QStringLiteral("any address") : settings.address.toString())
                 .arg(settings.port)
                 .arg(m_startErrors.isEmpty() ? QStringLiteral("libmicrohttpd refused to start") : m_startErrors.join(QLatin1Char(' ')));
    return false;
}

void HttpListener::stopAccepting()
{
    if (!m_daemon || m_quiesced)
        return;
    m_quiesced = true;
    // Closed at once, so new clients are refused instead of waiting in a backlog nobody reads.
    const MHD_socket socket = MHD_quiesce_daemon(m_daemon);
    if (socket != MHD_INVALID_SOCKET)
        ::close(socket);
    // Connections between two requests would otherwise stay until the idle timeout.
    for (Connection *connection : std::as_const(m_connections)) {
        if (connection->readingHead && !connection->requestLineSeen && !connection->cut) {
            connection->cut = true;
            ::shutdown(connection->fd, SHUT_RDWR);
        }
    }
    scheduleRun();
}

bool HttpListener::handleAccess(MHD_Connection *connection, Exchange *exchange, const char *method, const char *version,
                                const char *uploadData, size_t *uploadDataSize)
{
    if (!exchange->started) { // the head is complete
        exchange->started = true;
        return beginExchange(connection, exchange, method, version);
    }
    if (*uploadDataSize > 0) {
        if (!exchange->overLimit) {
            QByteArray &body = exchange->request.body;
            if (body.size() + static_cast<qint64>(*uploadDataSize) > m_settings.maxBodyBytes) {
                exchange->overLimit = true; // MHD cannot answer mid-upload: drop the rest, answer at its end
                body = QByteArray();
            } else {
                body.append(uploadData, static_cast<qsizetype>(*uploadDataSize));
            }
        }
        *uploadDataSize = 0;
        return true;
    }
    if (exchange->abandoned) // resumed only so that MHD closes the connection
        return false;
    if (exchange->overLimit)
        return queue(connection, errorResponse(413, QStringLiteral("request body over the limit of %1 bytes").arg(m_settings.maxBodyBytes)));
    if (exchange->answerReady) {
        exchange->answerReady = false;
        return queue(connection, std::exchange(exchange->answer, {}));
    }
    if (exchange->pending)
        return true;
    return dispatch(connection, exchange);
}

bool HttpListener::beginExchange(MHD_Connection *connection, Exchange *exchange, const char *method, const char *version)
{
    if (exchange->owner)
        exchange->owner->readingHead = false;
    ParsedRequestHead head;
    head.start = method;
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE))
        head.size = info->header_size;
    head.targetAt = exchange->targetAt;
    head.target = exchange->target;
    head.version = version;
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &Callbacks::field, &head.fields);
    if (const HeadRefusal refusal = checkRequestHead(head, m_settings.maxHeaderBytes, m_settings.maxBodyBytes)) {
        qCDebug(lcListener).noquote() << "refused a request with" << refusal.status << refusal.reason;
        // Queued before the body is read: MHD reads none of it and closes after the answer.
        return queue(connection, errorResponse(refusal.status, refusal.reason));
    }
    HttpServerRequest &request = exchange->request;
    request.method = method;
    request.pathAndQuery = exchange->target;
    request.version = version;
    request.tls = m_tls;
    request.headers.reserve(head.fields.size());
    for (const ParsedRequestHead::Field &field : std::as_const(head.fields)) {
        qsizetype valueSize = static_cast<qsizetype>(field.valueSize);
        while (valueSize > 0 && (field.value[valueSize - 1] == ' ' || field.value[valueSize - 1] == '\t'))
            --valueSize; // trailing whitespace is not part of a field value (RFC 9110 5.5)
        request.headers.append({QByteArray(field.name, static_cast<qsizetype>(field.nameSize)), QByteArray(field.value, valueSize)});
    }
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) {
        const QHostAddress peer(info->client_addr);
        bool mapped = false;
        const quint32 v4 = peer.toIPv4Address(&mapped); // dual-stack sockets see IPv4 clients as ::ffff:a.b.c.d
        request.peerAddress = mapped ? QHostAddress(v4) : peer;
        request.peerPort = portOf(info->client_addr);
    }
    const QByteArray length = headerValue(request.headers, "Content-Length");
    if (!length.isEmpty()) // within maxBodyBytes (checked); capped, as an announced body may never come
        request.body.reserve(static_cast<qsizetype>(qMin<qint64>(length.toLongLong(), 1024 * 1024)));
    return true;
}

bool HttpListener::dispatch(MHD_Connection *connection, Exchange *exchange)
{
    exchange->pending = new PendingRequest(this, exchange, std::exchange(exchange->request, {}));
    exchange->inHandler = true;
    Q_EMIT requestReceived(exchange->pending);
    exchange->inHandler = false;
    if (exchange->answerReady) { // answered from inside the signal: no need to suspend
        exchange->answerReady = false;
        return queue(connection, std::exchange(exchange->answer, {}));
    }
    MHD_suspend_connection(connection);
    exchange->suspended = true;
    m_suspended.insert(exchange->id, exchange);
    return true;
}

void HttpListener::finishExchange(Exchange *exchange, int terminationCode)
{
    m_suspended.remove(exchange->id);
    if (PendingRequest *pending = exchange->pending) {
        pending->detach();
        if (terminationCode != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
            if (!pending->isAnswered() && !pending->isAbandoned())
                qCDebug(lcListener).noquote() << "client left before the answer to" << pending->request().method
                                              << pending->request().pathAndQuery;
            pending->markAbandoned();
        }
        pending->deleteLater();
    }
    delete exchange;
}

void HttpListener::deliver(Exchange *exchange, const HttpServerResponse &response)
{
    if (exchange->abandoned)
        return;
    exchange->answer = response;
    exchange->answerReady = true;
    if (exchange->inHandler || !exchange->suspended)
        return; // the access callback on the stack queues it
    m_toResume.append(exchange->id);
    scheduleRun();
}

bool HttpListener::queue(MHD_Connection *connection, const HttpServerResponse &response)
{
    int status = response.status;
    if (status < 200 || status > 599) {
        qCWarning(lcListener) << "handler answered with invalid status" << status << "- sending 500";
        status = 500;
    }
    // MHD sends straight from a copy of the QByteArray (shared, not duplicated) and frees it after.
    auto *body = new QByteArray(response.body);
    MHD_Response *reply = MHD_create_response_from_buffer_with_free_callback_cls(
        static_cast<size_t>(body->size()), body->data(), &Callbacks::freeBody, body);
    if (!reply) {
        delete body;
        return false;
    }
    for (const HttpHeader &header : response.headers) {
        // MHD frames the body itself (and leaves it out for HEAD, 204 and 304).
        if (header.first.compare("Content-Length", Qt::CaseInsensitive) == 0
            || header.first.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            continue;
        if (MHD_add_response_header(reply, header.first.constData(), header.second.constData()) != MHD_YES)
            qCWarning(lcListener) << "libmicrohttpd refused response header" << header.first << "(control characters?)";
    }
    if (m_quiesced && !hasHeader(response.headers, "Connection"))
        MHD_add_response_header(reply, "Connection", "close"); // draining: do not invite another request
    const MHD_Result result = MHD_queue_response(connection, static_cast<unsigned int>(status), reply);
    MHD_destroy_response(reply);
    return result == MHD_YES;
}

void HttpListener::run()
{
    m_runScheduled = false;
    if (!m_daemon)
        return;
    if (m_inRun) { // a nested event loop inside one of our signals: never re-enter MHD
        m_runAgain = true;
        return;
    }
    m_inRun = true;
    // Resumed here, outside MHD's callbacks, and run at once so answers leave without waiting for I/O.
    for (const quint64 id : std::exchange(m_toResume, {})) {
        if (Exchange *exchange = m_suspended.take(id)) {
            exchange->suspended = false;
            MHD_resume_connection(exchange->connection);
        }
    }
    MHD_run(m_daemon);
    m_inRun = false;
    if (std::exchange(m_runAgain, false) || !m_toResume.isEmpty())
        scheduleRun();
    armTimers();
}

void HttpListener::scheduleRun()
{
    if (m_runScheduled)
        return;
    m_runScheduled = true;
    QMetaObject::invokeMethod(this, &HttpListener::run, Qt::QueuedConnection);
}

void HttpListener::armTimers()
{
    MHD_UNSIGNED_LONG_LONG timeout = 0;
    if (MHD_get_timeout(m_daemon, &timeout) == MHD_YES)
        m_timeoutTimer.start(static_cast<int>(qMin<MHD_UNSIGNED_LONG_LONG>(timeout, 3600 * 1000)));
    else
        m_timeoutTimer.stop();
    if (m_connections.isEmpty())
        m_sweepTimer.stop();
    else if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
}

void HttpListener::sweep()
{
    const qint64 now = nowMs();
    bool changed = false;
    for (Connection *connection : std::as_const(m_connections)) {
        if (connection->readingHead && !connection->cut && now >= connection->headDeadlineMs) {
            cutSlowHead(connection);
            changed = true;
        }
    }
    // MHD reads nothing from a suspended connection, so it cannot see its client leave; we look.
    QList<PendingRequest *> gone;
    for (Exchange *exchange : std::as_const(m_suspended)) {
        if (!exchange->abandoned && exchange->owner && peerGone(exchange->owner->fd)) {
            exchange->abandoned = true;
            m_toResume.append(exchange->id); // resumed, MHD calls us, we refuse, MHD closes
            gone.append(exchange->pending);
        }
    }
    for (PendingRequest *pending : std::as_const(gone))
        pending->markAbandoned();
    if (changed || !gone.isEmpty())
        scheduleRun();
}

void HttpListener::cutSlowHead(Connection *connection)
{
    // MHD's only timeout is for idleness, and a client sending its head a byte at a time is never
    // idle (slowloris). Shut the socket down and MHD, seeing it end, closes the connection itself.
    connection->cut = true;
    qCDebug(lcListener) << "request head not complete within" << m_settings.headerTimeoutMs << "ms: closing";
    if (!m_tls) { // nothing of this head was answered yet, so a 408 cannot interleave with MHD's output
        const QByteArray reason = QStringLiteral("request head not complete within %1 ms\n").arg(m_settings.headerTimeoutMs).toUtf8();
        const QByteArray answer = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                  "Content-Length: " + QByteArray::number(reason.size()) + "\r\n\r\n" + reason;
        (void)::send(connection->fd, answer.constData(), static_cast<size_t>(answer.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    ::shutdown(connection->fd, SHUT_RDWR);
}

} // namespace herald
