#include "relay/redisclient.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

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
        std::unique_ptr<Callback> callback(static_cast<Callback *>(privdata));
        (*callback)(copyReply(static_cast<redisReply *>(reply)));
    }
};

RedisClient::RedisClient(const RedisAddress &address, QObject *parent)
    : QObject(parent)
    , m_address(address)
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &RedisClient::connectNow);
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
}

void RedisClient::onConnected(int status)
{
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

void RedisClient::command(const QList<QByteArray> &arguments, Callback callback)
{
    if (!m_ready || !m_context) {
        const QByteArray reason = "Redis unavailable: " + (m_lastError.isEmpty() ? QByteArray("not connected") : m_lastError.toUtf8());
        QMetaObject::invokeMethod(this, [callback, reason] { callback(RedisReply::error(reason)); }, Qt::QueuedConnection);
        return;
    }
    send(arguments, std::move(callback));
}

void RedisClient::send(const QList<QByteArray> &arguments, Callback callback)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(static_cast<size_t>(argument.size()));
    }
    auto *heldCallback = new Callback(std::move(callback));
    if (!m_context
        || redisAsyncCommandArgv(m_context, &Hooks::onReply, heldCallback, static_cast<int>(argv.size()), argv.data(), lengths.data())
               != REDIS_OK) {
        std::unique_ptr<Callback> owned(heldCallback);
        (*owned)(RedisReply::error("Redis unavailable: command not sent"));
    }
}

} // namespace herald
