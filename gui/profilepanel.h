#pragma once

#include "store/profile.h"

#include <QHash>
#include <QWidget>

class QFormLayout;
class QListView;

namespace herald {

class ProfileListModel;
class ProfileStore;

// The side list of saved profiles with their actions (new, save, duplicate, rename, delete,
// import, export) and a small form for the selected profile's {parameters}.
class ProfilePanel : public QWidget
{
    Q_OBJECT
public:
    ProfilePanel(ProfileStore *store, QWidget *parent = nullptr);

    QString currentName() const { return m_current; }
    QHash<QString, QString> parameterValues() const;
    void select(const QString &name);

Q_SIGNALS:
    void profileChosen(const herald::Profile &profile);
    // The composer's contents are wanted to save under `name`.
    void saveRequested(const QString &name);
    void message(const QString &text);

public Q_SLOTS:
    void saveProfile(const herald::Profile &profile);

private:
    void onSelected(int row);
    void rebuildParameters(const Profile &profile);
    void createNew();
    void duplicateCurrent();
    void renameCurrent();
    void deleteCurrent();
    void importFile();
    void exportCurrent();

    ProfileStore *m_store;
    ProfileListModel *m_model;
    QListView *m_list;
    QFormLayout *m_parameters;
    QWidget *m_parameterBox;
    QString m_current;
};

} // namespace herald
