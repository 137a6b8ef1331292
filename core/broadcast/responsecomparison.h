#pragma once

#include <functional>

#include "broadcast/targetresult.h"

#include <QByteArrayList>
#include <QJsonArray>
#include <QList>
#include <QStringList>

namespace herald {

// Targets of a broadcast grouped by identical answer: status (or, without one, the outcome), body
// and the chosen headers. More than one group means the fleet disagrees, e.g. one cache still HITs.
class ResponseComparison
{
public:
    // One distinct answer and the targets that gave it, by index into the results.
    struct Group
    {
        int status = 0; // 0: no HTTP answer, see outcome
        TargetOutcome outcome = TargetOutcome::None;
        QByteArray bodySha256; // hex, of the kept body (TargetResult::responseBody)
        qint64 bodyBytes = 0;  // the whole body's length as received
        HttpHeaders headers;   // the compared headers that were present, in the order asked for
        QList<int> members;
    };

    ResponseComparison() = default;
    // Targets that are not done yet are left out of every group.
    static ResponseComparison compare(const QList<TargetResult> &results, const QByteArrayList &headers);
    // The same with the `count` results read where they are kept (a Broadcast's own), not copied.
    static ResponseComparison compare(qsizetype count, const TargetResultAt &resultAt, const QByteArrayList &headers);
    // "Age, X-Cache" as a setting gives: names trimmed, empty ones and repeats (any case) dropped.
    static QByteArrayList parseHeaderList(const QString &commaSeparated);

    const QList<Group> &groups() const { return m_groups; }
    bool disagree() const { return m_groups.size() > 1; }
    // The group of result `index`, or -1 when it was left out.
    int groupOf(int index) const { return m_groupOf.value(index, -1); }
    // The group most targets are in (the first of equal ones), -1 with no group: the fleet's answer.
    int majorityGroup() const;
    // Result `index` is in a group other than the majority's: the odd one a face highlights.
    bool isOdd(int index) const;

    // One line per group for a terminal (`herald send` prints them when the targets disagree):
    // `2 targets: 200, 3 bytes, sha256 2c8b1f0a7e3d, X-Cache: MISS: http://a, http://b`.
    QStringList describe(const QList<TargetResult> &results) const;

    // [{"bodyBytes","bodySha256","headers":{...},"outcome","status","targets":[urls]}, ...],
    // keys as QJsonObject sorts them; BroadcastJson writes the same bytes by hand.
    QJsonArray toJson(const QList<TargetResult> &results) const;

private:
    QList<Group> m_groups;
    QList<int> m_groupOf;
};

} // namespace herald
