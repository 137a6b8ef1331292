#include "store/historyentry.h"

#include "broadcast/broadcast.h"

namespace herald {

HistoryEntry HistoryEntry::fromBroadcast(const Broadcast &broadcast, const QString &origin, const QString &profile)
{
    HistoryEntry entry;
    entry.startedAt = QDateTime::currentDateTimeUtc().addMSecs(-broadcast.elapsedMs());
    entry.origin = origin;
    entry.profile = profile;
    entry.request = broadcast.request();
    entry.summary = broadcast.summary();
    entry.results = broadcast.results();
    return entry;
}

QString HistoryEntry::outcomeText() const
{
    if (summary.total == 0)
        return QStringLiteral("no targets");
    return summary.policyMet ? QStringLiteral("met") : QStringLiteral("not met");
}

} // namespace herald
