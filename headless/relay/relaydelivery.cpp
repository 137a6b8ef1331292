#include "relay/relaydelivery.h"

#include "relay/redisclient.h"

#include <QJsonArray>
#include <QPointer>
#include <QRegularExpression>

#include <memory>

namespace herald {

namespace {

RelayDelivery::Status failure(const QByteArray &error)
{
    RelayDelivery::Status status;
    status.error = QString::fromUtf8(error);
    return status;
}

// Stream ids order by their milliseconds, then their sequence: "2-0" < "10-0", which bytes would not give.
bool reached(const QByteArray &position, const QByteArray &id)
{
    const QList<QByteArray> a = position.split('-');
    const QList<QByteArray> b = id.split('-');
    const qulonglong aMs = a.value(0).toULongLong();
    const qulonglong bMs = b.value(0).toULongLong();
    return aMs != bMs ? aMs > bMs : a.value(1).toULongLong() >= b.value(1).toULongLong();
}

// XINFO GROUPS answers each group as a flat list of field names and values.
QList<std::pair<QByteArray, QByteArray>> groupPositions(const RedisReply &reply)
{
    QList<std::pair<QByteArray, QByteArray>> groups;
    for (const RedisReply &group : reply.elements) {
        QByteArray name;
        QByteArray lastDelivered;
        for (qsizetype i = 0; i + 1 < group.elements.size(); i += 2) {
            if (group.elements.at(i).text == "name")
                name = group.elements.at(i + 1).text;
            else if (group.elements.at(i).text == "last-delivered-id")
                lastDelivered = group.elements.at(i + 1).text;
        }
        groups.append({name, lastDelivered});
    }
    return groups;
}

void askEachGroup(const QPointer<RedisClient> &client, const QByteArray &stream, const QByteArray &id,
                  const RedisReply &groupsReply, const RelayDelivery::Done &done)
{
    const auto positions = groupPositions(groupsReply);
    auto status = std::make_shared<RelayDelivery::Status>();
    status->found = true;
    if (positions.isEmpty() || !client)
        return done(client ? *status : failure("the Redis connection was closed"));
    auto left = std::make_shared<int>(static_cast<int>(positions.size()));
    for (const auto &[name, lastDelivered] : positions) {
        RelayDelivery::Group group;
        group.name = name;
        group.state = reached(lastDelivered, id) ? RelayDelivery::State::Acknowledged : RelayDelivery::State::NotDelivered;
        status->groups.append(group);
        const int index = static_cast<int>(status->groups.size()) - 1;
        // The range id..id holds at most the one entry: pending, with its consumer, or nothing.
        client->command({"XPENDING", stream, name, id, id, "1"}, [status, left, index, done](const RedisReply &reply) {
            if (reply.isError() && status->error.isEmpty())
                status->error = QString::fromUtf8(reply.text);
            const RedisReply entry = reply.elements.value(0);
            if (entry.elements.size() >= 4) {
                RelayDelivery::Group &group = status->groups[index];
                group.state = RelayDelivery::State::Pending;
                group.consumer = entry.elements.at(1).text;
                group.idleMs = entry.elements.at(2).integer;
                group.deliveries = entry.elements.at(3).integer;
            }
            if (--*left == 0)
                done(status->error.isEmpty() ? *status : failure(status->error.toUtf8()));
        });
    }
}

} // namespace

bool RelayDelivery::isEntryId(const QByteArray &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9]{1,20}-[0-9]{1,20}$"));
    return pattern.match(QString::fromLatin1(id)).hasMatch();
}

void RelayDelivery::query(RedisClient *client, const QByteArray &stream, const QByteArray &id, Done done)
{
    QPointer<RedisClient> guard(client);
    client->command({"XRANGE", stream, id, id, "COUNT", "1"}, [guard, stream, id, done](const RedisReply &entry) {
        if (entry.isError())
            return done(failure(entry.text));
        if (entry.elements.isEmpty())
            return done(Status{}); // never published, or trimmed by the stream's retention
        if (!guard)
            return done(failure("the Redis connection was closed"));
        guard->command({"XINFO", "GROUPS", stream}, [guard, stream, id, done](const RedisReply &groups) {
            if (groups.isError())
                return done(failure(groups.text));
            askEachGroup(guard, stream, id, groups, done);
        });
    });
}

QString RelayDelivery::stateName(State state)
{
    switch (state) {
    case State::Acknowledged:
        return QStringLiteral("acknowledged");
    case State::Pending:
        return QStringLiteral("pending");
    case State::NotDelivered:
        return QStringLiteral("not-delivered");
    }
    return {};
}

QJsonObject RelayDelivery::toJson(const QByteArray &stream, const QByteArray &id, const Status &status)
{
    QJsonArray groups;
    int counts[3] = {0, 0, 0};
    for (const Group &group : status.groups) {
        ++counts[static_cast<int>(group.state)];
        QJsonObject entry{{QLatin1String("group"), QString::fromUtf8(group.name)},
                          {QLatin1String("state"), stateName(group.state)}};
        if (group.state == State::Pending) {
            entry.insert(QLatin1String("consumer"), QString::fromUtf8(group.consumer));
            entry.insert(QLatin1String("idleMs"), group.idleMs);
            entry.insert(QLatin1String("deliveries"), group.deliveries);
        }
        groups.append(entry);
    }
    const QJsonObject summary{{QLatin1String("groups"), static_cast<int>(status.groups.size())},
                              {QLatin1String("acknowledged"), counts[static_cast<int>(State::Acknowledged)]},
                              {QLatin1String("pending"), counts[static_cast<int>(State::Pending)]},
                              {QLatin1String("notDelivered"), counts[static_cast<int>(State::NotDelivered)]}};
    return {{QLatin1String("id"), QString::fromLatin1(id)},
            {QLatin1String("relay"), true},
            {QLatin1String("stream"), QString::fromUtf8(stream)},
            {QLatin1String("groups"), groups},
            {QLatin1String("summary"), summary}};
}

} // namespace herald
