#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "targets/target.h"
#include "util/httpheaders.h"

#include <QList>
#include <QString>

namespace herald {

// What BroadcastAdmission decided about one request, read by value.
struct AdmissionDecision
{
    enum class Verdict {
        Broadcast, // start it: request, targets and options are resolved
        Publish,   // store it in the relay stream: request is resolved
        DryRun,    // X-Herald-Dry-Run: answer what each target would receive and send nothing
        Preflight, // a CORS preflight for an allowed origin: answer 204 with `headers`
        Echo,      // HERALD_TARGETS=localonly: answer with the request itself, send nothing
        Refused,   // answer `status` with `reason` (and `headers`), count it under `metric`
    };

    Verdict verdict = Verdict::Refused;
    int status = 0;
    QString reason;
    QString metric;      // herald_rejected_total's reason label
    HttpHeaders headers; // Retry-After, WWW-Authenticate, or the CORS answer
    // On every answer to this request, whatever the verdict: CORS for an allowed Origin, X-Request-ID.
    HttpHeaders answerHeaders;
    BroadcastRequest request;
    QList<Target> targets;
    BroadcastOptions options;
    bool answerWinner = false; // answer with the winning target's own answer (HERALD_ANSWER), not the summary
    qint64 winnerMaxBody = 0;  // then: its largest body passed back whole

    bool isAsync() const { return options.policy.kind == OutcomePolicy::Kind::Async; }
};

} // namespace herald
