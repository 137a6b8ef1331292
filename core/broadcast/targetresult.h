#pragma once

#include "util/httpheaders.h"
#include "targets/target.h"

#include <QList>
#include <QString>

#include <functional>

namespace herald {

enum class TargetState { Pending, Sending, Retrying, Done };
enum class TargetOutcome { None, Ok, HttpError, Timeout, Refused, Dns, Error, CircuitOpen, Cancelled };

QString targetStateName(TargetState state);
// Names used in JSON, tables and metrics: ok, http-error, timeout, refused, dns, error, circuit-open, cancelled.
QString targetOutcomeName(TargetOutcome outcome);

struct AttemptRecord
{
    int number = 0;       // 1 for the first attempt
    qint64 startedMs = 0; // since the broadcast began
    qint64 latencyMs = 0;
    int status = 0; // 0 when no HTTP answer came
    QString error;  // empty on an HTTP answer
};

// The check after a target's broadcast (BroadcastOptions::verify): whether the rule held and
// what the target answered. Empty (asked false) when no rule was given.
struct VerifyResult
{
    bool asked = false;
    bool verified = false;
    QString error;               // why not verified: the clause that failed, or the broadcast's outcome
    int status = 0;              // of the check; 0 when it got no HTTP answer
    HttpHeaders headers;         // the headers the rule looked at, as the check saw them
    QByteArray bodySha256Before; // hex, body-changed only
    QByteArray bodySha256;
};

// What happened to one target of a broadcast; a copyable snapshot.
struct TargetResult
{
    Target target;
    TargetState state = TargetState::Pending;
    TargetOutcome outcome = TargetOutcome::None;
    int status = 0;
    qint64 latencyMs = 0; // of the last attempt
    qint64 retryAtMs = 0; // when Retrying: when the next attempt starts, since the broadcast began
    QString error;
    QList<AttemptRecord> attempts;
    QByteArray reason;
    HttpHeaders responseHeaders;
    QByteArray responseBody; // the first bytes, bounded by BroadcastOptions::bodyLimit
    qint64 responseBytes = 0;
    VerifyResult verify;

    bool succeeded() const { return outcome == TargetOutcome::Ok; }
    bool isDone() const { return state == TargetState::Done; }

    // The targets "send again to failed" goes to: every one whose result did not succeed.
    static QList<Target> failedTargets(const QList<TargetResult> &results);
};

// Reads result `index` where it is kept (a Broadcast's own, or a list): the answer and the
// comparison walk a broadcast's results without copying them into a list first.
using TargetResultAt = std::function<const TargetResult &(qsizetype index)>;

} // namespace herald
