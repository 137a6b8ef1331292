#pragma once

#include "broadcast/targetresult.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

namespace herald {

class Broadcaster;

// The current target set with each backend's last known result and circuit state, with the
// time until an open circuit's next probe.
class TargetStatusModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TargetColumn, LastStatusColumn, LastLatencyColumn, CircuitColumn, ColumnCount };

    explicit TargetStatusModel(Broadcaster *broadcaster, QObject *parent = nullptr);
    void setTargets(const QList<Target> &targets);
    void remember(const QList<TargetResult> &results);
    Target target(int row) const { return m_targets.value(row); }
    // Closes the row's circuit at once: its next broadcast is sent, not refused.
    void resetCircuit(int row);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void tick();

    Broadcaster *m_broadcaster;
    QTimer m_tick; // counts "probe in N s" down while a circuit is open
    QList<Target> m_targets;
    QHash<QString, TargetResult> m_last;
};

} // namespace herald
