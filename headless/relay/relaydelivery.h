#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace herald {

class RedisClient;

// Which `herald relay` agents have acknowledged one stream entry, read from Redis without
// blocking: each consumer group's position (XINFO GROUPS) and pending list (XPENDING). That is
// delivery status across the whole fleet, one consumer group per agent.
class RelayDelivery
{
public:
    enum class State {
        Acknowledged, // the group's position passed the entry and it is not pending
        Pending,      // read by the group's agent and not acknowledged yet
        NotDelivered, // the group has not read that far
    };

    struct Group
    {
        QByteArray name;
        State state = State::NotDelivered;
        QByteArray consumer; // Pending: which consumer holds it
        qint64 idleMs = 0;   // Pending: since it was last delivered to that consumer
        qint64 deliveries = 0;
    };

    struct Status
    {
        bool found = false; // the entry is in the stream (not trimmed, not unknown)
        QString error;      // Redis did not answer, or answered an error
        QList<Group> groups;
    };

    using Done = std::function<void(const Status &status)>;

    // Asks Redis about entry `id` of `stream`; `done` runs once, on the event loop.
    static void query(RedisClient *client, const QByteArray &stream, const QByteArray &id, Done done);
    // "1700000000000-0": milliseconds, a dash, a sequence number.
    static bool isEntryId(const QByteArray &id);
    // {"id", "stream", "groups": [{"group", "state", ...}], "summary": {"groups", "acknowledged", "pending", "notDelivered"}}.
    static QJsonObject toJson(const QByteArray &stream, const QByteArray &id, const Status &status);
    static QString stateName(State state);
};

} // namespace herald
