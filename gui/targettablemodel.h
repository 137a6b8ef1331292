#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "broadcast/responsecomparison.h"
#include "broadcast/targetresult.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QTimer>

#include <set>

namespace herald {

class Broadcast;

// One row per target of the broadcast being watched. Follows the Broadcast's signals, but
// batches changed rows and flushes them as contiguous dataChanged ranges at most every 75 ms,
// so a 1,000-target broadcast never floods the view. Keeps its rows after the broadcast ends.
// Qt::UserRole gives each cell's sort key (numbers for code, latency and attempts). Once every
// target is done, the Group column names each answer group (A, B, ...) and marks the odd ones.
class TargetTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TargetColumn, StateColumn, CodeColumn, LatencyColumn, AttemptsColumn, GroupColumn, ErrorColumn, ColumnCount };

    explicit TargetTableModel(QObject *parent = nullptr);

    void setBroadcast(Broadcast *broadcast);
    // Shows finished results (from the history) without a live broadcast.
    void setResults(const QList<TargetResult> &results);
    const QList<TargetResult> &results() const { return m_results; }
    TargetResult result(int row) const { return m_results.value(row); }
    // Set when the watched broadcast finished (policyMet, durationMs); empty before and for history.
    const BroadcastSummary &summary() const { return m_summary; }
    // The watched broadcast's request and options (for curl commands); default ones for history.
    const BroadcastRequest &request() const { return m_request; }
    const BroadcastOptions &options() const { return m_options; }
    bool hasRequest() const { return m_hasRequest; }

    // The response headers that tell answers apart besides status and body ("Age, X-Cache").
    void setCompareHeaders(const QByteArrayList &headers);
    const ResponseComparison &comparison() const { return m_comparison; }
    // "A", "B", ... for group 0, 1, ...; "" for none.
    static QString groupName(int group);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void markDirty(int row);
    void flush();
    QVariant groupData(int row, int role) const;

    QPointer<Broadcast> m_broadcast;
    QList<TargetResult> m_results;
    std::set<int> m_dirty;
    QTimer m_flushTimer;
    qint64 m_elapsedMs = 0;
    BroadcastSummary m_summary;
    BroadcastRequest m_request;
    BroadcastOptions m_options;
    bool m_hasRequest = false;
    QByteArrayList m_compareHeaders;
    ResponseComparison m_comparison;
};

} // namespace herald
