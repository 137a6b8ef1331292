#pragma once

#include "store/historyentry.h"

#include <QAbstractTableModel>

namespace herald {

// The history list, newest first: time, the face that sent it (gui, send, admin), method, path,
// headers and a body summary (so two BANs can be told apart), profile, targets, outcome, duration.
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        FaceColumn,
        MethodColumn,
        PathColumn,
        HeadersColumn,
        BodyColumn,
        ProfileColumn,
        TargetsColumn,
        OutcomeColumn,
        DurationColumn,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;
    void setEntries(const QList<HistoryEntry> &entries);
    HistoryEntry entry(int row) const { return m_entries.value(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<HistoryEntry> m_entries;
};

} // namespace herald
