#pragma once

#include "broadcast/targetresult.h"

#include <QIcon>
#include <QString>

namespace herald {

// The icon and words for a target's live state and the counts around it, shared by the tables,
// the status line and the confirmation.
class StatusIcons
{
public:
    static QIcon icon(const TargetResult &result);
    static QIcon byName(const QString &name); // "ok", "failed", "pending", ...
    // "pending", "sending", "retrying in 2 s", "ok", "failed: timeout", "circuit open", "cancelled".
    static QString text(const TargetResult &result, qint64 elapsedMs);
    // "1 target", "6 targets"; "1 byte", "8 bytes".
    static QString targetCount(qint64 count);
    static QString byteCount(qint64 count);
    // A latency worth showing: "" for a row that never got an answer (cancelled, circuit open).
    static QString latency(const TargetResult &result);
};

} // namespace herald
