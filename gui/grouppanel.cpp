#include "grouppanel.h"

#include "groupeditor.h"

#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace herald {

GroupPanel::GroupPanel(const GroupStore &store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_list(new QListWidget(this))
    , m_hint(new QLabel(tr("No target groups yet. A group is a named list of targets (or a DNS or SRV name) that "
                           "profiles, the composer and `herald send --group NAME` use. Add the example to start from, "
                           "or type a name and targets and press Save."),
                        this))
    , m_addExamples(new QPushButton(tr("Add example &group"), this))
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_editor(new GroupEditor(this))
    , m_save(new QPushButton(tr("&Save group"), this))
    , m_delete(new QPushButton(tr("&Delete group"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("groupPanel"));
    m_list->setObjectName(QStringLiteral("groupList"));
    m_list->setAccessibleName(tr("Target groups"));
    m_list->setMaximumWidth(240);
    connect(m_list, &QListWidget::currentTextChanged, this, &GroupPanel::showGroup);
    m_hint->setObjectName(QStringLiteral("groupHint"));
    m_hint->setWordWrap(true);
    m_addExamples->setObjectName(QStringLiteral("addExampleGroupButton"));
    connect(m_addExamples, &QPushButton::clicked, this, [this] { say(tr("%1 example group(s) added").arg(addExamples())); });
    m_name->setObjectName(QStringLiteral("groupNameEdit"));
    m_name->setAccessibleName(tr("Group name"));
    m_name->setPlaceholderText(tr("prod-eu"));
    m_description->setObjectName(QStringLiteral("groupDescriptionEdit"));
    m_description->setAccessibleName(tr("Group description"));
    m_save->setObjectName(QStringLiteral("saveGroupButton"));
    m_save->setToolTip(tr("Save the group under the name above (replaces a group of that name)"));
    m_delete->setObjectName(QStringLiteral("deleteGroupButton"));
    m_status->setObjectName(QStringLiteral("groupStatus"));
    m_status->setWordWrap(true);
    connect(m_name, &QLineEdit::textChanged, this, &GroupPanel::updateState);
    connect(m_editor, &GroupEditor::changed, this, &GroupPanel::updateState);
    connect(m_save, &QPushButton::clicked, this, &GroupPanel::save);
    connect(m_delete, &QPushButton::clicked, this, &GroupPanel::removeCurrent);
    auto *newGroup = new QPushButton(tr("&New group"), this);
    newGroup->setObjectName(QStringLiteral("newGroupButton"));
    connect(newGroup, &QPushButton::clicked, this, [this] {
        m_list->setCurrentRow(-1);
        showGroup({});
        m_name->setFocus();
    });

    auto *form = new QFormLayout;
    form->addRow(tr("Na&me"), m_name);
    form->addRow(tr("Desc&ription"), m_description);
    form->addRow(tr("Tar&gets"), m_editor);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(newGroup);
    buttons->addWidget(m_save);
    buttons->addWidget(m_delete);
    buttons->addStretch();
    auto *right = new QVBoxLayout;
    right->addLayout(form, 1);
    right->addLayout(buttons);
    right->addWidget(m_status);
    auto *left = new QVBoxLayout;
    left->addWidget(m_hint);
    left->addWidget(m_addExamples);
    left->addWidget(m_list, 1);
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(left);
    layout->addLayout(right, 1);
    reload({});
}

int GroupPanel::addExamples()
{
    int added = 0;
    const QDir examples(QStringLiteral(":/herald/groups"));
    QString first;
    for (const QString &file : examples.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        TargetGroup imported;
        QString error;
        if (m_store.importFile(examples.filePath(file), &imported, &error)) {
            ++added;
            first = first.isEmpty() ? imported.name : first;
        } else {
            say(error);
        }
    }
    reload(first);
    return added;
}

void GroupPanel::reload(const QString &select)
{
    const QStringList names = m_store.names();
    m_list->blockSignals(true);
    m_list->clear();
    m_list->addItems(names);
    const int row = static_cast<int>(names.indexOf(select));
    m_list->setCurrentRow(row);
    m_list->blockSignals(false);
    const bool empty = names.isEmpty();
    m_hint->setVisible(empty);
    m_addExamples->setVisible(empty);
    showGroup(row >= 0 ? select : QString());
    Q_EMIT groupsChanged(names);
}

void GroupPanel::showGroup(const QString &name)
{
    TargetGroup group;
    QString error;
    if (!name.isEmpty() && !m_store.load(name, &group, &error)) {
        say(error); // a hand-edited file: shown, and its name kept so Save can replace it
        group.name = name;
    }
    m_name->setText(group.name);
    m_description->setText(group.description);
    if (group.name.isEmpty() || !error.isEmpty())
        m_editor->clear();
    else
        m_editor->setSpec(group.targets);
    if (error.isEmpty())
        say({});
    updateState();
}

void GroupPanel::updateState()
{
    const bool validName = TargetGroup::isValidName(m_name->text().trimmed());
    m_save->setEnabled(validName && m_editor->isValid());
    m_save->setToolTip(!validName            ? tr("Give the group a name: letters, digits, '.', '_' or '-'")
                       : m_editor->isValid() ? tr("Save the group under the name above (replaces a group of that name)")
                                             : tr("Fix the lines marked in the targets first"));
    m_delete->setEnabled(m_list->currentRow() >= 0);
}

void GroupPanel::save()
{
    TargetGroup group;
    group.name = m_name->text().trimmed();
    group.description = m_description->text().trimmed();
    group.targets = m_editor->spec();
    QString error;
    if (!m_editor->isValid() || !m_store.save(group, &error)) {
        say(error.isEmpty() ? tr("Fix the lines marked in the targets first") : error);
        return;
    }
    reload(group.name);
    say(tr("Group %1 saved: %2").arg(group.name, group.targets.describe()));
}

void GroupPanel::removeCurrent()
{
    const QString name = m_list->currentItem() ? m_list->currentItem()->text() : QString();
    QString error;
    if (name.isEmpty() || !m_store.remove(name, &error)) {
        say(error);
        return;
    }
    reload({});
    say(tr("Group %1 deleted").arg(name));
}

void GroupPanel::say(const QString &text)
{
    m_status->setText(text);
}

} // namespace herald
