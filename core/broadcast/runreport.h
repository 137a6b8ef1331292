#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/responsecomparison.h"
#include "broadcast/targetresult.h"

#include <QByteArray>
#include <QList>

namespace herald {

// A finished run's per-target results as a file (`herald send --report FILE.json|FILE.csv`): one row
// per target with outcome, status, latency, attempts, error and its comparison group.
class RunReport
{
public:
    RunReport(const BroadcastSummary &summary, const QList<TargetResult> &results, const ResponseComparison &comparison);

    // BroadcastJson's document with comparison, each target also carrying "group" (index into
    // "groups", -1 for a target left out).
    QByteArray toJson() const;
    // target,outcome,status,latency_ms,attempts,error,group with RFC 4180 quoting; status and group
    // are empty when there is none.
    QByteArray toCsv() const;
    // Writes the format the name ends with (.json or .csv) atomically; false with *error naming the file.
    bool write(const QString &fileName, QString *error) const;

private:
    BroadcastSummary m_summary;
    QList<TargetResult> m_results;
    ResponseComparison m_comparison;
};

} // namespace herald
