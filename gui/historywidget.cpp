#include "historywidget.h"

#include "historymodel.h"
#include "historyworker.h"
#include "requestsummary.h"
#include "targettablemodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace herald {

HistoryWidget::HistoryWidget(HistoryWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_model(new HistoryModel(this))
    , m_results(new TargetTableModel(this))
    , m_filter(new QLineEdit(this))
    , m_outcome(new QComboBox(this))
    , m_list(new QTableView(this))
{
    m_filter->setObjectName(QStringLiteral("historyFilter"));
    m_filter->setPlaceholderText(tr("Filter by method, path or profile"));
    m_filter->setClearButtonEnabled(true);
    m_outcome->setObjectName(QStringLiteral("historyOutcome"));
    m_outcome->addItem(tr("All outcomes"), QString());
    m_outcome->addItem(tr("Policy met"), QStringLiteral("met"));
    m_outcome->addItem(tr("Policy not met"), QStringLiteral("not met"));
    m_outcome->addItem(tr("No targets"), QStringLiteral("no targets"));
    m_filter->setAccessibleName(tr("Filter history"));
    m_outcome->setAccessibleName(tr("Outcome"));
    m_rerun = new QPushButton(tr("Send a&gain"), this);
    m_rerun->setObjectName(QStringLiteral("historyRerunButton"));
    m_rerun->setToolTip(tr("Send this broadcast again to the same targets (the composer takes it once you confirm)"));
    m_rerun->setEnabled(false);
    connect(m_rerun, &QPushButton::clicked, this, [this] {
        if (m_selected.id == 0)
            return;
        QList<Target> targets;
        for (const TargetResult &result : m_selected.results)
            targets.append(result.target);
        Q_EMIT rerunRequested(m_selected, targets);
    });
    m_rerunFailed = new QPushButton(tr("Send again to &failed"), this);
    m_rerunFailed->setObjectName(QStringLiteral("historyRerunFailedButton"));
    m_rerunFailed->setToolTip(tr("Send this broadcast again, only to the targets that failed in it"));
    m_rerunFailed->setEnabled(false);
    connect(m_rerunFailed, &QPushButton::clicked, this, [this] {
        const QList<Target> failed = TargetResult::failedTargets(m_selected.results);
        if (m_selected.id != 0 && !failed.isEmpty())
            Q_EMIT rerunRequested(m_selected, failed);
    });
    m_request = new QPlainTextEdit(this);
    m_request->setObjectName(QStringLiteral("historyRequest"));
    m_request->setAccessibleName(tr("Request of the selected broadcast"));
    m_request->setReadOnly(true);
    m_request->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_request->setPlaceholderText(tr("Select a broadcast to see its request and what each target answered"));

    m_list->setObjectName(QStringLiteral("historyView"));
    m_list->setAccessibleName(tr("History"));
    m_list->setWordWrap(false);
    m_list->setModel(m_model);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->horizontalHeader()->setSectionResizeMode(HistoryModel::HeadersColumn, QHeaderView::Stretch);
    m_list->verticalHeader()->hide();
    auto *results = new QTableView(this);
    results->setObjectName(QStringLiteral("historyResultsView"));
    results->setAccessibleName(tr("Results of the selected broadcast"));
    results->setWordWrap(false);
    results->setModel(m_results);
    results->horizontalHeader()->setStretchLastSection(true);
    results->horizontalHeader()->setSectionResizeMode(TargetTableModel::TargetColumn, QHeaderView::ResizeToContents);
    results->verticalHeader()->hide();
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onSelected(current.row()); });

    connect(m_filter, &QLineEdit::textChanged, this, &HistoryWidget::refresh);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &HistoryWidget::refresh);
    connect(worker, &HistoryWorker::listed, this, &HistoryWidget::onListed);
    connect(worker, &HistoryWorker::loaded, this, [this](const HistoryEntry &entry) {
        if (entry.id != m_model->entry(m_list->currentIndex().row()).id)
            return; // an answer for a row no longer selected
        showEntry(entry);
    });
    connect(worker, &HistoryWorker::recorded, this, &HistoryWidget::refresh);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_outcome);
    filters->addWidget(m_rerun);
    filters->addWidget(m_rerunFailed);
    auto *details = new QSplitter(Qt::Horizontal, this);
    details->addWidget(m_request);
    details->addWidget(results);
    details->setStretchFactor(1, 2);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_list);
    splitter->addWidget(details);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);
}

void HistoryWidget::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void HistoryWidget::refresh()
{
    QMetaObject::invokeMethod(m_worker, "list", Qt::QueuedConnection, Q_ARG(QString, m_filter->text()),
                              Q_ARG(QString, m_outcome->currentData().toString()));
}

void HistoryWidget::onListed(const QList<HistoryEntry> &entries)
{
    // The selected row, loaded or still loading: a refresh (a new record, the tab shown) that
    // arrives between a click and its load must not lose the click.
    const qint64 selected = m_selected.id != 0 ? m_selected.id : m_model->entry(m_list->currentIndex().row()).id;
    m_model->setEntries(entries);
    // Keep the selection only while the filter still shows it: what is not listed is not rerun.
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (selected != 0 && m_model->entry(row).id == selected) {
            m_list->setCurrentIndex(m_model->index(row, 0));
            return;
        }
    }
    showEntry({});
}

void HistoryWidget::showEntry(const HistoryEntry &entry)
{
    m_selected = entry;
    m_results->setResults(entry.results);
    m_request->setPlainText(entry.id == 0 ? QString() : RequestSummary::text(entry.request));
    m_rerun->setEnabled(entry.id != 0);
    m_rerunFailed->setEnabled(entry.id != 0 && !TargetResult::failedTargets(entry.results).isEmpty());
}

void HistoryWidget::onSelected(int row)
{
    const HistoryEntry entry = m_model->entry(row);
    if (entry.id == 0)
        return;
    if (entry.id != m_selected.id) {
        m_selected = {};
        m_rerun->setEnabled(false);
        m_rerunFailed->setEnabled(false);
    }
    QMetaObject::invokeMethod(m_worker, "load", Qt::QueuedConnection, Q_ARG(qint64, entry.id));
}

} // namespace herald
