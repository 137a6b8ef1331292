#include "profilepanel.h"

#include "profilelistmodel.h"
#include "store/profilestore.h"

#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace herald {

ProfilePanel::ProfilePanel(ProfileStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new ProfileListModel(store, this))
    , m_list(new QListView(this))
    , m_parameterBox(new QGroupBox(tr("Parameters"), this))
    , m_hint(new QLabel(this))
    , m_addExamples(new QPushButton(tr("Add e&xample profiles"), this))
{
    m_list->setObjectName(QStringLiteral("profileList"));
    m_list->setAccessibleName(tr("Profiles"));
    m_list->setModel(m_model);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Enter, a click or a double click loads; moving with the arrow keys does not.
    connect(m_list, &QListView::activated, this, [this](const QModelIndex &index) { onActivated(index.row()); });
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &index) { onActivated(index.row()); });
    m_hint->setObjectName(QStringLiteral("profileHint"));
    m_hint->setWordWrap(true);
    m_hint->setText(tr("No profiles yet. Add the examples to start from, or compose a request and press New."));
    m_addExamples->setObjectName(QStringLiteral("addExamplesButton"));
    m_addExamples->setToolTip(tr("Copy the example profiles shipped with Herald into your profiles"));
    connect(m_addExamples, &QPushButton::clicked, this, [this] {
        const int added = addExamples();
        Q_EMIT message(tr("%1 example profile(s) added").arg(added));
    });

    const auto button = [this](const QString &text, const QString &name, const QString &tip, void (ProfilePanel::*slot)()) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    auto *buttons = new QGridLayout;
    buttons->addWidget(button(tr("New"), QStringLiteral("newProfileButton"), tr("Save the composer as a new profile"),
                              &ProfilePanel::createNew),
                       0, 0);
    auto *save = new QPushButton(tr("Save"), this);
    save->setObjectName(QStringLiteral("saveProfileButton"));
    save->setToolTip(tr("Overwrite the selected profile with the composer's contents"));
    connect(save, &QPushButton::clicked, this, [this] {
        if (!m_current.isEmpty())
            Q_EMIT saveRequested(m_current);
    });
    buttons->addWidget(save, 0, 1);
    buttons->addWidget(button(tr("Duplicate"), QStringLiteral("duplicateProfileButton"), {}, &ProfilePanel::duplicateCurrent), 1,
                       0);
    buttons->addWidget(button(tr("Rename"), QStringLiteral("renameProfileButton"), {}, &ProfilePanel::renameCurrent), 1, 1);
    buttons->addWidget(button(tr("Delete"), QStringLiteral("deleteProfileButton"), {}, &ProfilePanel::deleteCurrent), 2, 0);
    buttons->addWidget(button(tr("Import..."), QStringLiteral("importProfileButton"), tr("Add a profile from a JSON file"),
                              &ProfilePanel::importFile),
                       2, 1);
    buttons->addWidget(button(tr("Export..."), QStringLiteral("exportProfileButton"),
                              tr("Write the selected profile to a JSON file"), &ProfilePanel::exportCurrent),
                       3, 0);

    m_parameters = new QFormLayout(m_parameterBox);
    m_parameterBox->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_hint);
    layout->addWidget(m_addExamples);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_parameterBox);
    updateHint();
}

void ProfilePanel::updateHint()
{
    const bool empty = m_model->rowCount() == 0;
    m_hint->setVisible(empty);
    m_addExamples->setVisible(empty);
}

int ProfilePanel::addExamples()
{
    int added = 0;
    const QDir examples(QStringLiteral(":/herald/profiles"));
    for (const QString &file : examples.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        Profile imported;
        QString error;
        if (m_store->importFile(examples.filePath(file), &imported, &error))
            ++added;
        else
            Q_EMIT message(error);
    }
    m_model->reload();
    updateHint();
    return added;
}

void ProfilePanel::onActivated(int row)
{
    if (m_model->nameAt(row) != m_current && m_mayDiscard && !m_mayDiscard()) {
        m_list->setCurrentIndex(m_model->index(m_model->rowOf(m_current)));
        return;
    }
    onSelected(row);
    // The operator chose it: what is left to type is its first {parameter}.
    const QList<QLineEdit *> fields = m_parameterBox->findChildren<QLineEdit *>();
    if (!fields.isEmpty())
        fields.first()->setFocus();
}

