#include "targettablemodel.h"

#include "broadcast/broadcast.h"
#include "statusicons.h"

#include <QBrush>
#include <QPalette>

namespace herald {

TargetTableModel::TargetTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(75);
    connect(&m_flushTimer, &QTimer::timeout, this, &TargetTableModel::flush);
}

void TargetTableModel::setBroadcast(Broadcast *broadcast)
{
    if (m_broadcast)
        m_broadcast->disconnect(this);
    beginResetModel();
    m_broadcast = broadcast;
    m_results = broadcast ? broadcast->results() : QList<TargetResult>();
    m_summary = {};
    m_dirty.clear();
    m_comparison = {};
    m_hasRequest = broadcast;
    m_request = broadcast ? broadcast->request() : BroadcastRequest();
    m_options = broadcast ? broadcast->options() : BroadcastOptions();
    endResetModel();
    if (!broadcast)
        return;
    connect(broadcast, &Broadcast::targetUpdated, this, &TargetTableModel::markDirty);
    // The last changes arrive with finished(): show them at once, the object is about to go.
    connect(broadcast, &Broadcast::finished, this, [this, broadcast] {
        for (int row = 0; row < broadcast->targetCount(); ++row)
            m_dirty.insert(row);
        m_results = broadcast->results();
        m_elapsedMs = broadcast->elapsedMs();
        m_summary = broadcast->summary();
        m_comparison = ResponseComparison::compare(m_results, m_compareHeaders);
        flush();
    });
}

void TargetTableModel::setResults(const QList<TargetResult> &results)
{
    if (m_broadcast)
        m_broadcast->disconnect(this);
    beginResetModel();
    m_broadcast = nullptr;
    m_results = results;
    m_summary = {};
    m_dirty.clear();
    m_hasRequest = false;
    m_request = {};
    m_options = {};
    m_comparison = ResponseComparison::compare(m_results, m_compareHeaders);
    endResetModel();
}

void TargetTableModel::setCompareHeaders(const QByteArrayList &headers)
{
    m_compareHeaders = headers;
    // A live broadcast is compared when it ends: hashing every body on each flush would cost more
    // than the table.
    if ((m_broadcast && !m_summary.finished) || m_results.isEmpty())
        return;
    m_comparison = ResponseComparison::compare(m_results, m_compareHeaders);
    Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(m_results.size()) - 1, ColumnCount - 1));
}

QString TargetTableModel::groupName(int group)
{
    if (group < 0)
        return {};
    return group < 26 ? QString(QLatin1Char(char('A' + group))) : QStringLiteral("G%1").arg(group + 1);
}

// The group's letter; an odd one also gets an icon and says "differs" to a screen reader, so colour
// is never the only sign. The letter alone keeps the column narrow enough for a 900 px window.
QVariant TargetTableModel::groupData(int row, int role) const
{
    const int group = m_comparison.groupOf(row);
    if (group < 0)
        return role == Qt::UserRole ? QVariant(-1) : QVariant();
    const bool odd = m_comparison.isOdd(row);
    switch (role) {
    case Qt::DisplayRole:
        return groupName(group);
    case Qt::UserRole:
        return group;
    case Qt::DecorationRole:
        return odd ? StatusIcons::byName(QStringLiteral("failed")) : QVariant();
    case Qt::ToolTipRole:
    case Qt::AccessibleTextRole: {
        const int members = static_cast<int>(m_comparison.groups().at(group).members.size());
        const QString size = tr("answer group %1: %2 of %3 targets").arg(groupName(group)).arg(members).arg(m_results.size());
        return odd ? tr("%1, differs from group %2").arg(size, groupName(m_comparison.majorityGroup())) : size;
    }
    default:
        return {};
    }
}

void TargetTableModel::markDirty(int row)
{
    m_dirty.insert(row);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void TargetTableModel::flush()
{
    if (m_broadcast) {
        for (int row : m_dirty)
            m_results[row] = m_broadcast->result(row);
        m_elapsedMs = m_broadcast->elapsedMs();
    }
    // Merge the changed rows into contiguous ranges: one signal per run of rows.
    auto it = m_dirty.begin();
    while (it != m_dirty.end()) {
        const int first = *it;
        int last = first;
        while (++it != m_dirty.end() && *it == last + 1)
            last = *it;
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    }
    m_dirty.clear();
    // Keep "retrying in N s" counting down while anything is retrying.
    for (const TargetResult &result : std::as_const(m_results)) {
        if (result.state == TargetState::Retrying && m_broadcast) {
            for (int row = 0; row < m_results.size(); ++row) {
                if (m_results.at(row).state == TargetState::Retrying)
                    m_dirty.insert(row);
            }
            m_flushTimer.start(250);
            break;
        }
    }
}

int TargetTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_results.size());
}

int TargetTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TargetTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_results.size())
        return {};
    const TargetResult &result = m_results.at(index.row());
    if (index.column() == GroupColumn && role != Qt::BackgroundRole)
        return groupData(index.row(), role);
    if (role == Qt::BackgroundRole && m_comparison.isOdd(index.row()))
        return QBrush(QColor(255, 236, 179)); // amber: the odd row stands out in every column
    if (role == Qt::ForegroundRole && m_comparison.isOdd(index.row()))
        return QBrush(Qt::black); // readable on amber under a dark theme too
    if (role == Qt::DecorationRole && index.column() == StateColumn)
        return StatusIcons::icon(result);
    if (role == Qt::TextAlignmentRole && index.column() >= CodeColumn && index.column() <= AttemptsColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == ErrorColumn)
        return result.error;
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case CodeColumn:
            return result.status;
        case LatencyColumn:
            return StatusIcons::latency(result).isEmpty() ? -1 : result.latencyMs;
        case AttemptsColumn:
            return static_cast<int>(result.attempts.size());
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TargetColumn:
        return result.target.baseUrl.toString();
    case StateColumn:
        return StatusIcons::text(result, m_elapsedMs);
    case CodeColumn:
        return result.status > 0 ? QVariant(result.status) : QVariant(QStringLiteral("-"));
    case LatencyColumn:
        return StatusIcons::latency(result);
    case AttemptsColumn:
        return static_cast<int>(result.attempts.size());
    case ErrorColumn:
        return result.error;
    }
    return {};
}

QVariant TargetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == GroupColumn)
        return tr("Targets with the same status, body and compared headers share a letter; a warning icon and a shaded "
                  "row mark the answers that differ from most targets");
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    static const QStringList titles = {tr("Target"),   tr("State"), tr("Code"), tr("Latency"),
                                       tr("Attempts"), tr("Group"), tr("Error")};
    return titles.value(section);
}

} // namespace herald
