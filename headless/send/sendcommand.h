#pragma once

#include "broadcast/broadcastplan.h"
#include "broadcast/planinput.h"
#include "send/sendconfig.h"

#include <QStringList>

namespace herald {

// `herald send`: one broadcast from flags or a profile, a table (or JSON) of per-target
// results, and an exit code that tells whether the policy was met (and, with --verify, whether
// every target's check held).
class SendCommand
{
public:
    enum ExitCode { PolicyMet = 0, PolicyNotMet = 1, UsageError = 2, NotVerified = 3 };

    // Parses `arguments` (starting with "send"), broadcasts, prints, returns the exit code.
    static int run(const QStringList &arguments);
    // Loads the profile (or takes METHOD and PATH) and adds send's defaults: the plan's input.
    static QString planInput(const SendConfig &config, PlanInput *input);

private:
    static int execute(const SendConfig &config, const BroadcastPlan &plan);
};

} // namespace herald
