#include "resultsactions.h"

#include "broadcast/broadcaster.h"
#include "broadcast/runreport.h"
#include "comparedialog.h"
#include "composerwidget.h"
#include "guipreferences.h"
#include "pastecurldialog.h"
#include "previewdialog.h"
#include "profilepanel.h"
#include "resultspanel.h"
#include "sendflow.h"
#include "statusicons.h"
#include "targettablemodel.h"

#include <QAction>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGuiApplication>
#include <QMainWindow>
#include <QMenuBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>

namespace herald {

ResultsActions::ResultsActions(const Parts &parts, QObject *parent)
    : QObject(parent)
    , m_parts(parts)
    , m_previewFlow(new SendFlow(*parts.groups, this))
{
    // No mnemonic: each of its letters is taken (Alt+U is the Groups tab); every action has a shortcut.
    QMenu *results = parts.window->menuBar()->addMenu(tr("Results"));
    m_compare = addAction(tr("&Compare selected..."), "compareAction", QKeySequence(Qt::CTRL | Qt::Key_D),
                          &ResultsActions::compareSelected);
    m_compare->setStatusTip(tr("Two selected targets' answers side by side, the differences marked"));
    m_copyCurl = addAction(tr("Copy as c&url"), "copyCurlAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                           &ResultsActions::copyAsCurl);
    m_copyCurl->setStatusTip(tr("One curl command per selected target (every target when none is selected)"));
    m_copyLoop = addAction(tr("Copy as curl &loop"), "copyCurlLoopAction", QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_C),
                           &ResultsActions::copyAsCurlLoop);
    m_copyLoop->setStatusTip(tr("One shell for loop over the selected targets (every target when none is selected)"));
    m_export = addAction(tr("&Export results..."), "exportAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                         &ResultsActions::exportResults);
    m_export->setStatusTip(tr("Every target's result as a JSON or CSV file"));
    results->addActions({m_compare, m_copyCurl, m_copyLoop, m_export});
    QTableView *view = parts.results->view();
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    view->addActions({m_compare, m_copyCurl, m_copyLoop, m_export});

    QMenu *request = parts.window->menuBar()->addMenu(tr("Re&quest"));
    request->addAction(
        addAction(tr("&Preview"), "previewAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), &ResultsActions::preview));
    request->addAction(addAction(tr("Paste &curl command..."), "pasteCurlAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V),
                                 &ResultsActions::pasteCurl));
    connect(parts.previewButton, &QPushButton::clicked, this, &ResultsActions::preview);

    parts.results->setCompareHeaders(parts.preferences->compareHeaders);
    connect(parts.results, &ResultsPanel::compareHeadersChanged, this,
            [this](const QString &headers) { m_parts.preferences->compareHeaders = headers; });
    connect(parts.results, &ResultsPanel::selectionChanged, this, &ResultsActions::updateActions);
    connect(parts.model, &TargetTableModel::modelReset, this, &ResultsActions::updateActions);
    connect(parts.model, &TargetTableModel::dataChanged, this, &ResultsActions::updateActions);
    connect(m_previewFlow, &SendFlow::resolved, this,
            [this](const BroadcastPlan &plan, const QList<Target> &targets, const QString &error) {
                if (!error.isEmpty()) {
                    Q_EMIT message(tr("Cannot preview: %1").arg(error));
                    return;
                }
                const DryRun run = DryRun::plan(plan.request, targets, m_parts.broadcaster->headerPolicy(), plan.options);
                auto *dialog = new PreviewDialog(run, m_parts.window);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->open();
                Q_EMIT message(tr("Preview of %1: nothing sent").arg(StatusIcons::targetCount(targets.size())));
            });
    updateActions();
}

QAction *ResultsActions::addAction(const QString &text, const char *name, const QKeySequence &shortcut,
                                   void (ResultsActions::*slot)())
{
    auto *action = new QAction(text, m_parts.window);
    action->setObjectName(QString::fromLatin1(name));
    action->setShortcut(shortcut);
    connect(action, &QAction::triggered, this, slot);
    return action;
}

void ResultsActions::updateActions()
{
    const int rows = static_cast<int>(m_parts.model->results().size());
    m_compare->setEnabled(m_parts.results->selectedRows().size() == 2);
    m_copyCurl->setEnabled(rows > 0 && m_parts.model->hasRequest());
    m_copyLoop->setEnabled(rows > 0 && m_parts.model->hasRequest());
    m_export->setEnabled(rows > 0);
}

QList<int> ResultsActions::chosenRows() const
{
    QList<int> rows = m_parts.results->selectedRows();
    if (rows.isEmpty()) {
        for (int row = 0; row < m_parts.model->results().size(); ++row)
            rows.append(row);
    }
    return rows;
}

DryRun ResultsActions::dryRun(const QList<int> &rows) const
{
    QList<Target> targets;
    for (const int row : rows)
        targets.append(m_parts.model->result(row).target);
    // The same code that sent the broadcast says what each target got: TargetRequest via DryRun.
    return DryRun::plan(m_parts.model->request(), targets, m_parts.broadcaster->headerPolicy(), m_parts.model->options());
}

QString ResultsActions::curlCommands(const QList<int> &rows) const
{
    const DryRun run = dryRun(rows);
    QString text;
    for (int i = 0; i < run.entries().size(); ++i)
        text += run.curlFor(i).toShell() + QLatin1Char('\n');
    return text;
}

QString ResultsActions::curlLoop(const QList<int> &rows) const
{
    const DryRun run = dryRun(rows);
    QList<CurlCommand> commands;
    for (int i = 0; i < run.entries().size(); ++i)
        commands.append(run.curlFor(i));
    return CurlCommand::loop(commands);
}

void ResultsActions::copyAsCurl()
{
    const QList<int> rows = chosenRows();
    if (!m_parts.model->hasRequest() || rows.isEmpty())
        return Q_EMIT message(tr("No broadcast to copy yet"));
    QGuiApplication::clipboard()->setText(curlCommands(rows));
    Q_EMIT message(tr("Copied %1 curl commands").arg(rows.size()));
}

void ResultsActions::copyAsCurlLoop()
{
    const QList<int> rows = chosenRows();
    if (!m_parts.model->hasRequest() || rows.isEmpty())
        return Q_EMIT message(tr("No broadcast to copy yet"));
    QGuiApplication::clipboard()->setText(curlLoop(rows));
    Q_EMIT message(tr("Copied a curl loop over %1").arg(StatusIcons::targetCount(rows.size())));
}

void ResultsActions::compareSelected()
{
    const QList<int> rows = m_parts.results->selectedRows();
    if (rows.size() != 2)
        return Q_EMIT message(tr("Select two targets to compare (Shift+arrow or Ctrl+click)"));
    const auto group = [this](int row) {
        const QString name = m_parts.model->index(row, TargetTableModel::GroupColumn).data().toString();
        return name.isEmpty() ? tr("none") : name;
    };
    auto *dialog = new CompareDialog(m_parts.model->result(rows.at(0)), group(rows.at(0)), m_parts.model->result(rows.at(1)),
                                     group(rows.at(1)), m_parts.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

QString ResultsActions::exportTo(const QString &fileName) const
{
    if (m_parts.model->results().isEmpty())
        return tr("No results to export");
    QString error;
    const RunReport report(m_parts.model->summary(), m_parts.model->results(), m_parts.model->comparison());
    return report.write(fileName, &error) ? QString() : error;
}

void ResultsActions::exportResults()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString name =
        QStringLiteral("herald-%1.json").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    auto *dialog = new QFileDialog(m_parts.window, tr("Export results"), QDir(folder).filePath(name),
                                   tr("JSON report (*.json);;CSV report (*.csv)"));
    dialog->setObjectName(QStringLiteral("exportDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The format follows the name's ending; a name without one gets the chosen filter's.
    connect(dialog, &QFileDialog::filterSelected, dialog, [dialog](const QString &filter) {
        dialog->setDefaultSuffix(filter.contains(QLatin1String("*.csv")) ? QStringLiteral("csv") : QStringLiteral("json"));
    });
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) {
        const QString error = exportTo(file);
        Q_EMIT message(error.isEmpty()
                           ? tr("Exported %1 to %2").arg(StatusIcons::targetCount(m_parts.model->results().size()), file)
                           : tr("Cannot export: %1").arg(error));
    });
    dialog->open();
}

void ResultsActions::pasteCurl()
{
    QString text = QGuiApplication::clipboard()->text().trimmed();
    if (!text.startsWith(QLatin1String("curl")))
        text.clear();
    auto *dialog = new PasteCurlDialog(text, m_parts.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PasteCurlDialog::parsed, this, [this](const CurlCommand &command) {
        BroadcastRequest request;
        request.method = command.method;
        request.pathAndQuery = command.pathAndQuery();
        request.headers = command.headers;
        request.body = command.body;
        m_parts.composer->loadRequest(request);
        Q_EMIT message(tr("From curl: %1 %2 (its host %3 is not added to the targets)")
                           .arg(QString::fromLatin1(command.method), QString::fromUtf8(request.pathAndQuery),
                                QString::fromUtf8(command.targetBase())));
    });
    dialog->open();
}

void ResultsActions::preview()
{
    Profile composed;
    QString error = m_parts.composer->toProfile(QStringLiteral("composer"), &composed);
    if (error.isEmpty() && !m_previewFlow->isBusy())
        error = m_previewFlow->begin(composed, m_parts.profiles->parameterValues());
    if (!error.isEmpty())
        Q_EMIT message(tr("Cannot preview: %1").arg(ComposerWidget::composerWording(error)));
}

} // namespace herald
