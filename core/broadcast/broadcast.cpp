#include "broadcast/broadcast.h"

#include "broadcast/broadcaster.h"
#include "broadcast/targetrequest.h"
#include "broadcast/verifier.h"

#include <QLoggingCategory>
#include <QTimerEvent>

Q_LOGGING_CATEGORY(lcBroadcast, "herald.core")

namespace herald {

static TargetOutcome outcomeForError(TransportError error)
{
    switch (error) {
    case TransportError::Timeout:
        return TargetOutcome::Timeout;
    case TransportError::Refused:
        return TargetOutcome::Refused;
    case TransportError::HostNotFound:
        return TargetOutcome::Dns;
    default:
        return TargetOutcome::Error;
    }
}

Broadcast::Broadcast(Broadcaster *owner, const BroadcastRequest &request, const QList<Target> &targets,
                     const BroadcastOptions &options)
    : QObject(owner)
    , m_owner(owner)
    , m_request(request)
    , m_options(options)
    , m_forms(owner->formsOf(targets))
{
    m_targets.resize(targets.size());
    for (int i = 0; i < targets.size(); ++i)
        m_targets[i].result.target = targets.at(i);
    // Work begins on a later event-loop turn so that callers can connect first.
    owner->scheduleBegin(this);
}

Broadcast::~Broadcast()
{
    m_owner->forget(this);
    for (int i = 0; i < targetCount(); ++i)
        stopTarget(i);
}

const ResponseComparison &Broadcast::comparison() const
{
    if (m_comparedAtDone != m_done) {
        m_comparison = ResponseComparison::compare(targetCount(), resultAt(), m_options.compareHeaders);
        m_comparedAtDone = m_done;
    }
    return m_comparison;
}

TargetResultAt Broadcast::resultAt() const
{
    return [this](qsizetype index) -> const TargetResult & { return m_targets[size_t(index)].result; };
}

QList<TargetResult> Broadcast::results() const
{
    QList<TargetResult> list;
    list.reserve(targetCount());
    for (const TargetRun &run : m_targets)
        list.append(run.result);
    return list;
}

BroadcastSummary Broadcast::summary() const
{
    BroadcastSummary summary;
    summary.total = targetCount();
    summary.succeeded = m_succeeded;
    summary.failed = m_done - m_succeeded;
    summary.pending = summary.total - m_done;
    summary.durationMs = elapsedMs();
    summary.finished = m_finished;
    summary.policy = m_options.policy;
    summary.policyMet = m_options.policy.isMet(m_succeeded, summary.total);
    if (summary.total == 0)
        summary.reason = QStringLiteral("no targets");
    else if (!summary.policyMet && m_finished)
        summary.reason = QStringLiteral("%1 of %2 targets failed; policy %3 needs %4 to succeed")
                             .arg(summary.failed)
                             .arg(summary.total)
                             .arg(m_options.policy.toString())
                             .arg(m_options.policy.required(summary.total));
    summary.verifyAsked = !m_options.verify.isEmpty();
    if (summary.verifyAsked) {
        for (const TargetRun &run : m_targets)
            summary.verified += run.result.verify.verified ? 1 : 0;
    }
    return summary;
}

void Broadcast::begin()
{
    if (m_finished)
        return;
    m_clock.start();
    if (m_targets.empty()) {
        qCInfo(lcBroadcast) << "broadcast" << m_request.method << m_request.pathAndQuery << "has no targets";
        maybeDecide();
        maybeFinish();
        return;
    }
    m_commonHeaders = m_owner->headerPolicy().commonHeaders(m_request, &m_targetHost);
    if (m_options.deadlineMs > 0)
        m_deadline.start(m_options.deadlineMs, this);
    if (m_options.policy.kind == OutcomePolicy::Kind::Async) {
        m_decided = true;
        Q_EMIT decided();
    }
    for (int i = 0; i < targetCount(); ++i) {
        if (!m_owner->circuitBreaker().allow(targetKey(i), m_owner->nowMs())) {
            finishTarget(i, TargetOutcome::CircuitOpen,
                         QStringLiteral("circuit open after %1 consecutive failures")
                             .arg(m_owner->circuitBreaker().consecutiveFailures(targetKey(i))));
            continue;
        }
        if (m_options.verify.needsBodyBefore())
            sendCheck(i, true);
        else
            requestAttempt(i);
        if (m_finished)
            return;
    }
}

void Broadcast::requestAttempt(int index)
{
    TargetRun &run = m_targets[index];
    run.waitingForSlot = true;
    run.ticket = m_owner->limiter().acquire(targetKey(index), [this, index] { launchAttempt(index); });
}

void Broadcast::launchAttempt(int index)
{
    TargetRun &run = m_targets[index];
    run.waitingForSlot = false;
    run.holdsSlot = true;
    run.attemptStartedMs = elapsedMs();
    run.result.state = TargetState::Sending;

    const TransportRequest request = TargetRequest::make(m_request, run.result.target, (*m_forms)[index], m_commonHeaders,
                                                         m_targetHost, m_options, static_cast<int>(run.result.attempts.size()));
    run.attempt = m_owner->transport()->start(request, this, index);
    Q_EMIT targetUpdated(index);
}

void Broadcast::transportCallFinished(int index, const TransportResponse &response)
{
    onAttemptFinished(index, response);
}

void Broadcast::onAttemptFinished(int index, const TransportResponse &response)
{
    TargetRun &run = m_targets[index];
    run.attempt = {}; // ended: the transport has let go of it
    if (run.holdsSlot) {
        run.holdsSlot = false;
        m_owner->limiter().release(targetKey(index));
    }

    TargetResult &result = run.result;
    AttemptRecord attempt;
    attempt.number = result.attempts.size() + 1;
    attempt.startedMs = run.attemptStartedMs;
    attempt.latencyMs = elapsedMs() - run.attemptStartedMs;
    attempt.status = response.status;
    attempt.error = response.errorString;
    result.attempts.append(attempt);
    result.latencyMs = attempt.latencyMs;
    result.status = response.status;
    result.reason = response.reason;
    result.responseHeaders = response.headers;
    result.responseBody = response.body;
    result.responseBytes = response.bodyBytes;

    const RetryPolicy &retry = m_options.retry;
    const bool retriesLeft = result.attempts.size() <= retry.maxRetries;
    if (response.error == TransportError::None) {
        if (m_options.policy.isSuccessStatus(response.status)) {
            finishTarget(index, TargetOutcome::Ok, {});
            return;
        }
        const QString error = QStringLiteral("HTTP %1 %2").arg(response.status).arg(QString::fromLatin1(response.reason));
        if (retriesLeft && retry.shouldRetryStatus(response.status)) {
            result.error = error;
            scheduleRetry(index);
        } else {
            finishTarget(index, TargetOutcome::HttpError, error.trimmed());
        }
        return;
    }
    if (retriesLeft && retry.retryOnConnectionError) {
        result.error = response.errorString;
        scheduleRetry(index);
        return;
    }
    finishTarget(index, outcomeForError(response.error), response.errorString);
}

void Broadcast::scheduleRetry(int index)
{
    TargetRun &run = m_targets[index];
    const int delay = m_options.retry.delayMs(run.result.attempts.size());
    run.result.state = TargetState::Retrying;
    run.result.retryAtMs = elapsedMs() + delay;
    if (!run.retryTimer) {
        run.retryTimer = new QTimer(this);
        run.retryTimer->setSingleShot(true);
        connect(run.retryTimer, &QTimer::timeout, this, [this, index] { requestAttempt(index); });
    }
    run.retryTimer->start(delay);
    Q_EMIT targetUpdated(index);
}

// The check's requests skip the concurrency limiter: one per target, before its broadcast starts
// or after it ended, never beside its own attempts.
void Broadcast::sendCheck(int index, bool beforeBroadcast)
{
    TargetRun &run = m_targets[index];
    run.result.state = TargetState::Sending;
    const TransportRequest request = Verifier::request(m_request, run.result.target, m_owner->headerPolicy(), m_options);
    run.checkCall = m_owner->transport()->send(request, this);
    connect(run.checkCall, &TransportCall::finished, this, [this, index, beforeBroadcast](const TransportResponse &response) {
        onCheckFinished(index, beforeBroadcast, response);
    });
}

void Broadcast::onCheckFinished(int index, bool beforeBroadcast, const TransportResponse &response)
{
    TargetRun &run = m_targets[index];
    run.checkCall->deleteLater();
    run.checkCall = nullptr;
    if (beforeBroadcast) {
        run.result.verify.bodySha256Before = Verifier::bodyHash(response);
        requestAttempt(index);
        return;
    }
    Verifier::judge(m_options.verify, response, &run.result.verify);
    completeTarget(index);
}

void Broadcast::stopTarget(int index)
{
    TargetRun &run = m_targets[index];
    if (run.checkCall) {
        run.checkCall->abort();
        run.checkCall->deleteLater();
        run.checkCall = nullptr;
    }
    if (run.retryTimer)
        run.retryTimer->stop();
    if (run.waitingForSlot) {
        m_owner->limiter().cancel(run.ticket);
        run.waitingForSlot = false;
    }
    run.attempt.abort();
    if (run.holdsSlot) {
        run.holdsSlot = false;
        m_owner->limiter().release(targetKey(index));
    }
}

void Broadcast::finishTarget(int index, TargetOutcome outcome, const QString &error)
{
    TargetRun &run = m_targets[index];
    if (run.result.isDone())
        return;
    stopTarget(index);
    if (run.verifying) { // the deadline or a cancel stopped the check: the broadcast's outcome stands
        run.result.verify.error = QStringLiteral("the check did not finish: %1").arg(error);
        completeTarget(index);
        return;
    }
    run.result.outcome = outcome;
    run.result.error = error;
    run.result.retryAtMs = 0;
    CircuitBreaker &breaker = m_owner->circuitBreaker();
    switch (outcome) {
    case TargetOutcome::Ok:
        breaker.recordSuccess(targetKey(index));
        break;
    case TargetOutcome::CircuitOpen:
        break;
    case TargetOutcome::Cancelled:
        breaker.releaseProbe(targetKey(index));
        break;
    default:
        breaker.recordFailure(targetKey(index), m_owner->nowMs());
        break;
    }
    if (outcome == TargetOutcome::Ok && m_decidingIndex < 0)
        m_decidingIndex = index;
    if (!m_options.verify.isEmpty()) {
        run.result.verify.asked = true;
        if (outcome == TargetOutcome::Ok) {
            run.verifying = true;
            sendCheck(index, false);
            Q_EMIT targetUpdated(index);
            maybeDecide(); // `first` answers with the winner without waiting for its check
            return;
        }
        run.result.verify.error = QStringLiteral("the broadcast failed (%1)").arg(targetOutcomeName(outcome));
    }
    completeTarget(index);
}

void Broadcast::completeTarget(int index)
{
    TargetRun &run = m_targets[index];
    run.verifying = false;
    run.result.state = TargetState::Done;
    ++m_done;
    if (run.result.outcome == TargetOutcome::Ok)
        ++m_succeeded;
    Q_EMIT targetUpdated(index);
    maybeDecide();
    maybeFinish();
}

void Broadcast::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_deadline.timerId())
        return QObject::timerEvent(event);
    m_deadline.stop(); // once, as a single-shot QTimer would
    onDeadline();
}

