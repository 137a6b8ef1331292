#include "relay/redisclient.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <utility>
#include <vector>

Q_LOGGING_CATEGORY(lcRelay, "herald.relay")

namespace herald {

namespace {

RedisReply copyReply(const redisReply *reply)
{
    RedisReply copy;
    if (!reply)
        return RedisReply::error("connection lost");
    switch (reply->type) {
    case REDIS_REPLY_ERROR:
        copy.type = RedisReply::Type::Error;
        break;
    case REDIS_REPLY_STATUS:
        copy.type = RedisReply::Type::Status;
        break;
    case REDIS_REPLY_INTEGER:
        copy.type = RedisReply::Type::Integer;
        copy.integer = reply->integer;
        return copy;
    case REDIS_REPLY_STRING:
        copy.type = RedisReply::Type::String;
        break;
    case REDIS_REPLY_ARRAY:
        copy.type = RedisReply::Type::Array;
        for (size_t i = 0; i < reply->elements; ++i)
            copy.elements.append(copyReply(reply->element[i]));
        return copy;
    default:
        copy.type = RedisReply::Type::Nil;
        return copy;
    }
    copy.text = QByteArray(reply->str, static_cast<qsizetype>(reply->len));
    return copy;
}

} // namespace

// hiredis's event hooks and callbacks; `data` is the RedisClient.
struct RedisClient::Hooks
{
    struct Pending
    {
        Callback callback;
        RedisClient *client; // outlives its context: the destructor frees it
    };

    static RedisClient *client(const redisAsyncContext *context) { return static_cast<RedisClient *>(context->data); }

    static void addRead(void *data)
    {
        auto *self = static_cast<RedisClient *>(data);
        if (self->m_read) {
            self->m_read->setEnabled(true);
            return;
        }
        self->m_read = new QSocketNotifier(self->m_context->c.fd, QSocketNotifier::Read, self);
        QObject::connect(self->m_read, &QSocketNotifier::activated, self, [self] {
            if (self->m_context)
                redisAsyncHandleRead(self->m_context);
        });
    }
    static void delRead(void *data)
    {
        auto *self = static_cast<RedisClient *>(data);
        if (self->m_read)
            self->m_read->setEnabled(false);
    }
    static void addWrite(void *data)
    {
        auto *self = static_cast<RedisClient *>(data);
        if (self->m_write) {
            self->m_write->setEnabled(true);
            return;
        }
        self->m_write = new QSocketNotifier(self->m_context->c.fd, QSocketNotifier::Write, self);
        QObject::connect(self->m_write, &QSocketNotifier::activated, self, [self] {
            if (self->m_context)
                redisAsyncHandleWrite(self->m_context);
        });
    }
    static void delWrite(void *data)
    {
        auto *self = static_cast<RedisClient *>(data);
        if (self->m_write)
            self->m_write->setEnabled(false);
    }
    static void cleanup(void *data)
    {
        // Called from inside hiredis, possibly from a notifier's own slot: delete later.
        auto *self = static_cast<RedisClient *>(data);
        for (QSocketNotifier **notifier : {&self->m_read, &self->m_write}) {
            if (*notifier) {
                (*notifier)->setEnabled(false);
                (*notifier)->deleteLater();
                *notifier = nullptr;
            }
        }
    }
    static void onConnect(const redisAsyncContext *context, int status)
    {
        if (RedisClient *self = client(context))
            self->onConnected(status == REDIS_OK ? REDIS_OK : REDIS_ERR);
    }
    static void onDisconnect(const redisAsyncContext *context, int status)
    {
        RedisClient *self = client(context);
        if (!self)
            return;
        const QString reason = status == REDIS_OK ? QStringLiteral("closed") : QString::fromLocal8Bit(context->errstr);
        self->m_context = nullptr; // hiredis frees it after this callback
        self->onDisconnected(reason);
    }
    static void onReply(redisAsyncContext *, void *reply, void *privdata)
    {
        std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
        RedisClient *self = pending->client;
        self->answered();
        // No reply: the connection went away, for the reason the client recorded (a timeout, say).
        if (!reply && !self->m_lastError.isEmpty())
            pending->callback(RedisReply::error("Redis unavailable: " + self->m_lastError.toUtf8()));
        else
            pending->callback(copyReply(static_cast<redisReply *>(reply)));
    }
};

RedisClient::RedisClient(const RedisAddress &address, QObject *parent)
    : QObject(parent)
    , m_address(address)
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &RedisClient::connectNow);
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, &RedisClient::onWatchdog);
    connect(&m_keepAlive, &QTimer::timeout, this, [this] {
        if (m_ready && m_awaited.isEmpty())
            send({"PING"}, [](const RedisReply &) {});
    });
    setTimeoutMs(m_timeoutMs);
    m_clock.start();
}

