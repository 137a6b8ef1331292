#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "broadcast/responsecomparison.h"
#include "policy/concurrencylimiter.h"
#include "broadcast/targetresult.h"
#include "targets/targetform.h"
#include "transport/transport.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace herald {

class Broadcaster;

// One broadcast under way (the job). Emits targetUpdated() on each state change of a target,
// decided() once the policy's verdict is known (at once for async, at the first success for
// first, else at the end) and finished() exactly once when every target is done. With a verify
// rule a target is done once its check after the broadcast is (its state stays Sending meanwhile).
class Broadcast : public QObject, private TransportCallReceiver
{
    Q_OBJECT
public:
    ~Broadcast() override;

    const BroadcastRequest &request() const { return m_request; }
    const BroadcastOptions &options() const { return m_options; }
    int targetCount() const { return static_cast<int>(m_targets.size()); }
    const TargetResult &result(int index) const { return m_targets[index].result; }
    // The target's identity (Target::key()), worked out once per target list (Broadcaster::formsOf).
    const QString &targetKey(int index) const { return (*m_forms)[index].key(); }
    // What the broadcast derived from each target (its key, Host line, URL text), index for index.
    const std::vector<TargetForm> &targetForms() const { return *m_forms; }
    QList<TargetResult> results() const;
    // The results where the broadcast keeps them, for a reader that need not copy them.
    TargetResultAt resultAt() const;
    BroadcastSummary summary() const;
    // The targets grouped by answer (options().compareHeaders), of the targets done so far. Made
    // once per count of done targets: the answer, the metrics and the admin API all read it.
    const ResponseComparison &comparison() const;
    bool isDecided() const { return m_decided; }
    bool isFinished() const { return m_finished; }
    // The target whose answer decided a `first` broadcast, or -1.
    int decidingIndex() const { return m_decidingIndex; }
    qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }

    void setAutoDelete(bool autoDelete) { m_autoDelete = autoDelete; }
    // Stops every attempt in flight; targets not done end as cancelled.
    void cancel();

Q_SIGNALS:
    void targetUpdated(int index);
    void decided();
    void finished();

private:
    friend class Broadcaster;
    Broadcast(Broadcaster *owner, const BroadcastRequest &request, const QList<Target> &targets, const BroadcastOptions &options);

    struct TargetRun
    {
        TargetResult result;
        TransportTicket attempt; // the attempt under way (Transport::start)
        QTimer *retryTimer = nullptr;
        TransportCall *checkCall = nullptr; // the GET before (body-changed) or the check after the broadcast
        bool verifying = false;             // the outcome is known, the check after it is under way
        ConcurrencyLimiter::Ticket ticket = 0;
        bool waitingForSlot = false;
        bool holdsSlot = false;
        qint64 attemptStartedMs = 0;
    };

    void begin();
    void requestAttempt(int index);
    void launchAttempt(int index);
    // An attempt's end (TransportCallReceiver), tagged with the target's index.
    void transportCallFinished(int index, const TransportResponse &response) override;
    void onAttemptFinished(int index, const TransportResponse &response);
    void scheduleRetry(int index);
    void sendCheck(int index, bool beforeBroadcast);
    void onCheckFinished(int index, bool beforeBroadcast, const TransportResponse &response);
    void finishTarget(int index, TargetOutcome outcome, const QString &error);
    void completeTarget(int index);
    void stopTarget(int index);
    void timerEvent(QTimerEvent *event) override;
    void onDeadline();
    void maybeDecide();
    void maybeFinish();

    Broadcaster *m_owner;
    BroadcastRequest m_request;
    BroadcastOptions m_options;
    std::vector<TargetRun> m_targets;
    std::shared_ptr<const std::vector<TargetForm>> m_forms; // index for index with m_targets
    HttpHeaders m_commonHeaders;                            // HeaderPolicy::commonHeaders, made in begin()
    bool m_targetHost = false;
    QElapsedTimer m_clock;
    QBasicTimer m_deadline; // not a QTimer: no QObject and no connection per broadcast
    int m_done = 0;
    int m_succeeded = 0;
    int m_decidingIndex = -1;
    bool m_decided = false;
    bool m_finished = false;
    bool m_autoDelete = true;
    bool m_beginPending = false; // in the Broadcaster's list of those to begin
    bool m_retired = false;      // in the Broadcaster's list of those to delete
    mutable ResponseComparison m_comparison;
    mutable int m_comparedAtDone = -1;
};

} // namespace herald
