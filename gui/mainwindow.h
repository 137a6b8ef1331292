#pragma once

#include "broadcast/broadcast.h"
#include "broadcast/broadcastplan.h"
#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "targets/target.h"

#include <QMainWindow>
#include <QPointer>
#include <QThread>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTabWidget;

namespace herald {


class Broadcaster;
class ComposerWidget;
class HistoryWidget;
class HistoryWorker;
class ProfilePanel;
class ProfileStore;
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
    MainWindow(Broadcaster *broadcaster, const QString &profileDirectory, const QString &historyPath,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    TargetTableModel *resultsModel() const { return m_results; }
    HistoryWidget *historyWidget() const { return m_history; }
    // Destructive methods to more than `threshold` targets ask first; -1 never asks.
    void setConfirmationThreshold(int threshold) { m_confirmThreshold = threshold; }
    void setHistoryRetention(int entries, int days);
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
    void start(const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options,
               const QString &profile);
    void onResolved(const BroadcastPlan &plan, const QList<Target> &targets, const QString &error);
    void onFinished(Broadcast *broadcast);
    void onRerunFromHistory(const HistoryEntry &entry);
    void showDetails(int row);
    void updateSummary();
    void updateButtons();
    void refreshTargets();
    void status(const QString &message);
    QWidget *buildBroadcastTab();
    QWidget *buildTargetsTab();

    Broadcaster *m_broadcaster;
    ProfileStore *m_profileStore;
    ComposerWidget *m_composer;
    ProfilePanel *m_profiles;
    TargetTableModel *m_results;
    TargetStatusModel *m_targetStatus;
    HistoryWidget *m_history;
    HistoryWorker *m_historyWorker;
    QThread m_historyThread;
    QTabWidget *m_tabs;
    QTableView *m_resultsView;
    QLabel *m_summary;
    QPlainTextEdit *m_details;
    QPushButton *m_send;
    QPushButton *m_cancel;
    QPushButton *m_again;
    QPushButton *m_againFailed;
    QPointer<Broadcast> m_broadcast;
    SendFlow *m_sendFlow;
    QString m_sendingProfile;
    BroadcastRequest m_lastRequest;
    BroadcastOptions m_lastOptions;
    QList<Target> m_lastTargets;
    QString m_lastProfile;
    int m_confirmThreshold = 1;
    int m_keepEntries = 1000;
    int m_keepDays = 90;
};

} // namespace herald