void RedisClient::setTimeoutMs(int timeoutMs)
{
    m_timeoutMs = qMax(1, timeoutMs);
    // Checked at least once a second, so /readyz turns within about timeout + 1 s of Redis going silent.
    m_keepAlive.setInterval(qMin(m_timeoutMs, 1000));
}

RedisClient::~RedisClient()
{
    m_closing = true;
    if (m_context) {
        redisAsyncContext *context = m_context;
        m_context = nullptr;
        context->data = nullptr;
        redisAsyncFree(context); // runs pending callbacks with no reply
    }
}

void RedisClient::open()
{
    connectNow();
}

void RedisClient::connectNow()
{
    if (m_context || m_closing)
        return;
    m_context = redisAsyncConnect(m_address.host.toLatin1().constData(), m_address.port);
    if (!m_context || m_context->err) {
        m_lastError = m_context ? QString::fromLocal8Bit(m_context->errstr) : QStringLiteral("out of memory");
        if (m_context)
            redisAsyncFree(m_context);
        m_context = nullptr;
        scheduleReconnect();
        return;
    }
    m_context->data = this;
    m_context->ev.data = this;
    m_context->ev.addRead = &Hooks::addRead;
    m_context->ev.delRead = &Hooks::delRead;
    m_context->ev.addWrite = &Hooks::addWrite;
    m_context->ev.delWrite = &Hooks::delWrite;
    m_context->ev.cleanup = &Hooks::cleanup;
    redisAsyncSetConnectCallback(m_context, &Hooks::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &Hooks::onDisconnect);
    expectAnswer(0); // the connect itself is held to the timeout too
}

void RedisClient::onConnected(int status)
{
    answered();
    if (status != REDIS_OK) {
        m_lastError = m_context ? QString::fromLocal8Bit(m_context->errstr) : QStringLiteral("connection failed");
        m_context = nullptr; // hiredis frees a context whose connect failed
        scheduleReconnect();
        return;
    }
    const auto afterAuth = [this](const RedisReply &reply) {
        if (reply.isError()) {
            m_lastError = QStringLiteral("AUTH: ") + QString::fromUtf8(reply.text);
            qCWarning(lcRelay).noquote() << m_address.masked() << m_lastError;
            return;
        }
        send({"SELECT", QByteArray::number(m_address.database)}, [this](const RedisReply &selected) {
            if (selected.isError()) {
                m_lastError = QStringLiteral("SELECT: ") + QString::fromUtf8(selected.text);
                return;
            }
            m_ready = true;
            m_backoffMs = 100;
            m_lastError.clear();
            m_keepAlive.start();
            qCInfo(lcRelay).noquote() << "connected to" << m_address.masked();
            Q_EMIT connected();
        });
    };
    if (m_address.password.isEmpty()) {
        afterAuth(RedisReply{RedisReply::Type::Status, "OK", 0, {}});
        return;
    }
    QList<QByteArray> auth = {"AUTH"};
    if (!m_address.user.isEmpty())
        auth.append(m_address.user.toUtf8());
    auth.append(m_address.password.toUtf8());
    send(auth, afterAuth);
}

