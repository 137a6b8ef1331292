#pragma once

#include "broadcast/targetresult.h"

#include <QAbstractTableModel>
#include <QHash>

namespace herald {

class Broadcaster;

// The current target set with each backend's last known result and circuit state.
class TargetStatusModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TargetColumn, LastStatusColumn, LastLatencyColumn, CircuitColumn, ColumnCount };

    explicit TargetStatusModel(Broadcaster *broadcaster, QObject *parent = nullptr);
    void setTargets(const QList<Target> &targets);
    void remember(const QList<TargetResult> &results);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    Broadcaster *m_broadcaster;
    QList<Target> m_targets;
    QHash<QString, TargetResult> m_last;
};

} // namespace herald
