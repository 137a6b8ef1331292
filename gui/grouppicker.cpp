#include "grouppicker.h"

namespace herald {

GroupPicker::GroupPicker(QWidget *parent)
    : QListWidget(parent)
{
    setObjectName(QStringLiteral("groupPicker"));
    setAccessibleName(tr("Target groups"));
    setToolTip(tr("Checked groups join the targets above; edit groups in the Groups tab"));
    setMaximumHeight(72);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    connect(this, &QListWidget::itemChanged, this, [this] {
        if (!m_filling)
            Q_EMIT changed();
    });
}

QListWidgetItem *GroupPicker::add(const QString &name, bool checked)
{
    auto *item = new QListWidgetItem(name, this);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    return item;
}

void GroupPicker::setNames(const QStringList &names)
{
    const QStringList checked = checkedNames();
    m_filling = true;
    clear();
    for (const QString &name : names)
        add(name, checked.contains(name));
    for (const QString &name : checked) {
        if (!names.contains(name))
            add(name, true); // still in the composed request: removing it is the operator's call
    }
    m_filling = false;
    if (checked != checkedNames())
        Q_EMIT changed();
}

QStringList GroupPicker::checkedNames() const
{
    QStringList names;
    for (int row = 0; row < count(); ++row) {
        if (item(row)->checkState() == Qt::Checked)
            names.append(item(row)->text());
    }
    return names;
}

void GroupPicker::setCheckedNames(const QStringList &names)
{
    m_filling = true;
    for (int row = 0; row < count(); ++row)
        item(row)->setCheckState(names.contains(item(row)->text()) ? Qt::Checked : Qt::Unchecked);
    for (const QString &name : names) {
        if (findItems(name, Qt::MatchExactly).isEmpty())
            add(name, true);
    }
    m_filling = false;
    Q_EMIT changed();
}

} // namespace herald
