#include "mainwindow.h"

#include "broadcast/broadcaster.h"
#include "composerwidget.h"
#include "store/historyentry.h"
#include "historywidget.h"
#include "historyworker.h"
#include "store/profile.h"
#include "profilepanel.h"
#include "sendflow.h"
#include "store/profilestore.h"
#include "statusicons.h"
#include "targetstatusmodel.h"
#include "targettablemodel.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcGui, "herald.gui")

// Resources linked from a static library must be registered by hand, outside any namespace.
static void initHeraldResources()
{
    Q_INIT_RESOURCE(herald);
}

namespace herald {

MainWindow::MainWindow(Broadcaster *broadcaster, const QString &profileDirectory, const QString &historyPath, QWidget *parent)
    : QMainWindow(parent)
    , m_broadcaster(broadcaster)
    , m_profileStore(new ProfileStore(profileDirectory))
    , m_composer(new ComposerWidget(this))
    , m_profiles(new ProfilePanel(m_profileStore, this))
    , m_results(new TargetTableModel(this))
    , m_targetStatus(new TargetStatusModel(broadcaster, this))
    , m_historyWorker(new HistoryWorker)
    , m_tabs(new QTabWidget(this))
    , m_sendFlow(new SendFlow(this))
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

    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->addTab(buildBroadcastTab(), tr("&Broadcast"));
    m_tabs->addTab(m_history, tr("&History"));
    m_tabs->addTab(buildTargetsTab(), tr("&Targets"));
    setCentralWidget(m_tabs);

    auto *dock = new QDockWidget(tr("Profiles"), this);
    dock->setObjectName(QStringLiteral("profilesDock"));
    dock->setWidget(m_profiles);
    dock->setFeatures(QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    connect(m_composer, &ComposerWidget::sendRequested, this, &MainWindow::send);
    connect(m_sendFlow, &SendFlow::resolving, this, [this](const QString &source) { status(tr("Resolving %1...").arg(source)); });
    connect(m_sendFlow, &SendFlow::resolved, this, &MainWindow::onResolved);
    connect(m_sendFlow, &SendFlow::refreshed, this, [this](const QList<Target> &targets, const QString &source, const QString &error) {
        m_targetStatus->setTargets(targets);
        status(error.isEmpty() ? tr("%1 targets from %2").arg(targets.size()).arg(source) : tr("Cannot resolve targets: %1").arg(error));
    });
    connect(m_profiles, &ProfilePanel::profileChosen, m_composer, &ComposerWidget::load);
    connect(m_profiles, &ProfilePanel::message, this, &MainWindow::status);
    connect(m_profiles, &ProfilePanel::saveRequested, this, [this](const QString &name) {
        Profile profile;
        const QString error = m_composer->toProfile(name, &profile);
        if (!error.isEmpty())
            status(error);
        else
            m_profiles->saveProfile(profile);
    });
    connect(m_history, &HistoryWidget::rerunRequested, this, &MainWindow::onRerunFromHistory);

    QSettings settings(QStringLiteral("herald"), QStringLiteral("herald")); // ~/.config/herald/herald.conf
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_composer->restoreSettings(settings);
    m_confirmThreshold = settings.value(QStringLiteral("confirm/threshold"), 1).toInt();
    m_keepEntries = settings.value(QStringLiteral("history/keepEntries"), 1000).toInt();
    m_keepDays = settings.value(QStringLiteral("history/keepDays"), 90).toInt();
    updateButtons();
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
    QSettings settings(QStringLiteral("herald"), QStringLiteral("herald")); // ~/.config/herald/herald.conf
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_composer->saveSettings(settings);
    settings.setValue(QStringLiteral("confirm/threshold"), m_confirmThreshold);
    settings.setValue(QStringLiteral("history/keepEntries"), m_keepEntries);
    settings.setValue(QStringLiteral("history/keepDays"), m_keepDays);
    event->accept();
}

void MainWindow::setHistoryRetention(int entries, int days)
{
    m_keepEntries = entries;
    m_keepDays = days;
}

QWidget *MainWindow::buildBroadcastTab()
{
    auto *tab = new QWidget(this);
    const auto makeButton = [this](const QString &text, const QString &name, const QString &tip) {
        auto *button = new QPushButton(text, this);
        button->setObjectName(name);
        button->setToolTip(tip);
        return button;
    };
    m_send = makeButton(tr("&Send"), QStringLiteral("sendButton"), tr("Broadcast to every target (Ctrl+Return)"));
    m_send->setIcon(StatusIcons::byName(QStringLiteral("sending")));
    m_cancel = makeButton(tr("&Cancel"), QStringLiteral("cancelButton"), tr("Stop the broadcast in flight"));
    m_again = makeButton(tr("Send &again"), QStringLiteral("rerunButton"), tr("Send the last broadcast again to the same targets"));
    m_againFailed = makeButton(tr("Send again to &failed"), QStringLiteral("rerunFailedButton"),
                               tr("Send the last broadcast again, only to the targets that failed"));
    connect(m_send, &QPushButton::clicked, this, &MainWindow::send);
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancel);
    connect(m_again, &QPushButton::clicked, this, &MainWindow::sendAgain);
    connect(m_againFailed, &QPushButton::clicked, this, &MainWindow::sendAgainToFailed);

