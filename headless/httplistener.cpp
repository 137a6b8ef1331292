#include "httplistener.h"

#include "pendingrequest.h"

#include <QDateTime>
#include <QFile>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <microhttpd.h>

#include <arpa/inet.h>
#include <cstdarg>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <limits>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

// Per connection: when it started waiting for a request head, so slow senders can be cut off.
struct HttpListener::ConnectionState
{
    MHD_Connection *connection = nullptr;
    qint64 waitingSinceMs = 0;
    bool readingHead = true;
};

// Per request, from the request line to the completion callback.
struct HttpListener::RequestState
{
    MHD_Connection *connection = nullptr;
    QByteArray rawUri;
    HttpServerRequest request;
    bool started = false;
    bool rejected = false;     // an error answer is queued; the body is drained and dropped
    bool bodyTooLarge = false;
    bool suspended = false;
    bool responseReady = false;
    HttpServerResponse response;
    PendingRequest *pending = nullptr;
};

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

HttpServerResponse errorResponse(int status, const QString &reason)
{
    HttpServerResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Connection", "close"}};
    response.body = reason.toUtf8() + '\n';
    return response;
}

} // namespace

struct HttpListener::Callbacks
{
    static MHD_Result access(void *cls, MHD_Connection *connection, const char *, const char *method,
                             const char *version, const char *uploadData, size_t *uploadDataSize, void **context)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        auto *state = static_cast<RequestState *>(*context);
        if (!state)
            return MHD_NO;
        return listener->handleAccess(connection, state, method, version, uploadData, uploadDataSize) ? MHD_YES : MHD_NO;
    }

    static void *uri(void *cls, const char *uri, MHD_Connection *connection)
    {
        Q_UNUSED(cls)
        Q_UNUSED(connection)
        // The only place MHD shows the request-target before parsing: keep it byte for byte.
        auto *state = new RequestState;
        state->rawUri = QByteArray(uri);
        return state;
    }

    static void completed(void *cls, MHD_Connection *connection, void **context, MHD_RequestTerminationCode code)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        auto *state = static_cast<RequestState *>(*context);
        *context = nullptr;
        if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT)) {
            if (auto *connectionState = static_cast<ConnectionState *>(info->socket_context)) {
                connectionState->readingHead = true;
                connectionState->waitingSinceMs = nowMs();
            }
        }
        if (!state)
            return;
        listener->m_suspended.remove(state);
        if (state->pending) {
            if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK && !state->pending->isAnswered())
                qCDebug(lcServe) << "client left before the answer to" << state->request.method << state->request.pathAndQuery;
            state->pending->markAbandoned();
            state->pending->deleteLater();
        }
        delete state;
    }

    static void connectionEvent(void *cls, MHD_Connection *connection, void **socketContext, MHD_ConnectionNotificationCode code)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
            auto *state = new ConnectionState{connection, nowMs(), true};
            *socketContext = state;
            listener->m_connections.insert(state);
            return;
        }
        auto *state = static_cast<ConnectionState *>(*socketContext);
        // At the connection limit MHD stopped watching the listening socket; a client may already
        // wait in the backlog, and no new edge will announce it: look again on the next turn.
        if (listener->m_connections.size() >= listener->m_settings.maxConnections)
            listener->scheduleRun();
        listener->m_connections.remove(state);
        delete state;
        *socketContext = nullptr;
    }

    static size_t unescape(void *, MHD_Connection *, char *text)
    {
        // Keep escapes as sent: the request-target is forwarded, never decoded.
        return std::strlen(text);
    }

    static void log(void *, const char *format, va_list arguments)
    {
        char buffer[512];
        std::vsnprintf(buffer, sizeof buffer, format, arguments);
        qCDebug(lcServe).noquote() << "libmicrohttpd:" << QString::fromLocal8Bit(buffer).trimmed();
    }

    static MHD_Result header(void *cls, MHD_ValueKind, const char *key, const char *value)
    {
        static_cast<HttpHeaders *>(cls)->append({QByteArray(key), QByteArray(value ? value : "")});
        return MHD_YES;
    }
};

