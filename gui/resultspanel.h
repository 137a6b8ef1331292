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
// per-target table, sortable and filterable, and a resizable details pane for the selected target.
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
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

private:
    void showDetails(const QModelIndex &proxyIndex);
    void updateSummary();

    TargetTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_summary;
    QLineEdit *m_filter;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QSplitter *m_splitter;
};

} // namespace herald
