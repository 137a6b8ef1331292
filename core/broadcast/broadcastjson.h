#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/responsecomparison.h"
#include "broadcast/targetresult.h"
#include "targets/targetform.h"

#include <QJsonObject>

#include <functional>
#include <vector>

namespace herald {

// The one JSON shape of a broadcast's results, shared by `herald send --json`, the listener's
// answers and the history: {"ok", "policy", "summary": {...}, "targets": [...]}, and with a
// comparison "disagree" and "groups" (ResponseComparison) too; with a verify rule "verified" (every
// target's check held) and per target "verified", "verifyError" and "verifyEvidence".
class BroadcastJson
{
public:
    static QJsonObject targetToJson(const TargetResult &result, bool withAttempts = true);
    static QJsonObject toJson(const BroadcastSummary &summary, const QList<TargetResult> &results,
                              const ResponseComparison *comparison = nullptr);
    // The same document as QJsonDocument(toJson(...)).toJson(Compact), keys in the same order,
    // written straight into bytes: the listener answers every broadcast with it, and building
    // QJsonObjects cost a sixth of the CPU per broadcast (docs/performance.md).
    // `forms`, index for index with `results` (Broadcast::targetForms()), gives the target URLs
    // already written out.
    static QByteArray toCompactJson(const BroadcastSummary &summary, const QList<TargetResult> &results,
                                    const ResponseComparison *comparison = nullptr, const std::vector<TargetForm> *forms = nullptr);
    // The same, with the `count` results read through `resultAt` where they are kept (a
    // Broadcast's own), so the answer copies no TargetResult.
    static QByteArray toCompactJson(const BroadcastSummary &summary, qsizetype count, const TargetResultAt &resultAt,
                                    const ResponseComparison *comparison = nullptr, const std::vector<TargetForm> *forms = nullptr);
};

} // namespace herald
