#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "broadcast/targetresult.h"

#include <QDateTime>

namespace herald {

class Broadcast;

// One broadcast as kept in the history: what was sent, to whom, and what each target answered.
struct HistoryEntry
{
    qint64 id = 0;
    QDateTime startedAt;
    QString profile;
    QString origin; // the face that sent it: "gui", "send" or "admin" (serve's admin API)
    BroadcastRequest request;
    BroadcastSummary summary;
    QList<TargetResult> results;

    static HistoryEntry fromBroadcast(const Broadcast &broadcast, const QString &origin, const QString &profile = {});
    QString outcomeText() const; // "met", "not met", "no targets"
};

} // namespace herald

Q_DECLARE_METATYPE(herald::HistoryEntry)
