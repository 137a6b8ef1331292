#include "targetstatusmodel.h"

#include "broadcast/broadcaster.h"
#include "statusicons.h"

namespace herald {

TargetStatusModel::TargetStatusModel(Broadcaster *broadcaster, QObject *parent)
    : QAbstractTableModel(parent)
    , m_broadcaster(broadcaster)
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &TargetStatusModel::tick);
    m_tick.start();
}

void TargetStatusModel::tick()
{
    const CircuitBreaker &breaker = m_broadcaster->circuitBreaker();
    for (int row = 0; row < m_targets.size(); ++row) {
        if (breaker.state(m_targets.at(row).key()) != CircuitBreaker::State::Closed)
            Q_EMIT dataChanged(index(row, CircuitColumn), index(row, CircuitColumn));
    }
}

void TargetStatusModel::resetCircuit(int row)
{
    if (row < 0 || row >= m_targets.size())
        return;
    m_broadcaster->circuitBreaker().reset(m_targets.at(row).key());
    Q_EMIT dataChanged(index(row, CircuitColumn), index(row, CircuitColumn));
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
        return known ? StatusIcons::latency(*last) : QString();
    case CircuitColumn: {
        const CircuitBreaker &breaker = m_broadcaster->circuitBreaker();
        const CircuitBreaker::State state = breaker.state(target.key());
        const qint64 wait = breaker.msUntilProbe(target.key(), m_broadcaster->nowMs());
        if (state != CircuitBreaker::State::Open || wait < 0)
            return CircuitBreaker::stateName(state);
        return wait == 0 ? tr("open, probe on the next send") : tr("open, probe in %1 s").arg((wait + 999) / 1000);
    }
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
