#include "http/httplistener.h"

#include "http/httpconnection.h"
#include "http/httpexchange.h"
#include "http/pendingrequest.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace herald {

Q_LOGGING_CATEGORY(lcListener, "herald.serve")
namespace {

qint64 nowMs()
{
    return QDeadlineTimer::current().deadline();
}

} // namespace

struct HttpListener::Callbacks
{
    static MHD_Result access(void *cls, MHD_Connection *, const char *, const char *method, const char *version,
                             const char *uploadData, size_t *uploadDataSize, void **context)
    {
        auto *exchange = static_cast<HttpExchange *>(*context);
        if (!exchange) // the URI log callback makes one for every request line
            return MHD_NO;
        return static_cast<HttpListener *>(cls)->handleAccess(exchange, method, version, uploadData, uploadDataSize) ? MHD_YES
                                                                                                                     : MHD_NO;
    }

    // The only place MHD shows the request-target before cutting the query off and unescaping it.
    static void *uri(void *cls, const char *uri, MHD_Connection *connection)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        auto *exchange = new HttpExchange(listener->m_nextExchangeId++, connection, uri);
        if (exchange->owner) // the guard lets go of it once it sees the line is in
            exchange->owner->requestLineArrived(nowMs() + listener->m_settings.headerTimeoutMs);
        return exchange;
    }

    static void completed(void *cls, MHD_Connection *connection, void **context, MHD_RequestTerminationCode code)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        if (HttpConnection *owner = HttpConnection::of(connection)) {
            // Until the next request line is in, MHD's idle timeout closes a silent connection; this
            // deadline only bounds a next request line dribbled in slowly from now on.
            const auto *finished = static_cast<HttpExchange *>(*context);
            owner->exchangeCompleted(nowMs() + listener->m_settings.idleTimeoutMs + listener->m_settings.headerTimeoutMs,
                                     finished ? finished->wireBytes : -1);
            listener->m_guard.watch(owner);
            // Draining: a connection that has just finished its answer is between requests, like
            // those stopAccepting() cut, and must not wait for the idle timeout either.
            if (listener->m_quiesced && !owner->cut) {
                owner->shutDown();
                listener->m_guard.unwatch(owner); // MHD must see it close
                listener->scheduleRun();
            }
        }
        auto *exchange = static_cast<HttpExchange *>(*context);
        *context = nullptr;
        if (exchange) {
            listener->m_suspended.remove(exchange->id);
            exchange->finish(code == MHD_REQUEST_TERMINATED_COMPLETED_OK);
            delete exchange;
        }
    }

    static void connectionEvent(void *cls, MHD_Connection *connection, void **socketContext, MHD_ConnectionNotificationCode code)
    {
        auto *listener = static_cast<HttpListener *>(cls);
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
            auto *state = new HttpConnection(connection, nowMs() + listener->m_settings.headerTimeoutMs);
            listener->m_connections.insert(state);
            *socketContext = state;
            listener->m_guard.watch(state);
            if (listener->m_guard.checkAccepted(state, listener->m_settings.maxHeaderBytes))
                listener->m_runAgain = true; // MHD closes what the guard cut on its next run
            return;
        }
        auto *state = static_cast<HttpConnection *>(*socketContext);
        // At the limit MHD took the listening socket out of its epoll set and puts it back only at
        // the start of its next run; clients waiting in the backlog bring no new event: run again.
        if (listener->m_connections.size() >= listener->m_settings.maxConnections)
            listener->scheduleRun();
        listener->m_connections.remove(state);
        listener->m_guard.forget(state); // before MHD closes the socket
        delete state;
        *socketContext = nullptr;
    }

    // MHD unescapes the URL and query arguments in place unless told not to; we forward them as sent.
    static size_t unescape(void *, MHD_Connection *, char *text) { return std::strlen(text); }

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
    m_runTimer.setSingleShot(true);
    m_runTimer.setInterval(0);
    connect(&m_runTimer, &QTimer::timeout, this, &HttpListener::run);
    connect(&m_sweepTimer, &QTimer::timeout, this, &HttpListener::sweep);
}