HttpListener::HttpListener(QObject *parent)
    : QObject(parent)
{
    m_timeoutTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &HttpListener::run);
    connect(&m_sweepTimer, &QTimer::timeout, this, &HttpListener::closeSlowHeaders);
}

HttpListener::~HttpListener()
{
    if (!m_daemon)
        return;
    // MHD must not be stopped with suspended connections: answer them first.
    const QSet<RequestState *> suspended = m_suspended;
    for (RequestState *state : suspended) {
        state->response = errorResponse(503, QStringLiteral("server shutting down"));
        state->responseReady = true;
        state->suspended = false;
        MHD_resume_connection(state->connection);
    }
    m_suspended.clear();
    MHD_run(m_daemon);
    MHD_stop_daemon(m_daemon);
    m_daemon = nullptr;
}

bool HttpListener::listen(const Settings &settings, QString *error)
{
    m_settings = settings;
    m_tls = !settings.tlsCertFile.isEmpty();
    if (m_tls) {
        QFile cert(settings.tlsCertFile);
        QFile key(settings.tlsKeyFile);
        if (!cert.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read TLS certificate or key (%1, %2)").arg(settings.tlsCertFile, settings.tlsKeyFile);
            return false;
        }
        m_certificate = cert.readAll() + '\0';
        m_key = key.readAll() + '\0';
    }
    sockaddr_in v4 = {};
    sockaddr_in6 v6 = {};
    const sockaddr *address = nullptr;
    unsigned int flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (settings.address.protocol() == QAbstractSocket::IPv6Protocol || settings.address == QHostAddress::AnyIPv6) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(settings.port);
        const Q_IPV6ADDR bytes = settings.address.toIPv6Address();
        std::memcpy(&v6.sin6_addr, &bytes, sizeof bytes);
        address = reinterpret_cast<const sockaddr *>(&v6);
        flags |= MHD_USE_IPv6;
    } else {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(settings.port);
        v4.sin_addr.s_addr = settings.address == QHostAddress::Any ? htonl(INADDR_ANY) : htonl(settings.address.toIPv4Address());
        address = reinterpret_cast<const sockaddr *>(&v4);
    }
    if (m_tls)
        flags |= MHD_USE_TLS;
    // The connection's memory pool holds the request head; a head that does not fit gets 431.
    const size_t memoryLimit = static_cast<size_t>(qMax(8192, settings.maxHeaderBytes + 4096));
    const unsigned int idleSeconds = static_cast<unsigned int>(qMax(1, (settings.idleTimeoutMs + 999) / 1000));
    m_daemon = MHD_start_daemon(
        flags, settings.port, nullptr, nullptr, &Callbacks::access, this,
        MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memoryLimit,
        MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned int>(settings.maxConnections),
        MHD_OPTION_CONNECTION_TIMEOUT, idleSeconds,
        MHD_OPTION_NOTIFY_COMPLETED, &Callbacks::completed, this,
        MHD_OPTION_NOTIFY_CONNECTION, &Callbacks::connectionEvent, this,
        MHD_OPTION_URI_LOG_CALLBACK, &Callbacks::uri, this,
        MHD_OPTION_UNESCAPE_CALLBACK, &Callbacks::unescape, this,
        MHD_OPTION_EXTERNAL_LOGGER, &Callbacks::log, this,
        MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_HTTPS_MEM_KEY, m_tls ? m_key.constData() : nullptr,
        MHD_OPTION_HTTPS_MEM_CERT, m_tls ? m_certificate.constData() : nullptr,
        MHD_OPTION_END);
    if (!m_daemon) {
        *error = QStringLiteral("cannot listen on %1:%2 (address in use or unavailable%3)")
                     .arg(settings.address.toString())
                     .arg(settings.port)
                     .arg(m_tls ? QStringLiteral(", or an invalid TLS certificate/key") : QString());
        return false;
    }
    const MHD_DaemonInfo *portInfo = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_BIND_PORT);
    m_port = portInfo ? portInfo->port : settings.port;
    const MHD_DaemonInfo *epoll = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_EPOLL_FD);
    m_notifier = new QSocketNotifier(epoll->epoll_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &HttpListener::run);
    m_sweepTimer.start(qBound(100, settings.headerTimeoutMs / 4, 1000));
    armTimer();
    return true;
}

