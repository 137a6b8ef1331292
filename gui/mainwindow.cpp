#include "mainwindow.h"

#include "broadcast/broadcaster.h"
#include "broadcasttab.h"
#include "composerwidget.h"
#include "confirmdialog.h"
#include "grouppanel.h"
#include "historywidget.h"
#include "historyworker.h"
#include "preferencesdialog.h"
#include "profilepanel.h"
#include "resultsactions.h"
#include "resultspanel.h"
#include "sendflow.h"
#include "statusicons.h"
#include "store/historyentry.h"
#include "store/profile.h"
#include "store/profilestore.h"
#include "targetspanel.h"
#include "targetstatusmodel.h"
#include "targettablemodel.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>

Q_LOGGING_CATEGORY(lcGui, "herald.gui")

// Resources linked from a static library must be registered by hand, outside any namespace.
static void initHeraldResources()
{
    Q_INIT_RESOURCE(herald);
}

namespace herald {

namespace {

QSettings windowSettings()
{
    return QSettings(QStringLiteral("herald"), QStringLiteral("herald")); // ~/.config/herald/herald.conf
}

QString describeSend(const BroadcastRequest &request, qsizetype targets)
{
    return QStringLiteral("%1 %2 to %3")
        .arg(QString::fromLatin1(request.method), QString::fromUtf8(request.pathAndQuery), StatusIcons::targetCount(targets));
}

} // namespace

MainWindow::MainWindow(Broadcaster *broadcaster, const QString &profileDirectory, const QString &historyPath,
                       const QString &groupDirectory, QWidget *parent)
    : QMainWindow(parent)
    , m_broadcaster(broadcaster)
    , m_profileStore(new ProfileStore(profileDirectory))
    , m_composer(new ComposerWidget(this))
    , m_profiles(new ProfilePanel(m_profileStore, this))
    , m_results(new TargetTableModel(this))
    , m_resultsPanel(new ResultsPanel(m_results, this))
    , m_targetStatus(new TargetStatusModel(broadcaster, this))
    , m_historyWorker(new HistoryWorker)
    , m_tabs(new QTabWidget(this))
    , m_groups(new GroupPanel(GroupStore(groupDirectory.isEmpty() ? GroupStore::besideProfiles(profileDirectory) : groupDirectory),
                              this))
    , m_sendFlow(new SendFlow(m_groups->store(), this))
{
    initHeraldResources();
    setWindowTitle(tr("Herald"));
    setWindowIcon(QIcon(QStringLiteral(":/herald/icons/herald.svg")));
    setObjectName(QStringLiteral("mainWindow"));
    // The SQLite history lives on its own thread; the GUI only sends it requests.
    m_historyWorker->moveToThread(&m_historyThread);
    connect(&m_historyThread, &QThread::finished, m_historyWorker, &QObject::deleteLater);
    m_historyThread.start();
    m_history = new HistoryWidget(m_historyWorker, this);
    connect(m_historyWorker, &HistoryWorker::opened, this, [this](bool ok, const QString &error) {
        if (!ok)
            status(tr("History unavailable: %1").arg(error));
        else
            m_history->refresh();
    });
    connect(m_historyWorker, &HistoryWorker::failed, this, [this](const QString &error) { status(error); });
    QMetaObject::invokeMethod(m_historyWorker, "open", Qt::QueuedConnection, Q_ARG(QString, historyPath));

    auto *targets = new TargetsPanel(m_targetStatus, this);
    connect(targets, &TargetsPanel::refreshRequested, this, &MainWindow::refreshTargets);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_broadcastTab = new BroadcastTab(m_composer, m_resultsPanel, this);
    m_send = m_broadcastTab->sendButton();
    m_cancel = m_broadcastTab->cancelButton();
    m_again = m_broadcastTab->againButton();
    m_againFailed = m_broadcastTab->againFailedButton();
    connect(m_send, &QPushButton::clicked, this, &MainWindow::send);
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancel);
    connect(m_again, &QPushButton::clicked, this, &MainWindow::sendAgain);
    connect(m_againFailed, &QPushButton::clicked, this, &MainWindow::sendAgainToFailed);
    m_tabs->addTab(m_broadcastTab, tr("&Broadcast"));
    m_tabs->addTab(m_history, tr("&History"));
    m_tabs->addTab(targets, tr("&Targets"));
    m_tabs->addTab(m_groups, tr("Gro&ups"));
    connect(m_groups, &GroupPanel::groupsChanged, m_composer, &ComposerWidget::setGroupNames);
    m_composer->setGroupNames(m_groups->names());
    setCentralWidget(m_tabs);

