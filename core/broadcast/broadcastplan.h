#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "broadcast/planinput.h"
#include "targets/targetsource.h"
#include "targets/targetsourcespec.h"

namespace herald {

// One broadcast as every face runs it: the request, the options and where the targets come from,
// made from a PlanInput by the one set of rules (parameters, overrides, defaults, precedence).
struct BroadcastPlan
{
    BroadcastRequest request;
    BroadcastOptions options;
    bool hasSource = false;  // false: the face's own running targets (PlanInput::runningTargets)
    TargetSourceSpec source; // resolved once: refreshIntervalMs is 0
    // Further sources when groups resolved by DNS or SRV join in: the broadcast goes to the union
    // (static lists are merged into `source`, duplicates removed).
    QList<TargetSourceSpec> moreSources;
    QStringList groups;  // the groups the targets come from, for the operator's confirmation
    QString profileName; // empty for a literal request

    // Fills *plan, or returns false with an error naming the parameter or field:
    // `parameter "prefix": a value is required`. *plan is untouched on error.
    static bool make(const PlanInput &input, BroadcastPlan *plan, QString *error);
    // The live source of every target of the plan (hasSource must be true).
    TargetSource *createSource(QObject *parent) const;

private:
    static bool makeRequest(const PlanInput &input, BroadcastRequest *request, QString *error);
    static BroadcastOptions makeOptions(const PlanInput &input);
    static bool chooseSource(const PlanInput &input, BroadcastPlan *plan, QString *error);
    static bool addGroups(const PlanInput &input, const QStringList &names, QList<TargetSourceSpec> *specs, QString *error);
    static void mergeSources(const QList<TargetSourceSpec> &specs, BroadcastPlan *plan);
};

} // namespace herald
