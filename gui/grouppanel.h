#pragma once

#include "store/groupstore.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace herald {

class GroupEditor;

// The Groups tab: the saved target groups (shared with `herald send --group` and every other
// face), and for the selected one its name, description and targets in a multi-line editor whose
// errors are shown per line; Save stays disabled while any line is wrong.
class GroupPanel : public QWidget
{
    Q_OBJECT
public:
    explicit GroupPanel(const GroupStore &store, QWidget *parent = nullptr);

    const GroupStore &store() const { return m_store; }
    QStringList names() const { return m_store.names(); }
    // Copies the example groups shipped in the resources into the store; returns how many.
    int addExamples();

Q_SIGNALS:
    // After a save, delete or import: the names every group picker should offer.
    void groupsChanged(const QStringList &names);

private:
    void reload(const QString &select);
    void showGroup(const QString &name);
    void save();
    void removeCurrent();
    void updateState();
    void say(const QString &text);

    GroupStore m_store;
    QListWidget *m_list;
    QLabel *m_hint;
    QPushButton *m_addExamples;
    QLineEdit *m_name;
    QLineEdit *m_description;
    GroupEditor *m_editor;
    QPushButton *m_save;
    QPushButton *m_delete;
    QLabel *m_status;
};

} // namespace herald