    auto *dock = new QDockWidget(tr("Profiles"), this);
    dock->setObjectName(QStringLiteral("profilesDock"));
    dock->setWidget(m_profiles);
    dock->setFeatures(QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    buildMenus();

    connect(m_composer, &ComposerWidget::sendRequested, this, &MainWindow::send);
    connect(m_composer, &ComposerWidget::changed, this, &MainWindow::validate);
    connect(m_profiles, &ProfilePanel::parametersChanged, this, &MainWindow::validate);
    connect(m_sendFlow, &SendFlow::resolving, this, [this](const QString &source) { status(tr("Resolving %1...").arg(source)); });
    connect(m_sendFlow, &SendFlow::resolved, this, &MainWindow::onResolved);
    connect(m_sendFlow, &SendFlow::refreshed, this,
            [this](const QList<Target> &targets, const QString &source, const QString &error) {
                m_targetStatus->setTargets(targets);
                status(error.isEmpty() ? tr("%1 from %2").arg(StatusIcons::targetCount(targets.size()), source)
                                       : tr("Cannot resolve targets: %1").arg(error));
            });
    connect(m_profiles, &ProfilePanel::profileChosen, m_composer, &ComposerWidget::load);
    connect(m_profiles, &ProfilePanel::message, this, &MainWindow::status);
    connect(m_profiles, &ProfilePanel::saveRequested, this, [this](const QString &name) {
        Profile profile;
        const QString error = m_composer->toProfile(name, &profile);
        if (!error.isEmpty())
            status(ComposerWidget::composerWording(error));
        else
            m_profiles->saveProfile(profile);
    });
    m_profiles->setDiscardGuard([this] { return mayDiscardEdits(); });
    connect(m_history, &HistoryWidget::rerunRequested, this, &MainWindow::onRerunFromHistory);
    restoreSettings();
    auto *results = new ResultsActions({this, broadcaster, m_composer, m_profiles, m_resultsPanel, m_results,
                                        m_broadcastTab->previewButton(), &m_prefs, &m_groups->store()},
                                       this);
    connect(results, &ResultsActions::message, this, &MainWindow::status);
    validate();
    status(tr("Ready"));
}

MainWindow::~MainWindow()
{
    if (m_broadcast)
        m_broadcast->cancel();
    m_historyThread.quit();
    m_historyThread.wait();
    delete m_profileStore;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

void MainWindow::saveSettings() const
{
    QSettings settings = windowSettings();
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_broadcastTab->saveSettings(settings);
    m_resultsPanel->saveSettings(settings);
    m_composer->saveSettings(settings);
    m_prefs.save(settings);
}

void MainWindow::restoreSettings()
{
    const QSettings settings = windowSettings();
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1100, 760);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_broadcastTab->restoreSettings(settings);
    m_resultsPanel->restoreSettings(settings);
    m_composer->restoreSettings(settings);
    m_prefs = GuiPreferences::load(settings);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("F&ile"));
    QAction *preferences = file->addAction(tr("&Preferences..."), this, &MainWindow::editPreferences);
    preferences->setObjectName(QStringLiteral("preferencesAction"));
    preferences->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *composer = view->addAction(tr("Show &composer"));
    composer->setCheckable(true);
    composer->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)); // Ctrl+E is "end of line" in a line edit
    QToolButton *toggle = m_broadcastTab->composerToggle();
    composer->setChecked(toggle->isChecked());
    connect(composer, &QAction::toggled, toggle, &QToolButton::setChecked);
    connect(toggle, &QToolButton::toggled, composer, &QAction::setChecked);
    view->addAction(tr("&Filter results"), QKeySequence::Find, this, [this] {
        m_tabs->setCurrentIndex(0);
        m_resultsPanel->focusFilter();
    });
    view->addAction(tr("&Profiles"), QKeySequence(Qt::CTRL | Qt::Key_P), this, [this] {
        if (auto *list = m_profiles->findChild<QWidget *>(QStringLiteral("profileList")))
            list->setFocus();
    });
}

void MainWindow::status(const QString &message)
{
    statusBar()->showMessage(message);
    if (message != tr("Ready"))
        qCInfo(lcGui).noquote() << message;
}

// Runs the plan on every edit, so an empty {parameter} or a bad field shows at once and Send is
// disabled: what the operator sees is what send() would refuse.
void MainWindow::validate()
{
    Profile composed;
    QString error = m_composer->toProfile(QStringLiteral("composer"), &composed);
    if (error.isEmpty())
        error = m_sendFlow->check(composed, m_profiles->parameterValues());
    m_inputError = error;
    // An error about a {parameter} goes beside its field; any other under the composer's fields.
    m_composer->showError(m_profiles->showPlanError(error) ? QString() : ComposerWidget::composerWording(error));
    updateButtons();
}

