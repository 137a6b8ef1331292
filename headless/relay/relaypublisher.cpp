#include "relay/relaypublisher.h"

#include "relay/redisclient.h"

#include <QDateTime>
#include <QPointer>

namespace herald {

RelayPublisher::RelayPublisher(const RedisAddress &address, const QByteArray &stream, qint64 maxLength, int maxAgeMs,
                               QObject *parent)
    : QObject(parent)
    , m_client(new RedisClient(address, this))
    , m_stream(stream)
    , m_maxLength(maxLength)
    , m_maxAgeMs(maxAgeMs)
{
}

void RelayPublisher::open()
{
    m_client->open();
}

void RelayPublisher::setTimeoutMs(int timeoutMs)
{
    m_client->setTimeoutMs(timeoutMs);
}

bool RelayPublisher::isConnected() const
{
    return m_client->isConnected();
}

QString RelayPublisher::lastError() const
{
    return m_client->lastError();
}

void RelayPublisher::publish(const RelayEntry &entry, Done done)
{
    QList<QByteArray> command = {"XADD", m_stream};
    if (m_maxAgeMs > 0) // stream ids start with their time in milliseconds
        command += {"MINID", "~", QByteArray::number(QDateTime::currentMSecsSinceEpoch() - m_maxAgeMs)};
    else if (m_maxLength > 0)
        command += {"MAXLEN", "~", QByteArray::number(m_maxLength)};
    command.append("*");
    command += entry.toFields();
    QPointer<RelayPublisher> self(this);
    m_client->command(command, [self, done](const RedisReply &reply) {
        const bool stored = !reply.isError() && reply.type == RedisReply::Type::String;
        if (self)
            stored ? ++self->m_published : ++self->m_failed;
        done(stored, reply.text);
    });
}

void RelayPublisher::deliveryOf(const QByteArray &id, RelayDelivery::Done done)
{
    RelayDelivery::query(m_client, m_stream, id, std::move(done));
}

} // namespace herald