    m_summary = new QLabel(tr("No broadcast yet"), this);
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_resultsView = new QTableView(this);
    m_resultsView->setObjectName(QStringLiteral("resultsView"));
    m_resultsView->setModel(m_results);
    m_resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_resultsView->horizontalHeader()->setStretchLastSection(true);
    m_resultsView->horizontalHeader()->setSectionResizeMode(TargetTableModel::TargetColumn, QHeaderView::ResizeToContents);
    m_resultsView->verticalHeader()->hide();
    connect(m_resultsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showDetails(current.row()); });
    connect(m_results, &TargetTableModel::dataChanged, this, [this] {
        updateSummary();
        if (m_resultsView->currentIndex().isValid())
            showDetails(m_resultsView->currentIndex().row());
    });
    m_details = new QPlainTextEdit(this);
    m_details->setObjectName(QStringLiteral("detailsView"));
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Select a target to see its attempts, response headers and body"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_send);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_again);
    buttons->addWidget(m_againFailed);
    buttons->addStretch();
    buttons->addWidget(m_summary);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_resultsView);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(m_composer);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);
    return tab;
}

QWidget *MainWindow::buildTargetsTab()
{
    auto *tab = new QWidget(this);
    auto *view = new QTableView(tab);
    view->setObjectName(QStringLiteral("targetsView"));
    view->setModel(m_targetStatus);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->hide();
    auto *refresh = new QPushButton(tr("&Refresh now"), tab);
    refresh->setObjectName(QStringLiteral("refreshTargetsButton"));
    refresh->setToolTip(tr("Resolve the composer's target source again (DNS and SRV names are looked up now)"));
    connect(refresh, &QPushButton::clicked, this, &MainWindow::refreshTargets);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(view, 1);
    layout->addWidget(refresh, 0, Qt::AlignLeft);
    return tab;
}

void MainWindow::status(const QString &message)
{
    statusBar()->showMessage(message);
    if (message != tr("Ready"))
        qCInfo(lcGui).noquote() << message;
}

void MainWindow::send()
{
    if (m_broadcast || m_sendFlow->isBusy()) {
        status(tr("A broadcast is already running"));
        return;
    }
    Profile composed;
    QString error = m_composer->toProfile(QStringLiteral("composer"), &composed);
    m_sendingProfile = m_profiles->currentName();
    if (error.isEmpty())
        error = m_sendFlow->begin(composed, m_profiles->parameterValues());
    if (!error.isEmpty()) {
        status(tr("Cannot send: %1").arg(error));
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
    start(plan.request, targets, plan.options, m_sendingProfile);
}

void MainWindow::start(const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options,
                       const QString &profile)
{
    static const QByteArrayList destructive = {"PURGE", "BAN", "DELETE"};
    if (m_confirmThreshold >= 0 && destructive.contains(request.method) && targets.size() > m_confirmThreshold
        && QMessageBox::question(this, tr("Confirm broadcast"),
                                 tr("Send %1 %2 to %3 targets?")
                                     .arg(QString::fromLatin1(request.method), QString::fromUtf8(request.pathAndQuery))
                                     .arg(targets.size()))
               != QMessageBox::Yes) {
        status(tr("Not sent"));
        updateButtons();
        return;
    }
    m_lastRequest = request;
    m_lastOptions = options;
    m_lastTargets = targets;
    m_lastProfile = profile;
    m_broadcast = m_broadcaster->start(request, targets, options);
    Broadcast *broadcast = m_broadcast;
    m_results->setBroadcast(broadcast);
    connect(broadcast, &Broadcast::finished, this, [this, broadcast] { onFinished(broadcast); });
    status(tr("Sending %1 %2 to %3 targets").arg(QString::fromLatin1(request.method), QString::fromUtf8(request.pathAndQuery)).arg(targets.size()));
    updateSummary();
    updateButtons();
}

void MainWindow::onFinished(Broadcast *broadcast)
{
    const HistoryEntry entry = HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("gui"), m_lastProfile);
    QMetaObject::invokeMethod(m_historyWorker, "record", Qt::QueuedConnection, Q_ARG(herald::HistoryEntry, entry),
                              Q_ARG(int, m_keepEntries), Q_ARG(int, m_keepDays));
    m_targetStatus->remember(entry.results);
    m_broadcast = nullptr;
    status(tr("Finished: %1").arg(m_summary->text()));
    updateButtons();
    Q_EMIT broadcastFinished();
}

