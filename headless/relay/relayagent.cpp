#include "relay/relayagent.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "relay/redisclient.h"
#include "targets/targetsource.h"
#include "transport/transportfactory.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcRelay)

namespace herald {

RelayAgent::RelayAgent(const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_redis(new RedisClient(settings.redis, this))
    // Herald's own client (https through libcurl), as herald serve's default: QNAM added Connection:
    // Keep-Alive, Accept-Encoding and Accept-Language, which the client never sent and a backend may
    // vary its answer on.
    , m_broadcaster(new Broadcaster(createTransport(TransportKind::Lean), this))
    , m_endpoints(TargetSource::create(settings.endpoints, this))
{
    m_redis->setTimeoutMs(settings.redisTimeoutMs);
    m_broadcaster->headerPolicy().instanceId = settings.instanceId;
    // The agent keeps retrying until its deadline; a breaker would turn that into skipped entries.
    m_broadcaster->circuitBreaker().failureThreshold = 0;
    connect(m_redis, &RedisClient::connected, this, &RelayAgent::onConnected);
    connect(m_redis, &RedisClient::disconnected, this, [this] {
        ++m_generation;
        m_reading = false;
    });
}

bool RelayAgent::isConnected() const
{
    return m_redis->isConnected();
}

void RelayAgent::start()
{
    m_endpoints->refresh();
    m_redis->open();
}

void RelayAgent::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcRelay).noquote() << "stopping:" << (m_busy || m_acknowledging > 0 ? "finishing the entry under way" : "idle");
    QTimer::singleShot(m_settings.stopTimeoutMs, this, [this] {
        if (m_stopSignalled)
            return;
        m_stopSignalled = true;
        qCWarning(lcRelay) << "stop timeout reached with an entry unfinished; it stays pending and comes again";
        Q_EMIT stopped();
    });
    finishStop();
}

void RelayAgent::finishStop()
{
    if (m_stopping && !m_stopSignalled && !m_busy && m_acknowledging == 0) {
        m_stopSignalled = true;
        Q_EMIT stopped();
    }
}

void RelayAgent::onConnected()
{
    ++m_generation;
    m_reading = false;
    m_drainingPending = true;
    const QByteArray start = m_settings.fromBeginning ? "0" : "$";
    QPointer<RelayAgent> self(this);
    warnAboutSharedName();
    m_redis->command({"XGROUP", "CREATE", m_settings.stream, m_settings.name, start, "MKSTREAM"}, [self](const RedisReply &reply) {
        if (!self)
            return;
        // BUSYGROUP: the group exists, so its position is kept from before.
        if (reply.isError() && !reply.text.startsWith("BUSYGROUP"))
            qCWarning(lcRelay).noquote() << "XGROUP CREATE:" << QString::fromUtf8(reply.text);
        if (!self->m_busy && self->m_acknowledging == 0)
            self->read(self->m_drainingPending);
    });
}

// Two agents reading one consumer group split its entries between them, so each backend gets only
// part of them; on one host that happens when both keep the default name, the host name. Each
// agent names its connection after its group, so a live one is told from a gone one (a restart).
void RelayAgent::warnAboutSharedName()
{
    const QByteArray prefix = "herald-relay:" + m_settings.stream + ":" + m_settings.name + ":";
    const QByteArray mine = prefix + QHostInfo::localHostName().toUtf8() + ":"
                            + QByteArray::number(QCoreApplication::applicationPid());
    m_redis->command({"CLIENT", "SETNAME", mine}, [](const RedisReply &) {});
    if (m_peersChecked)
        return;
    m_peersChecked = true;
    QPointer<RelayAgent> self(this);
    m_redis->command({"CLIENT", "LIST", "TYPE", "normal"},
                     [self, prefix, mine](const RedisReply &reply) {
                         if (!self || reply.isError()) // an ACL may forbid CLIENT LIST: then nothing to say
                             return;
                         QByteArrayList others;
                         for (const QByteArray &line : reply.text.split('\n')) {
                             const int at = line.indexOf(" name=");
                             if (at < 0)
                                 continue;
                             const QByteArray name = line.mid(at + 6, line.indexOf(' ', at + 6) - at - 6);
                             if (name.startsWith(prefix) && name != mine)
                                 others.append(name.mid(prefix.size()));
                         }
                         if (!others.isEmpty())
                             qCWarning(lcRelay).noquote()
                                 << QStringLiteral(
                                        "another agent already reads consumer group '%1' (%2): the two share its entries, so "
                                        "each endpoint gets only part of them; give every agent its own HERALD_RELAY_NAME")
                                        .arg(QString::fromUtf8(self->m_settings.name), QString::fromUtf8(others.join(", ")));
                     });
}

void RelayAgent::read(bool pending)
{
    if (m_reading || m_stopping || !m_redis->isConnected())
        return;
    m_reading = true;
    // Pending first ("0": read before, never acknowledged), then new entries (">").
    QList<QByteArray> command = {"XREADGROUP", "GROUP", m_settings.name, m_settings.name, "COUNT", "50"};
    if (!pending)
        command += {"BLOCK", "2000"};
    command += {"STREAMS", m_settings.stream, pending ? QByteArray("0") : QByteArray(">")};
    const quint64 generation = m_generation;
    QPointer<RelayAgent> self(this);
    m_redis->command(
        command,
        [self, pending, generation](const RedisReply &reply) {
            if (!self || generation != self->m_generation)
                return;
            self->m_reading = false;
            self->onEntries(reply, pending);
        },
        pending ? 0 : 2000);
}