void HttpListener::stopAccepting()
{
    if (!m_daemon)
        return;
    const MHD_socket socket = MHD_quiesce_daemon(m_daemon);
    if (socket != MHD_INVALID_SOCKET)
        ::close(socket);
    scheduleRun();
}

bool HttpListener::startRequest(MHD_Connection *connection, RequestState *state, const char *method, const char *version)
{
    state->started = true;
    state->connection = connection;
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT)) {
        if (auto *connectionState = static_cast<ConnectionState *>(info->socket_context))
            connectionState->readingHead = false;
    }
    HttpServerRequest &request = state->request;
    request.method = method;
    request.version = version;
    request.pathAndQuery = state->rawUri;
    request.tls = m_tls;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, &Callbacks::header, &request.headers);
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) {
        QHostAddress peer(info->client_addr);
        bool isV4 = false;
        const quint32 v4 = peer.toIPv4Address(&isV4);
        request.peerAddress = isV4 ? QHostAddress(v4) : peer;
        request.peerPort = info->client_addr->sa_family == AF_INET6
                               ? ntohs(reinterpret_cast<const sockaddr_in6 *>(info->client_addr)->sin6_port)
                               : ntohs(reinterpret_cast<const sockaddr_in *>(info->client_addr)->sin_port);
    }
    // MHD is lenient where smuggling lives: names that are not tokens ("X-A : b") and repeated
    // Content-Length headers must be refused here, before anything can be forwarded.
    int lengths = 0;
    for (const HttpHeader &header : std::as_const(request.headers)) {
        if (!isHttpToken(header.first)) {
            state->rejected = true;
            return queue(connection, errorResponse(400, QStringLiteral("malformed header name '%1'").arg(QString::fromLatin1(header.first))));
        }
        if (header.first.compare("Content-Length", Qt::CaseInsensitive) == 0)
            ++lengths;
    }
    if (lengths > 1) {
        state->rejected = true;
        return queue(connection, errorResponse(400, QStringLiteral("request has more than one Content-Length")));
    }
    const bool hasLength = lengths == 1;
    const bool hasEncoding = hasHeader(request.headers, "Transfer-Encoding");
    // Both framings at once is how requests are smuggled past proxies: refuse, never guess.
    if (hasLength && hasEncoding) {
        state->rejected = true;
        return queue(connection, errorResponse(400, QStringLiteral("request has both Content-Length and Transfer-Encoding")));
    }
    if (hasLength && headerValue(request.headers, "Content-Length").trimmed().toLongLong() > m_settings.maxBodyBytes) {
        state->rejected = true;
        return queue(connection, errorResponse(413, QStringLiteral("request body over the limit of %1 bytes").arg(m_settings.maxBodyBytes)));
    }
    return true;
}