void RedisClient::onDisconnected(const QString &reason)
{
    const bool wasReady = m_ready;
    m_ready = false;
    m_keepAlive.stop();
    m_awaited.clear();
    m_watchdog.stop();
    m_lastError = reason;
    if (m_closing)
        return;
    if (wasReady)
        qCWarning(lcRelay).noquote() << "lost" << m_address.masked() << ":" << reason;
    Q_EMIT disconnected(reason);
    scheduleReconnect();
}

void RedisClient::scheduleReconnect()
{
    if (m_closing || m_reconnect.isActive())
        return;
    // Capped exponential backoff with jitter: a Redis outage never becomes a busy loop.
    const int delay = m_backoffMs + static_cast<int>(QRandomGenerator::global()->bounded(m_backoffMs / 2 + 1));
    m_backoffMs = qMin(m_backoffMs * 2, 5000);
    m_reconnect.start(delay);
}

void RedisClient::command(const QList<QByteArray> &arguments, Callback callback, int blockMs)
{
    if (!m_ready || !m_context) {
        const QByteArray reason = "Redis unavailable: "
                                  + (m_lastError.isEmpty() ? QByteArray("not connected") : m_lastError.toUtf8());
        QMetaObject::invokeMethod(
            this, [callback, reason] { callback(RedisReply::error(reason)); }, Qt::QueuedConnection);
        return;
    }
    send(arguments, std::move(callback), blockMs);
}

void RedisClient::send(const QList<QByteArray> &arguments, Callback callback, int blockMs)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(static_cast<size_t>(argument.size()));
    }
    auto *pending = new Hooks::Pending{std::move(callback), this};
    if (!m_context
        || redisAsyncCommandArgv(m_context, &Hooks::onReply, pending, static_cast<int>(argv.size()), argv.data(), lengths.data())
               != REDIS_OK) {
        std::unique_ptr<Hooks::Pending> owned(pending);
        owned->callback(RedisReply::error("Redis unavailable: command not sent"));
        return;
    }
    expectAnswer(blockMs);
}

void RedisClient::expectAnswer(int blockMs)
{
    if (m_awaited.isEmpty())
        m_lastProgressMs = m_clock.elapsed();
    m_awaited.append({m_clock.elapsed(), blockMs});
    if (m_awaited.size() == 1)
        armWatchdog();
}

void RedisClient::answered()
{
    if (m_awaited.isEmpty())
        return;
    m_awaited.removeFirst();
    m_lastProgressMs = m_clock.elapsed();
    armWatchdog();
}

// The oldest command is overdue when neither it nor anything before it was answered for the
// timeout (plus the time it may block): commands queued behind a slow one are not blamed for it.
void RedisClient::armWatchdog()
{
    if (m_awaited.isEmpty()) {
        m_watchdog.stop();
        return;
    }
    const Awaited &oldest = m_awaited.first();
    const qint64 due = qMax(oldest.sentMs, m_lastProgressMs) + m_timeoutMs + oldest.blockMs;
    m_watchdog.start(static_cast<int>(qMax<qint64>(0, due - m_clock.elapsed())));
}

void RedisClient::onWatchdog()
{
    if (m_awaited.isEmpty())
        return;
    const Awaited &oldest = m_awaited.first();
    if (m_clock.elapsed() < qMax(oldest.sentMs, m_lastProgressMs) + m_timeoutMs + oldest.blockMs) {
        armWatchdog();
        return;
    }
    abandon(QStringLiteral("no answer within %1 ms").arg(m_timeoutMs));
}

// Redis holds the connection open but answers nothing: close it ourselves and reconnect.
void RedisClient::abandon(const QString &reason)
{
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    if (!context)
        return;
    const bool wasReady = m_ready;
    m_ready = false;
    m_lastError = reason;
    context->data = nullptr; // no disconnect callback: handled below, whether it had connected or not
    redisAsyncFree(context); // every command waiting gets an error reply with `reason`
    if (wasReady)
        qCWarning(lcRelay).noquote() << "lost" << m_address.masked() << ":" << reason;
    onDisconnected(reason);
}

} // namespace herald
