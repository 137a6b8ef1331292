#pragma once

#include "broadcast/broadcastrequest.h"

#include <QList>

namespace herald {

// A request as it travels through the Redis stream: field/value pairs for XADD, and back.
struct RelayEntry
{
    QByteArray id; // the stream entry id, set when read back
    BroadcastRequest request;
    QByteArray origin; // instance id of the publisher, for loop detection
    qint64 timeMs = 0;

    QList<QByteArray> toFields() const;
    // Parses the flat [field, value, ...] list of XREAD; false when a field is missing or malformed.
    static bool fromFields(const QByteArray &id, const QList<QByteArray> &fields, RelayEntry *entry);
};

} // namespace herald
