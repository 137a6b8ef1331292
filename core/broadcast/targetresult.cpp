#include "broadcast/targetresult.h"

namespace herald {

QString targetStateName(TargetState state)
{
    switch (state) {
    case TargetState::Pending:
        return QStringLiteral("pending");
    case TargetState::Sending:
        return QStringLiteral("sending");
    case TargetState::Retrying:
        return QStringLiteral("retrying");
    case TargetState::Done:
        return QStringLiteral("done");
    }
    return {};
}

QString targetOutcomeName(TargetOutcome outcome)
{
    switch (outcome) {
    case TargetOutcome::None:
        return QStringLiteral("pending");
    case TargetOutcome::Ok:
        return QStringLiteral("ok");
    case TargetOutcome::HttpError:
        return QStringLiteral("http-error");
    case TargetOutcome::Timeout:
        return QStringLiteral("timeout");
    case TargetOutcome::Refused:
        return QStringLiteral("refused");
    case TargetOutcome::Dns:
        return QStringLiteral("dns");
    case TargetOutcome::Error:
        return QStringLiteral("error");
    case TargetOutcome::CircuitOpen:
        return QStringLiteral("circuit-open");
    case TargetOutcome::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QList<Target> TargetResult::failedTargets(const QList<TargetResult> &results)
{
    QList<Target> failed;
    for (const TargetResult &result : results) {
        if (!result.succeeded())
            failed.append(result.target);
    }
    return failed;
}

} // namespace herald
