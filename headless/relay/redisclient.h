#pragma once

#include "relay/redisaddress.h"
#include "relay/redisreply.h"

#include <QObject>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
class QSocketNotifier;

namespace herald {

// An asynchronous Redis connection on the Qt event loop (hiredis underneath, its socket in
// QSocketNotifiers). Authenticates and selects the database, then says connected(); when the
// connection drops it reconnects with capped exponential backoff, never spinning.
class RedisClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RedisReply &)>;

    explicit RedisClient(const RedisAddress &address, QObject *parent = nullptr);
    ~RedisClient() override;

    void open();
    bool isConnected() const { return m_ready; }
    QString lastError() const { return m_lastError; }
    // Sends a command; `callback` always runs once, with an error reply if there is no connection.
    void command(const QList<QByteArray> &arguments, Callback callback);

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);

private:
    struct Hooks;
    friend struct Hooks;

    void connectNow();
    void onConnected(int status);
    void onDisconnected(const QString &reason);
    void scheduleReconnect();
    void send(const QList<QByteArray> &arguments, Callback callback);

    RedisAddress m_address;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    QTimer m_reconnect;
    int m_backoffMs = 100;
    bool m_ready = false;
    bool m_closing = false;
    QString m_lastError;
};

} // namespace herald