void Broadcast::onDeadline()
{
    const QString error = QStringLiteral("broadcast deadline of %1 ms reached").arg(m_options.deadlineMs);
    for (int i = 0; i < targetCount() && !m_finished; ++i)
        finishTarget(i, TargetOutcome::Timeout, error);
}

void Broadcast::cancel()
{
    if (m_finished)
        return;
    if (!m_clock.isValid())
        m_clock.start();
    for (int i = 0; i < targetCount() && !m_finished; ++i)
        finishTarget(i, TargetOutcome::Cancelled, QStringLiteral("cancelled"));
    maybeDecide();
    maybeFinish();
}

void Broadcast::maybeDecide()
{
    if (m_decided)
        return;
    const bool firstWon = m_options.policy.kind == OutcomePolicy::Kind::First && m_decidingIndex >= 0;
    if (!firstWon && m_done < targetCount())
        return;
    m_decided = true;
    Q_EMIT decided();
}

void Broadcast::maybeFinish()
{
    if (m_finished || m_done < targetCount())
        return;
    m_finished = true;
    m_deadline.stop();
    m_owner->onBroadcastFinished(this);
    Q_EMIT finished();
    if (m_autoDelete)
        m_owner->retire(this); // deleted on a later turn, as deleteLater() would, without a posted event
}

} // namespace herald
