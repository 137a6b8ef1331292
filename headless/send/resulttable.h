#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "broadcast/targetresult.h"

#include <QString>

namespace herald {

// Renders a broadcast's per-target results as an aligned text table with a summary line.
class ResultTable
{
public:
    static QString render(const BroadcastRequest &request, const BroadcastSummary &summary, const QList<TargetResult> &results);
    // "9/10 ok, 1 failed, 420 ms"
    static QString summaryLine(const BroadcastSummary &summary);
};

} // namespace herald