bool MainWindow::mayDiscardEdits()
{
    if (!m_composer->isEdited())
        return true;
    return QMessageBox::question(this, tr("Discard edits?"),
                                 tr("The composer holds an edited request. Replace it with the chosen profile?"),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
           == QMessageBox::Yes;
}

void MainWindow::send()
{
    if (m_broadcast || m_sendFlow->isBusy() || m_confirm)
        return; // a repeated Ctrl+Return while a send is on its way or being confirmed
    Profile composed;
    QString error = m_composer->toProfile(QStringLiteral("composer"), &composed);
    // An edited request is no longer the profile: history must not name it so.
    m_sendingProfile = m_composer->isEdited() ? QString() : m_profiles->currentName();
    if (error.isEmpty())
        error = m_sendFlow->begin(composed, m_profiles->parameterValues());
    if (!error.isEmpty()) {
        status(tr("Cannot send: %1").arg(ComposerWidget::composerWording(error)));
        return;
    }
    updateButtons();
}

void MainWindow::onResolved(const BroadcastPlan &plan, const QList<Target> &targets, const QString &error)
{
    m_targetStatus->setTargets(targets);
    if (!error.isEmpty()) {
        status(tr("Cannot resolve targets: %1").arg(error));
        updateButtons();
        return;
    }
    const QString profile = m_sendingProfile;
    confirmThen(
        plan.request, targets, [=] { start(plan.request, targets, plan.options, profile); }, plan.groups);
}

void MainWindow::confirmThen(const BroadcastRequest &request, const QList<Target> &targets, std::function<void()> go,
                             const QStringList &groups)
{
    const int count = static_cast<int>(targets.size());
    if (!m_prefs.needsConfirmation(request.method, count)) {
        go();
        return;
    }
    status(tr("Waiting for confirmation: %1").arg(describeSend(request, count)));
    m_confirm = new ConfirmDialog(request, targets, m_prefs.needsTypedCount(count), groups, this);
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_confirm, &QDialog::finished, this, [this, go](int result) {
        m_confirm = nullptr;
        if (result == QDialog::Accepted) {
            go();
        } else {
            status(tr("Not sent"));
            updateButtons();
        }
    });
    updateButtons();
    m_confirm->open();
}

void MainWindow::start(const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options,
                       const QString &profile)
{
    m_lastRequest = request;
    m_lastOptions = options;
    m_lastTargets = targets;
    m_lastProfile = profile;
    m_resultsPanel->clearDetails();
    m_broadcast = m_broadcaster->start(request, targets, options);
    Broadcast *broadcast = m_broadcast;
    m_results->setBroadcast(broadcast);
    connect(broadcast, &Broadcast::finished, this, [this, broadcast] { onFinished(broadcast); });
    status(tr("Sending %1").arg(describeSend(request, targets.size())));
    updateButtons();
}

void MainWindow::onFinished(Broadcast *broadcast)
{
    const HistoryEntry entry = HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("gui"), m_lastProfile);
    QMetaObject::invokeMethod(m_historyWorker, "record", Qt::QueuedConnection, Q_ARG(herald::HistoryEntry, entry),
                              Q_ARG(int, m_prefs.keepEntries), Q_ARG(int, m_prefs.keepDays));
    m_targetStatus->remember(entry.results);
    m_broadcast = nullptr;
    status(tr("Finished: %1").arg(m_resultsPanel->summaryText()));
    updateButtons();
    Q_EMIT broadcastFinished();
}

void MainWindow::sendAgain()
{
    if (m_broadcast || m_confirm || m_lastTargets.isEmpty())
        return;
    confirmThen(m_lastRequest, m_lastTargets, [this] { start(m_lastRequest, m_lastTargets, m_lastOptions, m_lastProfile); });
}

void MainWindow::sendAgainToFailed()
{
    const QList<Target> failed = TargetResult::failedTargets(m_results->results());
    if (failed.isEmpty()) {
        status(tr("No target failed"));
        return;
    }
    if (!m_broadcast && !m_confirm)
        confirmThen(m_lastRequest, failed, [this, failed] { start(m_lastRequest, failed, m_lastOptions, m_lastProfile); });
}

void MainWindow::cancel()
{
    if (m_broadcast)
        m_broadcast->cancel();
}

void MainWindow::onRerunFromHistory(const HistoryEntry &entry, const QList<Target> &targets)
{
    if (m_broadcast || m_confirm || m_sendFlow->isBusy())
        return;
    BroadcastOptions options = m_lastOptions;
    options.policy = entry.summary.policy;
    // The composer changes only once the operator said yes.
    confirmThen(entry.request, targets, [this, entry, targets, options] {
        m_composer->loadRequest(entry.request);
        m_tabs->setCurrentIndex(0);
        start(entry.request, targets, options, entry.profile);
    });
}

void MainWindow::refreshTargets()
{
    Profile composed;
    const QString error = m_composer->toProfile(QStringLiteral("composer"), &composed);
    if (!error.isEmpty() || !composed.hasTargets) {
        status(error.isEmpty() ? tr("No target source in the composer") : ComposerWidget::composerWording(error));
        return;
    }
    m_sendFlow->refresh(composed.targets);
}

void MainWindow::editPreferences()
{
    PreferencesDialog dialog(m_prefs, this);
    if (dialog.exec() == QDialog::Accepted)
        m_prefs = dialog.preferences();
}

void MainWindow::updateButtons()
{
    const bool busy = m_broadcast || m_sendFlow->isBusy() || m_confirm;
    m_send->setEnabled(!busy && m_inputError.isEmpty());
    m_send->setToolTip(m_inputError.isEmpty() ? tr("Broadcast to every target (Ctrl+Return)")
                                              : tr("Cannot send: %1").arg(ComposerWidget::composerWording(m_inputError)));
    m_cancel->setEnabled(m_broadcast);
    m_again->setEnabled(!busy && !m_lastTargets.isEmpty());
    m_againFailed->setEnabled(!busy && !m_lastTargets.isEmpty());
}

} // namespace herald
