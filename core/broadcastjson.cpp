#include "broadcastjson.h"

#include <QJsonArray>

namespace herald {

QJsonObject BroadcastJson::targetToJson(const TargetResult &result, bool withAttempts)
{
    QJsonObject json;
    json.insert(QLatin1String("target"), result.target.baseUrl.toString());
    json.insert(QLatin1String("outcome"), targetOutcomeName(result.outcome));
    json.insert(QLatin1String("state"), targetStateName(result.state));
    if (result.status > 0)
        json.insert(QLatin1String("status"), result.status);
    json.insert(QLatin1String("latencyMs"), result.latencyMs);
    json.insert(QLatin1String("attempts"), result.attempts.size());
    if (!result.error.isEmpty())
        json.insert(QLatin1String("error"), result.error);
    if (withAttempts && result.attempts.size() > 1) {
        QJsonArray attempts;
        for (const AttemptRecord &attempt : result.attempts) {
            QJsonObject entry{{QLatin1String("startedMs"), attempt.startedMs},
                              {QLatin1String("latencyMs"), attempt.latencyMs}};
            if (attempt.status > 0)
                entry.insert(QLatin1String("status"), attempt.status);
            if (!attempt.error.isEmpty())
                entry.insert(QLatin1String("error"), attempt.error);
            attempts.append(entry);
        }
        json.insert(QLatin1String("attemptLog"), attempts);
    }
    return json;
}

QJsonObject BroadcastJson::toJson(const BroadcastSummary &summary, const QList<TargetResult> &results)
{
    QJsonArray targets;
    for (const TargetResult &result : results)
        targets.append(targetToJson(result));
    QJsonObject counts{{QLatin1String("total"), summary.total},
                       {QLatin1String("succeeded"), summary.succeeded},
                       {QLatin1String("failed"), summary.failed},
                       {QLatin1String("pending"), summary.pending},
                       {QLatin1String("durationMs"), summary.durationMs}};
    QJsonObject json{{QLatin1String("ok"), summary.policyMet},
                     {QLatin1String("policy"), summary.policy.toString()},
                     {QLatin1String("summary"), counts},
                     {QLatin1String("targets"), targets}};
    if (!summary.reason.isEmpty())
        json.insert(QLatin1String("reason"), summary.reason);
    return json;
}

} // namespace herald
