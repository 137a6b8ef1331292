#pragma once

#include "broadcast/broadcast.h"
#include "broadcast/broadcastplan.h"
#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "guipreferences.h"
#include "targets/target.h"

#include <QMainWindow>
#include <QPointer>
#include <QThread>

#include <functional>

class QPushButton;
class QTabWidget;

namespace herald {

class BroadcastTab;
class Broadcaster;
class ComposerWidget;
class ConfirmDialog;
class GroupPanel;
class HistoryWidget;
class HistoryWorker;
class ProfilePanel;
class ProfileStore;
class ResultsPanel;
class SendFlow;
class TargetStatusModel;
class TargetTableModel;
struct HistoryEntry;

// The operator's window: composer and profiles on one side, the live per-target table, the
// history and the target view. It holds no broadcast logic: the core does, the models show it.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // `groupDirectory` empty: the "groups" folder beside the profile directory, as StoreLocation has it.
    MainWindow(Broadcaster *broadcaster, const QString &profileDirectory, const QString &historyPath,
               const QString &groupDirectory = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    TargetTableModel *resultsModel() const { return m_results; }
    HistoryWidget *historyWidget() const { return m_history; }
    // Methods that are not safe, to more than `threshold` targets, ask first; -1 never asks.
    void setConfirmationThreshold(int threshold) { m_prefs.confirmAbove = threshold; }
    // Above `threshold` targets the operator types the count to confirm; -1 never.
    void setTypedConfirmationThreshold(int threshold) { m_prefs.typeCountAbove = threshold; }
    // The methods sent without asking (compared case-insensitively); GET, HEAD and OPTIONS by default.
    void setSafeMethods(const QStringList &methods) { m_prefs.safeMethods = methods; }
    void setHistoryRetention(int entries, int days)
    {
        m_prefs.keepEntries = entries;
        m_prefs.keepDays = days;
    }
    bool isBroadcasting() const { return m_broadcast; }

public Q_SLOTS:
    void send();
    void sendAgain();
    void sendAgainToFailed();
    void cancel();

Q_SIGNALS:
    void broadcastFinished();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // `groups`: the names the targets come from, which the operator may type instead of the count.
    void confirmThen(const BroadcastRequest &request, const QList<Target> &targets, std::function<void()> go,
                     const QStringList &groups = {});
    void start(const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options,
               const QString &profile);
    void onResolved(const BroadcastPlan &plan, const QList<Target> &targets, const QString &error);
    void onFinished(Broadcast *broadcast);
    void onRerunFromHistory(const HistoryEntry &entry, const QList<Target> &targets);
    void validate();
    void updateButtons();
    void refreshTargets();
    void status(const QString &message);
    void editPreferences();
    bool mayDiscardEdits();
    void saveSettings() const;
    void restoreSettings();
    void buildMenus();

    Broadcaster *m_broadcaster;
    ProfileStore *m_profileStore;
    ComposerWidget *m_composer;
    ProfilePanel *m_profiles;
    TargetTableModel *m_results;
    ResultsPanel *m_resultsPanel;
    TargetStatusModel *m_targetStatus;
    HistoryWidget *m_history;
    HistoryWorker *m_historyWorker;
    QThread m_historyThread;
    QTabWidget *m_tabs;
    GroupPanel *m_groups;
    BroadcastTab *m_broadcastTab = nullptr;
    QPushButton *m_send;
    QPushButton *m_cancel;
    QPushButton *m_again;
    QPushButton *m_againFailed;
    QPointer<Broadcast> m_broadcast;
    QPointer<ConfirmDialog> m_confirm;
    SendFlow *m_sendFlow;
    QString m_sendingProfile;
    QString m_inputError; // why the composer cannot be sent now; "" when it can
    BroadcastRequest m_lastRequest;
    BroadcastOptions m_lastOptions;
    QList<Target> m_lastTargets;
    QString m_lastProfile;
    GuiPreferences m_prefs;
};

} // namespace herald
