#pragma once

#include "store/historyentry.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;

namespace herald {

class HistoryModel;
class HistoryWorker;
class TargetTableModel;

// The history view: past broadcasts newest first, filtered by text and outcome; selecting one
// loads its per-target results, and it can be sent again.
class HistoryWidget : public QWidget
{
    Q_OBJECT
public:
    HistoryWidget(HistoryWorker *worker, QWidget *parent = nullptr);
    HistoryModel *model() const { return m_model; }
    TargetTableModel *resultsModel() const { return m_results; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void rerunRequested(const herald::HistoryEntry &entry);

private:
    void onSelected(int row);
    void onListed(const QList<HistoryEntry> &entries);

    HistoryWorker *m_worker;
    HistoryModel *m_model;
    TargetTableModel *m_results;
    QLineEdit *m_filter;
    QComboBox *m_outcome;
    QTableView *m_list;
    QPushButton *m_rerun;
    HistoryEntry m_selected;
};

} // namespace herald
