#pragma once

#include "relay/redisaddress.h"
#include "relay/relaydelivery.h"
#include "relay/relayentry.h"

#include <QObject>

#include <functional>

namespace herald {

class RedisClient;

// Appends accepted requests to the Redis stream (XADD with MAXLEN ~ retention) and reports the
// entry id only once Redis has stored it: an accepted request is a durable one.
class RelayPublisher : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(bool stored, const QByteArray &idOrError)>;

    // Retention: entries older than maxAgeMs (when > 0), else beyond maxLength (when > 0), are trimmed.
    RelayPublisher(const RedisAddress &address, const QByteArray &stream, qint64 maxLength, int maxAgeMs = 0,
                   QObject *parent = nullptr);
    // Redis must answer each publish within this long, else it fails and the connection is renewed.
    void setTimeoutMs(int timeoutMs);
    void open();
    bool isConnected() const;
    QString lastError() const;
    void publish(const RelayEntry &entry, Done done);
    // Which agents' consumer groups have acknowledged the entry `id` that publish() reported.
    void deliveryOf(const QByteArray &id, RelayDelivery::Done done);
    const QByteArray &stream() const { return m_stream; }
    quint64 published() const { return m_published; }
    quint64 failed() const { return m_failed; }

private:
    RedisClient *m_client;
    QByteArray m_stream;
    qint64 m_maxLength;
    int m_maxAgeMs;
    quint64 m_published = 0;
    quint64 m_failed = 0;
};

} // namespace herald
