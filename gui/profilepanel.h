#pragma once

#include "store/profile.h"

#include <QHash>
#include <QWidget>

#include <functional>

class QFormLayout;
class QLabel;
class QListView;
class QPushButton;

namespace herald {

class ProfileListModel;
class ProfileStore;

// The side list of saved profiles with their actions (new, save, duplicate, rename, delete,
// import, export) and a small form for the selected profile's {parameters}. The arrow keys only
// move the selection; Enter or a click loads the profile, after asking if the composer was edited.
class ProfilePanel : public QWidget
{
    Q_OBJECT
public:
    ProfilePanel(ProfileStore *store, QWidget *parent = nullptr);

    QString currentName() const { return m_current; }
    QHash<QString, QString> parameterValues() const;
    // Selects and loads `name` into the composer (no question asked: the caller chose it).
    void select(const QString &name);
    // Asked before the operator's choice of another profile replaces the composer; false keeps it.
    void setDiscardGuard(std::function<bool()> mayDiscard) { m_mayDiscard = std::move(mayDiscard); }
    // Shows the plan's `error` beside the field of the {parameter} it names and returns true, or
    // clears those fields' errors and returns false (no such field, or "" for no error).
    bool showPlanError(const QString &error);
    // Copies the example profiles shipped in the resources into the store; returns how many.
    int addExamples();

Q_SIGNALS:
    void profileChosen(const herald::Profile &profile);
    // The composer's contents are wanted to save under `name`.
    void saveRequested(const QString &name);
    void message(const QString &text);
    void parametersChanged();

public Q_SLOTS:
    void saveProfile(const herald::Profile &profile);

private:
    void onActivated(int row);
    void onSelected(int row);
    void updateHint();
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
    QLabel *m_hint;
    QPushButton *m_addExamples;
    QString m_current;
    std::function<bool()> m_mayDiscard;
};

} // namespace herald