bool ProfilePanel::showPlanError(const QString &error)
{
    static const QRegularExpression parameterError(QStringLiteral("^parameter \"([^\"]+)\": (.*)$"),
                                                   QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch match = parameterError.match(error);
    bool shown = false;
    for (QLabel *label : m_parameterBox->findChildren<QLabel *>()) {
        if (!label->property("parameterError").isValid())
            continue;
        const bool mine = match.hasMatch() && label->property("parameterError").toString() == match.captured(1);
        label->setText(mine ? match.captured(2) : QString());
        label->setVisible(mine);
        shown = shown || mine;
    }
    return shown;
}

QHash<QString, QString> ProfilePanel::parameterValues() const
{
    QHash<QString, QString> values;
    for (QLineEdit *edit : m_parameterBox->findChildren<QLineEdit *>())
        values.insert(edit->property("parameter").toString(), edit->text());
    return values;
}

void ProfilePanel::select(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    m_list->setCurrentIndex(m_model->index(row));
    onSelected(row);
}

void ProfilePanel::onSelected(int row)
{
    m_current = m_model->nameAt(row);
    Profile profile;
    QString error;
    if (m_current.isEmpty() || !m_store->load(m_current, &profile, &error)) {
        if (!error.isEmpty())
            Q_EMIT message(error);
        rebuildParameters({});
        return;
    }
    rebuildParameters(profile);
    Q_EMIT profileChosen(profile);
}

void ProfilePanel::rebuildParameters(const Profile &profile)
{
    while (m_parameters->rowCount() > 0)
        m_parameters->removeRow(0);
    const QStringList names = profile.parameters();
    for (const QString &name : names) {
        auto *edit = new QLineEdit(m_parameterBox);
        edit->setObjectName(QStringLiteral("param_") + name);
        edit->setProperty("parameter", name);
        for (const ProfileParameter &declared : profile.declaredParameters) {
            if (declared.name != name)
                continue;
            if (declared.hasDefault)
                edit->setPlaceholderText(tr("default: %1").arg(declared.defaultValue));
            else if (declared.allowEmpty)
                edit->setPlaceholderText(tr("may be empty"));
            edit->setToolTip(declared.pattern.isEmpty()
                                 ? declared.description
                                 : tr("%1 (must match %2)").arg(declared.description, declared.pattern).trimmed());
        }
        edit->setAccessibleName(tr("Parameter %1").arg(name));
        connect(edit, &QLineEdit::textChanged, this, &ProfilePanel::parametersChanged);
        auto *error = new QLabel(m_parameterBox);
        error->setObjectName(QStringLiteral("param_%1_error").arg(name));
        error->setProperty("parameterError", name);
        error->setStyleSheet(QStringLiteral("color: #b00020;"));
        error->setWordWrap(true);
        error->hide();
        auto *field = new QVBoxLayout;
        field->addWidget(edit);
        field->addWidget(error);
        auto *label = new QLabel(QStringLiteral("{%1}").arg(name), m_parameterBox);
        label->setBuddy(edit);
        m_parameters->addRow(label, field);
    }
    m_parameterBox->setVisible(!names.isEmpty());
}

void ProfilePanel::saveProfile(const Profile &profile)
{
    QString error;
    if (!m_store->save(profile, &error)) {
        Q_EMIT message(error);
        return;
    }
    m_model->reload();
    updateHint();
    select(profile.name);
    Q_EMIT message(tr("Profile '%1' saved").arg(profile.name));
}

void ProfilePanel::createNew()
{
    const QString name = QInputDialog::getText(this, tr("New profile"), tr("Name (letters, digits, . _ -):"));
    if (name.isEmpty())
        return;
    if (!Profile::isValidName(name)) {
        Q_EMIT message(tr("'%1' is not a valid profile name").arg(name));
        return;
    }
    Q_EMIT saveRequested(name);
}

void ProfilePanel::duplicateCurrent()
{
    Profile profile;
    QString error;
    if (m_current.isEmpty() || !m_store->load(m_current, &profile, &error))
        return;
    QString name = m_current + QStringLiteral("-copy");
    for (int i = 2; m_model->rowOf(name) >= 0; ++i)
        name = QStringLiteral("%1-copy%2").arg(m_current).arg(i);
    profile.name = name;
    saveProfile(profile);
}

void ProfilePanel::renameCurrent()
{
    if (m_current.isEmpty())
        return;
    const QString name = QInputDialog::getText(this, tr("Rename profile"), tr("New name:"), QLineEdit::Normal, m_current);
    QString error;
    if (name.isEmpty() || name == m_current)
        return;
    if (!m_store->rename(m_current, name, &error)) {
        Q_EMIT message(error);
        return;
    }
    m_model->reload();
    select(name);
}

void ProfilePanel::deleteCurrent()
{
    if (m_current.isEmpty()
        || QMessageBox::question(this, tr("Delete profile"), tr("Delete the profile '%1'?").arg(m_current),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
               != QMessageBox::Yes)
        return;
    QString error;
    if (!m_store->remove(m_current, &error))
        Q_EMIT message(error);
    m_model->reload();
    updateHint();
}

void ProfilePanel::importFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import profile"), {}, tr("Profiles (*.json)"));
    if (path.isEmpty())
        return;
    Profile imported;
    QString error;
    if (!m_store->importFile(path, &imported, &error)) {
        Q_EMIT message(error);
        return;
    }
    m_model->reload();
    updateHint();
    select(imported.name);
}

void ProfilePanel::exportCurrent()
{
    if (m_current.isEmpty())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export profile"), m_current + QStringLiteral(".json"),
                                                      tr("Profiles (*.json)"));
    QString error;
    if (!path.isEmpty() && !m_store->exportTo(m_current, path, &error))
        Q_EMIT message(error);
}

} // namespace herald
