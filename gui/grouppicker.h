#pragma once

#include <QListWidget>

namespace herald {

// The composer's choice of saved target groups: a checkable list of their names. Its checked
// names become the composed profile's "group", so they join the free targets in the one plan.
class GroupPicker : public QListWidget
{
    Q_OBJECT
public:
    explicit GroupPicker(QWidget *parent = nullptr);

    // The saved groups; checks on names still listed are kept.
    void setNames(const QStringList &names);
    QStringList checkedNames() const;
    // A name that is not saved (a profile naming a removed group) is listed anyway, so the plan's
    // "unknown group" error explains it instead of the name silently vanishing.
    void setCheckedNames(const QStringList &names);

Q_SIGNALS:
    void changed();

private:
    QListWidgetItem *add(const QString &name, bool checked);
    bool m_filling = false;
};

} // namespace herald