void RelayAgent::onEntries(const RedisReply &reply, bool pending)
{
    if (reply.isError()) {
        qCWarning(lcRelay).noquote() << "XREADGROUP:" << QString::fromUtf8(reply.text);
        return; // the reconnect (or the next connected()) starts reading again
    }
    int count = 0;
    // [[stream, [[id, [field, value, ...]], ...]]], or nil when BLOCK timed out.
    for (const RedisReply &stream : reply.elements) {
        for (const RedisReply &item : stream.elements.value(1).elements) {
            QList<QByteArray> fields;
            for (const RedisReply &field : item.elements.value(1).elements)
                fields.append(field.text);
            RelayEntry entry;
            const QByteArray id = item.elements.value(0).text;
            ++count;
            if (!RelayEntry::fromFields(id, fields, &entry)) {
                entry.id = id;
                acknowledge(entry, false, QStringLiteral("malformed entry"));
                continue;
            }
            m_queue.enqueue(entry);
        }
    }
    updateLag();
    if (pending && count == 0)
        m_drainingPending = false;
    if (!m_queue.isEmpty())
        processNext();
    else
        read(m_drainingPending);
}

void RelayAgent::processNext()
{
    if (m_busy || m_acknowledging > 0)
        return;
    if (m_stopping) {
        finishStop();
        return;
    }
    if (m_queue.isEmpty()) {
        read(m_drainingPending);
        return;
    }
    // Endpoints from DNS may not be resolved yet: wait (up to the retry deadline) rather than fail.
    if (m_endpoints->targets().isEmpty() && !isOwn(m_queue.head())) {
        if (!m_waitingForEndpoints.isValid())
            m_waitingForEndpoints.start();
        if (m_waitingForEndpoints.elapsed() < m_settings.retryDeadlineMs) {
            m_busy = true;
            m_endpoints->refresh();
            QTimer::singleShot(500, this, [this] {
                m_busy = false;
                processNext();
            });
            return;
        }
    }
    m_waitingForEndpoints.invalidate();
    const RelayEntry entry = m_queue.dequeue();
    if (isOwn(entry)) {
        ++m_skipped;
        acknowledge(entry, true, QStringLiteral("own request, not replayed"));
        return;
    }
    m_busy = true;
    BroadcastOptions options;
    options.retry.maxRetries = 1000000; // bounded by the deadline below
    options.retry.baseDelayMs = 200;
    options.retry.maxDelayMs = 5000;
    options.attemptTimeoutMs = m_settings.attemptTimeoutMs;
    options.deadlineMs = m_settings.retryDeadlineMs;
    // Still no endpoints after the deadline: "no targets", recorded as failed, never lost silently.
    Broadcast *broadcast = m_broadcaster->start(entry.request, m_endpoints->targets(), options);
    connect(broadcast, &Broadcast::finished, this, [this, broadcast, entry] {
        m_busy = false;
        const BroadcastSummary summary = broadcast->summary();
        QString reason;
        for (const TargetResult &result : broadcast->results()) {
            if (!result.succeeded())
                reason += QStringLiteral("%1: %2; ").arg(result.target.key(), result.error);
        }
        acknowledge(entry, summary.policyMet, reason);
    });
}

void RelayAgent::acknowledge(const RelayEntry &entry, bool delivered, const QString &reason)
{
    ++m_acknowledging;
    QPointer<RelayAgent> self(this);
    const auto ack = [self, entry, delivered] {
        if (!self)
            return;
        self->m_redis->command({"XACK", self->m_settings.stream, self->m_settings.name, entry.id},
                               [self, entry, delivered](const RedisReply &reply) {
                                   if (!self)
                                       return;
                                   --self->m_acknowledging;
                                   if (reply.isError()) {
                                       // Not acknowledged: it stays pending and is replayed after reconnecting.
                                       qCWarning(lcRelay).noquote() << "XACK" << entry.id << QString::fromUtf8(reply.text);
                                       self->finishStop();
                                       return;
                                   }
                                   Q_EMIT self->entryFinished(entry.id, delivered);
                                   self->processNext();
                               });
    };
    if (delivered) {
        if (reason.isEmpty() || !isOwn(entry))
            ++m_replayed;
        ack();
        return;
    }
    ++m_failed;
    qCWarning(lcRelay).noquote() << "entry" << entry.id << QString::fromLatin1(entry.request.method)
                                 << QString::fromUtf8(entry.request.pathAndQuery) << "failed:" << reason;
    // Kept for operators: the failure list is a stream of its own.
    m_redis->command({"XADD", failedStream(), "MAXLEN", "~", "10000", "*", "entry", entry.id, "method", entry.request.method,
                      "path", entry.request.pathAndQuery, "reason", reason.toUtf8(), "time",
                      QByteArray::number(QDateTime::currentMSecsSinceEpoch())},
                     [ack](const RedisReply &) { ack(); });
}

bool RelayAgent::isOwn(const RelayEntry &entry) const
{
    return m_settings.skipOwn && entry.origin == m_settings.instanceId;
}

void RelayAgent::updateLag()
{
    QPointer<RelayAgent> self(this);
    m_redis->command({"XINFO", "GROUPS", m_settings.stream}, [self](const RedisReply &reply) {
        if (!self)
            return;
        for (const RedisReply &group : reply.elements) {
            const QList<RedisReply> &fields = group.elements;
            QByteArray name;
            qint64 lag = -1;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (fields.at(i).text == "name")
                    name = fields.at(i + 1).text;
                else if (fields.at(i).text == "lag")
                    lag = fields.at(i + 1).integer;
            }
            if (name == self->m_settings.name)
                self->m_lag = lag;
        }
    });
}

} // namespace herald
