#pragma once

#include <QAbstractListModel>
#include <QStringList>

namespace herald {

class ProfileStore;

// The saved profiles' names, as the side list shows them.
class ProfileListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit ProfileListModel(ProfileStore *store, QObject *parent = nullptr);
    void reload();
    QString nameAt(int row) const { return m_names.value(row); }
    int rowOf(const QString &name) const { return static_cast<int>(m_names.indexOf(name)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    ProfileStore *m_store;
    QStringList m_names;
};

} // namespace herald
