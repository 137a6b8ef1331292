#pragma once

#include "relay/redisaddress.h"
#include "relay/redisreply.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
class QSocketNotifier;

namespace herald {

// An asynchronous Redis connection on the Qt event loop (hiredis underneath, its socket in
// QSocketNotifiers). Authenticates and selects the database, then says connected(); when the
// connection drops it reconnects with capped exponential backoff, never spinning. A Redis that
// stops answering without closing (SIGSTOP, a dead host) counts as dropped after the timeout: the
// commands waiting get an error, and an idle connection is checked with PING meanwhile.
class RedisClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RedisReply &)>;

    explicit RedisClient(const RedisAddress &address, QObject *parent = nullptr);
    ~RedisClient() override;

    // No reply (or no connection) within this long breaks the connection; default 5000 ms.
    void setTimeoutMs(int timeoutMs);
    void open();
    bool isConnected() const { return m_ready; }
    QString lastError() const { return m_lastError; }
    // Sends a command; `callback` always runs once, with an error reply if there is no connection
    // or no answer in time. `blockMs` is how long Redis may legitimately hold it (XREAD BLOCK).
    void command(const QList<QByteArray> &arguments, Callback callback, int blockMs = 0);

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
    void send(const QList<QByteArray> &arguments, Callback callback, int blockMs = 0);
    void expectAnswer(int blockMs);
    void answered();
    void armWatchdog();
    void onWatchdog();
    void abandon(const QString &reason);

    struct Awaited
    {
        qint64 sentMs;
        int blockMs;
    };

    RedisAddress m_address;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    QTimer m_reconnect;
    QTimer m_watchdog;        // fires when the oldest command (or the connect) is overdue
    QTimer m_keepAlive;       // PING on an idle connection, so a silent Redis is noticed without traffic
    QList<Awaited> m_awaited; // in sending order: Redis answers one connection in order
    QElapsedTimer m_clock;
    qint64 m_lastProgressMs = 0;
    int m_timeoutMs = 5000;
    int m_backoffMs = 100;
    bool m_ready = false;
    bool m_closing = false;
    QString m_lastError;
};

} // namespace herald
