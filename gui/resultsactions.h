#pragma once

#include "broadcast/dryrun.h"
#include "store/groupstore.h"

#include <QList>
#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;
class QPushButton;

namespace herald {

class Broadcaster;
class ComposerWidget;
class ProfilePanel;
class ResultsPanel;
class SendFlow;
class TargetTableModel;
struct GuiPreferences;

// What the operator does with a broadcast's results and the composer's request besides sending:
// compare two targets, copy their requests as curl commands, export the run, paste a curl command
// into the composer, preview what each target would receive. The core does each (DryRun,
// CurlCommand, RunReport, ResponseComparison); this only turns them into actions and dialogs.
class ResultsActions : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        QMainWindow *window;
        Broadcaster *broadcaster;
        ComposerWidget *composer;
        ProfilePanel *profiles;
        ResultsPanel *results;
        TargetTableModel *model;
        QPushButton *previewButton;
        GuiPreferences *preferences; // its compareHeaders follows the results' "Compare headers" field
        const GroupStore *groups;    // the composer's checked groups are previewed like the send does
    };

    // Adds the Results and Request menus to the window's menu bar and the results' context menu.
    ResultsActions(const Parts &parts, QObject *parent = nullptr);

    // The selected rows, or every row when none is selected.
    QList<int> chosenRows() const;
    // One curl command a line for those rows' targets, as the last broadcast sent to them.
    QString curlCommands(const QList<int> &rows) const;
    // The same as one shell for loop over the targets (CurlCommand::loop).
    QString curlLoop(const QList<int> &rows) const;
    // Writes the shown results as FILE.json or FILE.csv (RunReport); "" or the error.
    QString exportTo(const QString &fileName) const;

public Q_SLOTS:
    void compareSelected();
    void copyAsCurl();
    void copyAsCurlLoop();
    void exportResults();
    void pasteCurl();
    void preview();

Q_SIGNALS:
    void message(const QString &text);

private:
    QAction *addAction(const QString &text, const char *name, const QKeySequence &shortcut, void (ResultsActions::*slot)());
    DryRun dryRun(const QList<int> &rows) const;
    void updateActions();

    Parts m_parts;
    SendFlow *m_previewFlow;
    QAction *m_compare;
    QAction *m_copyCurl;
    QAction *m_copyLoop;
    QAction *m_export;
};

} // namespace herald