int HttpListener::handleAccess(MHD_Connection *connection, RequestState *state, const char *method, const char *version,
                               const char *uploadData, size_t *uploadDataSize)
{
    if (!state->started)
        return startRequest(connection, state, method, version);
    if (*uploadDataSize > 0) {
        if (!state->rejected && !state->bodyTooLarge) {
            if (state->request.body.size() + static_cast<qint64>(*uploadDataSize) > m_settings.maxBodyBytes) {
                state->bodyTooLarge = true; // chunked bodies: stop keeping bytes at the limit
                state->request.body = QByteArray();
            } else {
                state->request.body.append(uploadData, static_cast<qsizetype>(*uploadDataSize));
            }
        }
        *uploadDataSize = 0;
        return true;
    }
    if (state->rejected)
        return true;
    if (state->bodyTooLarge) {
        state->rejected = true;
        return queue(connection, errorResponse(413, QStringLiteral("request body over the limit of %1 bytes").arg(m_settings.maxBodyBytes)));
    }
    if (state->responseReady) {
        state->responseReady = false;
        state->rejected = true; // answered; nothing more for this request
        return queue(connection, state->response);
    }
    if (state->pending)
        return true;
    state->pending = new PendingRequest(this, state, state->request);
    state->request.body = QByteArray(); // the pending request holds the only copy
    MHD_suspend_connection(connection);
    state->suspended = true;
    m_suspended.insert(state);
    Q_EMIT requestReceived(state->pending);
    return true;
}

void HttpListener::deliver(void *opaque, const HttpServerResponse &response)
{
    auto *state = static_cast<RequestState *>(opaque);
    if (!state || !m_suspended.contains(state))
        return;
    state->response = response;
    state->responseReady = true;
    // Resume on a later turn: respond() may be called from inside our own access callback.
    QMetaObject::invokeMethod(
        this,
        [this, state] {
            if (!m_suspended.contains(state))
                return;
            m_suspended.remove(state);
            state->suspended = false;
            MHD_resume_connection(state->connection);
            run();
        },
        Qt::QueuedConnection);
}

int HttpListener::queue(MHD_Connection *connection, const HttpServerResponse &response)
{
    MHD_Response *reply = MHD_create_response_from_buffer(static_cast<size_t>(response.body.size()),
                                                          const_cast<char *>(response.body.constData()),
                                                          MHD_RESPMEM_MUST_COPY);
    for (const HttpHeader &header : response.headers) {
        // MHD frames the body itself.
        if (header.first.compare("Content-Length", Qt::CaseInsensitive) == 0
            || header.first.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            continue;
        MHD_add_response_header(reply, header.first.constData(), header.second.constData());
    }
    const MHD_Result result = MHD_queue_response(connection, static_cast<unsigned int>(response.status), reply);
    MHD_destroy_response(reply);
    return result == MHD_YES;
}

void HttpListener::run()
{
    m_runScheduled = false;
    if (!m_daemon)
        return;
    MHD_run(m_daemon);
    armTimer();
}

void HttpListener::scheduleRun()
{
    if (m_runScheduled)
        return;
    m_runScheduled = true;
    QMetaObject::invokeMethod(this, &HttpListener::run, Qt::QueuedConnection);
}

void HttpListener::armTimer()
{
    MHD_UNSIGNED_LONG_LONG timeout = 0;
    if (MHD_get_timeout(m_daemon, &timeout) == MHD_YES)
        m_timeoutTimer.start(static_cast<int>(qMin<MHD_UNSIGNED_LONG_LONG>(timeout, 60000)));
    else
        m_timeoutTimer.stop();
}

void HttpListener::closeSlowHeaders()
{
    // MHD's own timeout is for idleness; a client dribbling its head byte by byte (slowloris)
    // never goes idle. Shutting the socket down makes MHD close the connection itself.
    const qint64 now = nowMs();
    bool closed = false;
    for (ConnectionState *state : std::as_const(m_connections)) {
        if (!state->readingHead || now - state->waitingSinceMs < m_settings.headerTimeoutMs)
            continue;
        if (const MHD_ConnectionInfo *info = MHD_get_connection_info(state->connection, MHD_CONNECTION_INFO_CONNECTION_FD)) {
            ::shutdown(info->connect_fd, SHUT_RDWR);
            closed = true;
        }
        state->waitingSinceMs = std::numeric_limits<qint64>::max() / 2; // once is enough
    }
    if (closed)
        scheduleRun();
}

} // namespace herald
