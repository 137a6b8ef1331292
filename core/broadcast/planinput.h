#pragma once

#include "broadcast/broadcastoptions.h"
#include "policy/outcomepolicy.h"
#include "policy/statusrule.h"
#include "policy/verifyrule.h"
#include "store/groupstore.h"
#include "store/profile.h"
#include "targets/targetsourcespec.h"
#include "util/httpheaders.h"

#include <QHash>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace herald {

// What a face hands to BroadcastPlan, as plain values: a profile (stored, the composer's state,
// or send's METHOD and PATH), values for its parameters, the face's overrides and its defaults.
// Nothing is checked or combined here; BroadcastPlan::make does that, the same way for every face.
struct PlanInput
{
    Profile profile;
    bool literal = false;           // path, headers and body are sent as written: no {parameters}
    QHash<QString, QString> values; // parameter values as given; "" was given empty

    // Overrides (send's flags): each one that is set wins over the profile.
    HttpHeaders headers; // each replaces the headers of its name, in order
    std::optional<QByteArray> body;
    std::optional<int> retries;
    std::optional<int> timeoutMs;
    std::optional<int> deadlineMs;
    std::optional<OutcomePolicy> policy;
    std::optional<StatusRule> retryOn;
    std::optional<VerifyRule> verify; // send's --verify: replaces the profile's "verify"
    std::optional<TargetSourceSpec> targets;
    QStringList groups;                     // send's --group, the composer's picks: with `targets`, the explicit set
    std::optional<QHostAddress> nameserver; // applied to whichever target source is chosen
    std::optional<QString> scheme;          // likewise

    // Where the names in `groups` and the profile's "group" are looked up.
    GroupStore groupStore;

    // The face's defaults, used where neither an override nor the profile says.
    BroadcastOptions defaults;
    std::optional<TargetSourceSpec> defaultTargets;
    QString defaultTargetsError; // the default could not be read; an error only when it is needed
    bool runningTargets = false; // after the default: the face's own live targets (serve's admin API)
    QString noTargetsHint;       // completes "no targets: ..." with what the operator can do

    // The admin API's rules: an admin run waits for and reports every target, so async and first
    // become all; a profile's DNS or SRV targets give way to the instance's own.
    bool reportEveryTarget = false;
    bool staticProfileTargetsOnly = false;
};

} // namespace herald