HttpListener::~HttpListener()
{
    if (!m_daemon)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    delete m_guardNotifier;
    m_guardNotifier = nullptr;
    // MHD refuses to stop while connections are suspended: resume them, to be closed unanswered.
    for (HttpExchange *exchange : std::as_const(m_suspended)) {
        exchange->abandoned = true;
        exchange->resume();
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
    if (settings.maxConnections < 1 || settings.maxHeaderBytes < 1024 || settings.maxBodyBytes < 0 || settings.headerTimeoutMs < 1
        || settings.idleTimeoutMs < 1) {
        *error = QStringLiteral("invalid listener limits (connections >= 1, header bytes >= 1024, body bytes >= 0, timeouts > 0)");
        return false;
    }
    m_tls = !settings.tlsCertFile.isEmpty() || !settings.tlsKeyFile.isEmpty();
    m_guard.setEnabled(!m_tls); // TLS bytes cannot be peeked at
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
    if (!m_tls && m_guard.fd() >= 0) {
        // A parked connection's bytes wake MHD's set no more; the guard's set wakes the loop.
        m_guard.setDaemonEpoll(epollInfo->epoll_fd);
        m_guardNotifier = new QSocketNotifier(m_guard.fd(), QSocketNotifier::Read, this);
        connect(m_guardNotifier, &QSocketNotifier::activated, this, &HttpListener::run);
    }
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
    // pool per connection; room for twice the head limit lets a head up to the limit in a few
    // hundred fields reach our own exact check (431 with a reason) before MHD runs out of pool (its
    // own 431, see listener.md). No more: MHD zeroes the whole pool before every request, and at
    // four times the limit (144 KiB) that cost a quarter of the listener's throughput.
    const size_t pool = static_cast<size_t>(settings.maxHeaderBytes) * 2 + 16 * 1024;
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
    if (settings.reusePort) // the kernel spreads new connections over the sockets bound with it
        options.push_back({MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, nullptr});
    options.push_back({MHD_OPTION_END, 0, nullptr});
    m_startErrors.clear();
    m_starting = true;
    // The logger goes first so that MHD's messages about the other options reach it too.
    m_daemon = MHD_start_daemon(flags, settings.port, nullptr, nullptr, &Callbacks::access, this, MHD_OPTION_EXTERNAL_LOGGER,
                                &Callbacks::log, this, MHD_OPTION_ARRAY, options.data(), MHD_OPTION_END);
    m_starting = false;
    if (m_daemon)
        return true;
    *error = QStringLiteral("cannot listen on %1 port %2: %3")
                 .arg(settings.address == QHostAddress::Any ? QStringLiteral("any address") : settings.address.toString())
                 .arg(settings.port)
                 .arg(m_startErrors.isEmpty() ? QStringLiteral("libmicrohttpd refused to start")
                                              : m_startErrors.join(QLatin1Char(' ')));
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
    for (HttpConnection *connection : std::as_const(m_connections)) {
        if (connection->isBetweenRequests()) {
            connection->shutDown();
            m_guard.unwatch(connection); // MHD must see it close
        }
    }
    scheduleRun();
}

bool HttpListener::handleAccess(HttpExchange *exchange, const char *method, const char *version, const char *uploadData,
                                size_t *uploadDataSize)
{
    if (!exchange->started) // the head is complete
        return exchange->begin(method, version, m_settings.maxHeaderBytes, m_settings.maxBodyBytes, m_tls);
    if (*uploadDataSize > 0) {
        exchange->receiveBody(uploadData, *uploadDataSize, m_settings.maxBodyBytes);
        *uploadDataSize = 0;
        return true;
    }
    if (exchange->abandoned) // resumed only so that MHD closes the connection
        return false;
    if (exchange->overLimit)
        return exchange->refuse(413, QStringLiteral("request body over the limit of %1 bytes").arg(m_settings.maxBodyBytes));
    if (exchange->answerReady)
        return exchange->sendAnswer(m_quiesced);
    if (exchange->pending)
        return true;
    return dispatch(exchange);
}

bool HttpListener::dispatch(HttpExchange *exchange)
{
    exchange->pending = new PendingRequest(this, exchange, std::exchange(exchange->request, {}));
    exchange->inHandler = true;
    Q_EMIT requestReceived(exchange->pending);
    exchange->inHandler = false;
    if (exchange->answerReady) // answered from inside the signal: no need to suspend
        return exchange->sendAnswer(m_quiesced);
    exchange->suspend();
    m_suspended.insert(exchange->id, exchange);
    return true;
}

void HttpListener::deliver(HttpExchange *exchange, const HttpServerResponse &response)
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

void HttpListener::run()
{
    m_runTimer.stop(); // this run is the one it was set for, whichever source called it
    if (!m_daemon)
        return;
    if (m_inRun) { // a nested event loop inside one of our signals: never re-enter MHD
        m_runAgain = true;
        return;
    }
    m_inRun = true;
    // Resumed here, outside MHD's callbacks, and run at once so answers leave without waiting for I/O.
    for (const quint64 id : std::exchange(m_toResume, {})) {
        if (HttpExchange *exchange = m_suspended.take(id))
            exchange->resume();
    }
    // Before MHD reads them: request lines MHD would drop without an answer get one.
    if (m_guard.check(m_settings.maxHeaderBytes))
        m_runAgain = true; // MHD closes what the guard cut on its next run
    MHD_run(m_daemon);
    // libmicrohttpd moves a connection from one answer to reading the next request over several
    // runs, asking each time to be run again at once (a timeout of 0). Those runs are made here,
    // a few at most, instead of costing an event-loop turn each; but not while the guard watches a
    // connection: it parks what it watches only in check(), at the top of a run, and an extra run
    // without it could read a line unjudged (tst_serve's request line without spaces went
    // unanswered so in 2 of 3 full runs).
    for (int extra = 0;
         extra < kExtraRunsPerTurn && m_toResume.isEmpty() && !m_runAgain && !m_guard.isWatching() && wantsRunAtOnce(); ++extra)
        MHD_run(m_daemon);
    m_inRun = false;
    if (std::exchange(m_runAgain, false) || !m_toResume.isEmpty())
        scheduleRun();
    armTimers();
}

bool HttpListener::wantsRunAtOnce() const
{
    MHD_UNSIGNED_LONG_LONG timeout = 0;
    return MHD_get_timeout(m_daemon, &timeout) == MHD_YES && timeout == 0;
}

void HttpListener::scheduleRun()
{
    if (!m_runTimer.isActive())
        m_runTimer.start();
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
    for (HttpConnection *connection : std::as_const(m_connections)) {
        if (connection->isHeadOverdue(now)) {
            connection->cutSlowHead(m_settings.headerTimeoutMs, m_tls);
            m_guard.unwatch(connection); // MHD must see it close
            changed = true;
        }
    }
    // MHD reads nothing from a suspended connection, so it cannot see its client leave; we look.
    QList<PendingRequest *> gone;
    for (HttpExchange *exchange : std::as_const(m_suspended)) {
        if (!exchange->abandoned && exchange->owner && exchange->owner->peerGone()) {
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

} // namespace herald