void MainWindow::sendAgain()
{
    if (!m_broadcast && !m_lastTargets.isEmpty())
        start(m_lastRequest, m_lastTargets, m_lastOptions, m_lastProfile);
}

void MainWindow::sendAgainToFailed()
{
    QList<Target> failed;
    for (const TargetResult &result : m_results->results()) {
        if (!result.succeeded())
            failed.append(result.target);
    }
    if (failed.isEmpty()) {
        status(tr("No target failed"));
        return;
    }
    if (!m_broadcast)
        start(m_lastRequest, failed, m_lastOptions, m_lastProfile);
}

void MainWindow::cancel()
{
    if (m_broadcast)
        m_broadcast->cancel();
}

void MainWindow::onRerunFromHistory(const HistoryEntry &entry)
{
    m_composer->loadRequest(entry.request);
    QList<Target> targets;
    for (const TargetResult &result : entry.results)
        targets.append(result.target);
    BroadcastOptions options = m_lastOptions;
    options.policy = entry.summary.policy;
    m_tabs->setCurrentIndex(0);
    if (!m_broadcast)
        start(entry.request, targets, options, entry.profile);
}

void MainWindow::refreshTargets()
{
    Profile composed;
    const QString error = m_composer->toProfile(QStringLiteral("composer"), &composed);
    if (!error.isEmpty() || !composed.hasTargets) {
        status(error.isEmpty() ? tr("No target source in the composer") : error);
        return;
    }
    m_sendFlow->refresh(composed.targets);
}

void MainWindow::updateSummary()
{
    int ok = 0;
    int failed = 0;
    qint64 slowest = 0;
    for (const TargetResult &result : m_results->results()) {
        if (!result.isDone())
            continue;
        result.succeeded() ? ++ok : ++failed;
        for (const AttemptRecord &attempt : result.attempts)
            slowest = qMax(slowest, attempt.startedMs + attempt.latencyMs);
    }
    const int total = static_cast<int>(m_results->results().size());
    QString text = tr("%1/%2 ok").arg(ok).arg(total);
    if (failed > 0)
        text += tr(", %1 failed").arg(failed);
    if (ok + failed < total)
        text += tr(", %1 pending").arg(total - ok - failed);
    m_summary->setText(text + tr(", %1 ms").arg(slowest));
}

void MainWindow::updateButtons()
{
    const bool busy = m_broadcast || m_sendFlow->isBusy();
    m_send->setEnabled(!busy);
    m_cancel->setEnabled(m_broadcast);
    m_again->setEnabled(!busy && !m_lastTargets.isEmpty());
    m_againFailed->setEnabled(!busy && !m_lastTargets.isEmpty());
}

void MainWindow::showDetails(int row)
{
    const TargetResult result = m_results->result(row);
    if (!result.target.isValid()) {
        m_details->clear();
        return;
    }
    QString text = QStringLiteral("%1 - %2\n").arg(result.target.baseUrl.toString(), StatusIcons::text(result, 0));
    for (const AttemptRecord &attempt : result.attempts)
        text += tr("attempt %1 at +%2 ms: %3 in %4 ms\n")
                    .arg(attempt.number)
                    .arg(attempt.startedMs)
                    .arg(attempt.status > 0 ? QString::number(attempt.status) : attempt.error)
                    .arg(attempt.latencyMs);
    if (!result.responseHeaders.isEmpty()) {
        text += QStringLiteral("\nHTTP %1 %2\n").arg(result.status).arg(QString::fromLatin1(result.reason));
        for (const HttpHeader &header : result.responseHeaders)
            text += QStringLiteral("%1: %2\n").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
    }
    if (!result.responseBody.isEmpty())
        text += QLatin1Char('\n') + QString::fromUtf8(result.responseBody.left(2048));
    m_details->setPlainText(text);
}

} // namespace herald
