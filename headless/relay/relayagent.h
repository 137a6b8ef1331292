#pragma once

#include "relay/redisaddress.h"
#include "relay/relayentry.h"
#include "targets/target.h"
#include "targets/targetsourcespec.h"

#include <QElapsedTimer>
#include <QObject>
#include <QQueue>

namespace herald {

class Broadcaster;
class RedisClient;
class TargetSource;
struct RedisReply;

// Reads the stream through its own consumer group and replays each request, in order and one
// at a time, to its local endpoints; acknowledges an entry only once it was delivered or recorded
// as failed. After a restart or a Redis outage it first finishes what it had read but not
// acknowledged, then continues after the last acknowledged entry: nothing is lost.
class RelayAgent : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        RedisAddress redis;
        QByteArray stream = "herald";
        QByteArray name;       // the consumer group: one per agent
        QByteArray instanceId; // this agent's hop in the Via header (loop protection)
        // Requests published under instanceId are not replayed: only when the publisher delivers
        // them itself (HERALD_RELAY_BROADCAST), never by default, or the publisher's own pod
        // would not get them at all.
        bool skipOwn = false;
        TargetSourceSpec endpoints; // a static list, or DNS / SRV names re-resolved as pods come and go
        int retryDeadlineMs = 60000;
        int attemptTimeoutMs = 5000;
        bool fromBeginning = false; // a new group starts at the stream's start instead of its end
        int redisTimeoutMs = 5000;  // a Redis that answers nothing for this long is reconnected
        int stopTimeoutMs = 8000;   // stop() waits this long for the entry under way (docker kills at 10 s)
    };

    RelayAgent(const Settings &settings, QObject *parent = nullptr);
    void start();
    // Graceful stop: reads nothing more, lets the entry under way finish and be acknowledged, then
    // stopped(). Entries read but not begun stay pending in Redis and come again: none is replayed twice.
    void stop();
    TargetSource *endpoints() const { return m_endpoints; }

    bool isConnected() const;
    quint64 replayed() const { return m_replayed; }
    quint64 failed() const { return m_failed; }
    quint64 skipped() const { return m_skipped; }
    qint64 lag() const { return m_lag; }
    QByteArray failedStream() const { return m_settings.stream + ":failed:" + m_settings.name; }

Q_SIGNALS:
    void entryFinished(const QByteArray &id, bool delivered);
    void stopped();

private:
    void onConnected();
    void warnAboutSharedName();
    void read(bool pending);
    void onEntries(const RedisReply &reply, bool pending);
    void processNext();
    void acknowledge(const RelayEntry &entry, bool delivered, const QString &reason);
    bool isOwn(const RelayEntry &entry) const; // published by the instance this agent stands beside
    void updateLag();
    void finishStop();

    Settings m_settings;
    RedisClient *m_redis;
    Broadcaster *m_broadcaster;
    TargetSource *m_endpoints;
    QQueue<RelayEntry> m_queue;
    bool m_busy = false;
    bool m_reading = false;
    bool m_stopping = false;
    bool m_stopSignalled = false;
    int m_acknowledging = 0;       // XACKs (or failure records before them) under way: a stop waits for them
    bool m_drainingPending = true; // after (re)connecting: entries read before but never acknowledged
    bool m_peersChecked = false;   // another live agent with our group name was looked for
    quint64 m_replayed = 0;
    quint64 m_failed = 0;
    quint64 m_skipped = 0;
    qint64 m_lag = -1;
    QElapsedTimer m_waitingForEndpoints;
    quint64 m_generation = 0; // bumped on every (re)connection, so stale replies are ignored
};

} // namespace herald
