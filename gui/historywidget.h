#pragma once

#include "store/historyentry.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace herald {

class HistoryModel;
class HistoryWorker;
class TargetTableModel;

// The history view: past broadcasts of every face newest first, filtered by text and outcome;
// selecting one shows its request and per-target results, and it can be sent again to the same
// targets or to those that failed in it.
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
    // The entry's request, to `targets`: all of the entry's, or the ones that failed in it.
    void rerunRequested(const herald::HistoryEntry &entry, const QList<herald::Target> &targets);

protected:
    // Each time the tab is shown: what `herald send` and serve recorded meanwhile appears.
    void showEvent(QShowEvent *event) override;

private:
    void onSelected(int row);
    void onListed(const QList<HistoryEntry> &entries);
    void showEntry(const HistoryEntry &entry); // the selected entry's details; {} clears them

    HistoryWorker *m_worker;
    HistoryModel *m_model;
    TargetTableModel *m_results;
    QLineEdit *m_filter;
    QComboBox *m_outcome;
    QTableView *m_list;
    QPushButton *m_rerun;
    QPushButton *m_rerunFailed;
    QPlainTextEdit *m_request;
    HistoryEntry m_selected;
};

} // namespace herald
