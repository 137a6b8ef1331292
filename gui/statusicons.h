#pragma once

#include "broadcast/targetresult.h"

#include <QIcon>
#include <QString>

namespace herald {

// The icon and words for a target's live state, shared by the result and target tables.
class StatusIcons
{
public:
    static QIcon icon(const TargetResult &result);
    static QIcon byName(const QString &name); // "ok", "failed", "pending", ...
    // "pending", "sending", "retrying in 2 s", "ok", "failed: timeout", "circuit open", "cancelled".
    static QString text(const TargetResult &result, qint64 elapsedMs);
};

} // namespace herald
