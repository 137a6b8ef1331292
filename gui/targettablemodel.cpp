#include "targettablemodel.h"

#include "broadcast/broadcast.h"
#include "statusicons.h"

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
    endResetModel();
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
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList titles = {tr("Target"), tr("State"), tr("Code"), tr("Latency"), tr("Attempts"), tr("Error")};
    return titles.value(section);
}

} // namespace herald
