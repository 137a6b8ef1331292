#include "historywidget.h"

#include "historymodel.h"
#include "historyworker.h"
#include "targettablemodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
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
    auto *rerun = new QPushButton(tr("Send again"), this);
    rerun->setObjectName(QStringLiteral("historyRerunButton"));
    rerun->setToolTip(tr("Load this broadcast into the composer and send it to the same targets"));
    connect(rerun, &QPushButton::clicked, this, [this] {
        if (m_selected.id != 0)
            Q_EMIT rerunRequested(m_selected);
    });

    m_list->setObjectName(QStringLiteral("historyView"));
    m_list->setModel(m_model);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->verticalHeader()->hide();
    auto *results = new QTableView(this);
    results->setObjectName(QStringLiteral("historyResultsView"));
    results->setModel(m_results);
    results->horizontalHeader()->setStretchLastSection(true);
    results->verticalHeader()->hide();
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onSelected(current.row()); });

    connect(m_filter, &QLineEdit::textChanged, this, &HistoryWidget::refresh);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &HistoryWidget::refresh);
    connect(worker, &HistoryWorker::listed, this, [this](const QList<HistoryEntry> &entries) { m_model->setEntries(entries); });
    connect(worker, &HistoryWorker::loaded, this, [this](const HistoryEntry &entry) {
        m_selected = entry;
        m_results->setResults(entry.results);
    });
    connect(worker, &HistoryWorker::recorded, this, &HistoryWidget::refresh);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_outcome);
    filters->addWidget(rerun);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_list);
    splitter->addWidget(results);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);
}

void HistoryWidget::refresh()
{
    QMetaObject::invokeMethod(m_worker, "list", Qt::QueuedConnection, Q_ARG(QString, m_filter->text()),
                              Q_ARG(QString, m_outcome->currentData().toString()));
}

void HistoryWidget::onSelected(int row)
{
    const HistoryEntry entry = m_model->entry(row);
    if (entry.id == 0)
        return;
    QMetaObject::invokeMethod(m_worker, "load", Qt::QueuedConnection, Q_ARG(qint64, entry.id));
}

} // namespace herald
