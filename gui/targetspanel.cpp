#include "targetspanel.h"

#include "targetstatusmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace herald {

TargetsPanel::TargetsPanel(TargetStatusModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
{
    m_view->setObjectName(QStringLiteral("targetsView"));
    m_view->setAccessibleName(tr("Targets and circuits"));
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(TargetStatusModel::TargetColumn, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(TargetStatusModel::LastStatusColumn, QHeaderView::ResizeToContents);
    m_view->verticalHeader()->hide();
    auto *refresh = new QPushButton(tr("&Refresh now"), this);
    refresh->setObjectName(QStringLiteral("refreshTargetsButton"));
    refresh->setToolTip(tr("Resolve the composer's target source again (DNS and SRV names are looked up now)"));
    connect(refresh, &QPushButton::clicked, this, &TargetsPanel::refreshRequested);
    auto *reset = new QPushButton(tr("R&eset circuit"), this);
    reset->setObjectName(QStringLiteral("resetCircuitButton"));
    reset->setToolTip(
        tr("Close the selected targets' circuits (all, with none selected): the next broadcast is sent to them at once"));
    connect(reset, &QPushButton::clicked, this, &TargetsPanel::resetSelected);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(refresh);
    buttons->addWidget(reset);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
}

void TargetsPanel::resetSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) { // nothing selected: every circuit
        for (int row = 0; row < m_model->rowCount(); ++row)
            m_model->resetCircuit(row);
    }
    for (const QModelIndex &index : rows)
        m_model->resetCircuit(index.row());
}

} // namespace herald
