#pragma once

#include <QByteArray>
#include <QList>

namespace herald {

// A Redis reply copied out of hiredis, so it outlives the callback that delivered it.
struct RedisReply
{
    enum class Type { Error, Status, Integer, String, Array, Nil };

    Type type = Type::Nil;
    QByteArray text; // String, Status, Error
    qint64 integer = 0;
    QList<RedisReply> elements;

    bool isError() const { return type == Type::Error; }
    static RedisReply error(const QByteArray &message) { return {Type::Error, message, 0, {}}; }
};

} // namespace herald
