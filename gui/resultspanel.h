#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace herald {

class TargetTableModel;

// The live results of the broadcast tab: a summary line (with whether the policy was met), the
// per-target table, sortable and filterable, grouped by answer (the compared headers chosen above
// it), and a resizable details pane for the selected target.
class ResultsPanel : public QWidget
{
    Q_OBJECT
public:
    ResultsPanel(TargetTableModel *model, QWidget *parent = nullptr);

    QLabel *summaryLabel() const { return m_summary; }
    QString summaryText() const;
    // A new broadcast began: forget the previous run's selection and details.
    void clearDetails();
    void focusFilter();
    QTableView *view() const { return m_view; }
    // The selected targets, as rows of the model, in the model's order.
    QList<int> selectedRows() const;
    // "Age, X-Cache": the response headers the Group column tells answers apart by.
    void setCompareHeaders(const QString &headers);
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

Q_SIGNALS:
    void compareHeadersChanged(const QString &headers);
    void selectionChanged();

private:
    void showDetails(const QModelIndex &proxyIndex);
    void updateSummary();

    TargetTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_summary;
    QLineEdit *m_filter;
    QLineEdit *m_compareHeaders;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QSplitter *m_splitter;
};

} // namespace herald
