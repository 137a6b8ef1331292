#include "targetstatusmodel.h"

#include "broadcast/broadcaster.h"
#include "statusicons.h"

namespace herald {

TargetStatusModel::TargetStatusModel(Broadcaster *broadcaster, QObject *parent)
    : QAbstractTableModel(parent)
    , m_broadcaster(broadcaster)
{
}

void TargetStatusModel::setTargets(const QList<Target> &targets)
{
    beginResetModel();
    m_targets = targets;
    endResetModel();
}

void TargetStatusModel::remember(const QList<TargetResult> &results)
{
    for (const TargetResult &result : results)
        m_last.insert(result.target.key(), result);
    if (!m_targets.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(m_targets.size()) - 1, ColumnCount - 1));
}

int TargetStatusModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_targets.size());
}

int TargetStatusModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TargetStatusModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_targets.size())
        return {};
    const Target &target = m_targets.at(index.row());
    const auto last = m_last.constFind(target.key());
    const bool known = last != m_last.cend();
    if (role == Qt::DecorationRole && index.column() == LastStatusColumn && known)
        return StatusIcons::icon(*last);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TargetColumn:
        return target.baseUrl.toString();
    case LastStatusColumn:
        if (!known)
            return tr("not contacted yet");
        return last->status > 0 ? QStringLiteral("%1 (%2)").arg(last->status).arg(targetOutcomeName(last->outcome))
                                : targetOutcomeName(last->outcome);
    case LastLatencyColumn:
        return known ? QStringLiteral("%1 ms").arg(last->latencyMs) : QString();
    case CircuitColumn:
        return CircuitBreaker::stateName(m_broadcaster->circuitBreaker().state(target.key()));
    }
    return {};
}

QVariant TargetStatusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList titles = {tr("Target"), tr("Last result"), tr("Latency"), tr("Circuit")};
    return titles.value(section);
}

} // namespace herald
