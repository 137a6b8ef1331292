#include "resultspanel.h"

#include "statusicons.h"
#include "targettablemodel.h"

#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace herald {

ResultsPanel::ResultsPanel(TargetTableModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_summary(new QLabel(tr("No broadcast yet"), this))
    , m_filter(new QLineEdit(this))
    , m_compareHeaders(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setAccessibleName(tr("Summary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_summary->setWordWrap(true); // a long "policy not met (...)" must not widen the window
    m_filter->setObjectName(QStringLiteral("resultsFilter"));
    m_filter->setAccessibleName(tr("Filter results"));
    m_filter->setPlaceholderText(tr("Filter targets by URL, state, code or error (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(Qt::UserRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_compareHeaders->setObjectName(QStringLiteral("compareHeadersEdit"));
    m_compareHeaders->setAccessibleName(tr("Compare headers"));
    m_compareHeaders->setToolTip(tr("Response headers that set targets apart in the Group column, besides status and body"));
    m_compareHeaders->setPlaceholderText(tr("e.g. Age, X-Cache"));
    connect(m_compareHeaders, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setCompareHeaders(ResponseComparison::parseHeaderList(text));
        Q_EMIT compareHeadersChanged(text);
    });

    m_view->setObjectName(QStringLiteral("resultsView"));
    m_view->setAccessibleName(tr("Results"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the targets' own order until a header is clicked
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection); // two rows to compare
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    // The stretched Error column takes what is left, at least the default size: 40 rather than 100,
    // so that with the Group column every column still fits a 900 px window.
    header->setMinimumSectionSize(40);
    header->setDefaultSectionSize(40);
    header->setStretchLastSection(true);
    for (int column : {TargetTableModel::TargetColumn, TargetTableModel::StateColumn, TargetTableModel::CodeColumn,
                       TargetTableModel::LatencyColumn, TargetTableModel::AttemptsColumn})
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    // A letter and an icon: sized to its header's text, without the room ResizeToContents keeps for
    // a sort arrow.
    header->resizeSection(TargetTableModel::GroupColumn, m_view->fontMetrics().horizontalAdvance(tr("Group")) + 20);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showDetails(current); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ResultsPanel::selectionChanged);
    connect(m_model, &TargetTableModel::dataChanged, this, [this] {
        updateSummary();
        if (m_view->currentIndex().isValid())
            showDetails(m_view->currentIndex());
    });
    connect(m_model, &TargetTableModel::modelReset, this, [this] {
        clearDetails();
        updateSummary();
    });

    m_details->setObjectName(QStringLiteral("detailsView"));
    m_details->setAccessibleName(tr("Target details"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setPlaceholderText(tr("Select a target to see its attempts, response headers and body"));
    m_details->setMinimumHeight(3 * m_details->fontMetrics().lineSpacing() + 12);

    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_summary);
    auto *filters = new QHBoxLayout;
    auto *compareLabel = new QLabel(tr("Co&mpare headers:"), this);
    compareLabel->setBuddy(m_compareHeaders);
    filters->addWidget(m_filter, 2);
    filters->addWidget(compareLabel);
    filters->addWidget(m_compareHeaders, 1);
    tableLayout->addLayout(filters);
    tableLayout->addWidget(m_view, 1);
    m_splitter->setObjectName(QStringLiteral("resultsSplitter"));
    m_splitter->addWidget(tableBox);
    m_splitter->addWidget(m_details);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter, 1);
    // Tab from the filter goes to the table it filters, as before the compared headers were added.
    setTabOrder(m_filter, m_view);
}

QString ResultsPanel::summaryText() const
{
    return m_summary->text();
}

void ResultsPanel::clearDetails()
{
    m_view->setCurrentIndex({});
    m_details->clear();
}

void ResultsPanel::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

QList<int> ResultsPanel::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows.append(m_proxy->mapToSource(index).row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

void ResultsPanel::setCompareHeaders(const QString &headers)
{
    m_compareHeaders->setText(headers);
    m_model->setCompareHeaders(ResponseComparison::parseHeaderList(headers));
}

void ResultsPanel::saveSettings(QSettings &settings) const
{
    settings.setValue(QStringLiteral("window/resultsSplitter"), m_splitter->saveState());
}

void ResultsPanel::restoreSettings(const QSettings &settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("window/resultsSplitter")).toByteArray());
}

void ResultsPanel::updateSummary()
{
    int ok = 0;
    int failed = 0;
    qint64 slowest = 0;
    for (const TargetResult &result : m_model->results()) {
        if (!result.isDone())
            continue;
        result.succeeded() ? ++ok : ++failed;
        for (const AttemptRecord &attempt : result.attempts)
            slowest = qMax(slowest, attempt.startedMs + attempt.latencyMs);
    }
    const int total = static_cast<int>(m_model->results().size());
    QString text = tr("%1/%2 ok").arg(ok).arg(total);
    if (failed > 0)
        text += tr(", %1 failed").arg(failed);
    if (ok + failed < total)
        text += tr(", %1 pending").arg(total - ok - failed);
    text += tr(", %1 ms").arg(slowest);
    const BroadcastSummary &summary = m_model->summary();
    if (summary.finished) {
        text += summary.policyMet
                    ? tr(": policy met (%1)").arg(summary.policy.toString())
                    : tr(": policy not met (%1)").arg(summary.reason.isEmpty() ? summary.policy.toString() : summary.reason);
    }
    m_summary->setText(text);
}

void ResultsPanel::showDetails(const QModelIndex &proxyIndex)
{
    const TargetResult result = m_model->result(m_proxy->mapToSource(proxyIndex).row());
    if (!proxyIndex.isValid() || !result.target.isValid()) {
        m_details->clear();
        return;
    }
    QString text = QStringLiteral("%1 - %2\n").arg(result.target.baseUrl.toString(), StatusIcons::text(result, 0));
    for (const AttemptRecord &attempt : result.attempts)
        text += tr("attempt %1 at +%2 ms: %3 in %4 ms\n")
                    .arg(attempt.number)
                    .arg(attempt.startedMs)
                    .arg(attempt.status > 0 ? QString::number(attempt.status) : attempt.error)
                    .arg(attempt.latencyMs);
    if (!result.responseHeaders.isEmpty()) {
        text += QStringLiteral("\nHTTP %1 %2\n").arg(result.status).arg(QString::fromLatin1(result.reason));
        for (const HttpHeader &header : result.responseHeaders)
            text += QStringLiteral("%1: %2\n").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
    }
    if (!result.responseBody.isEmpty())
        text += QLatin1Char('\n') + QString::fromUtf8(result.responseBody.left(2048));
    m_details->setPlainText(text);
}

} // namespace herald
