#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "policy/headerpolicy.h"
#include "targets/targetsourcespec.h"
#include "transport/transportfactory.h"

#include <QStringList>

class QCommandLineParser;

namespace herald {

// `herald send`: one broadcast from flags or a profile, a table (or JSON) of per-target
// results, and an exit code that tells whether the policy was met.
class SendCommand
{
public:
    enum ExitCode { PolicyMet = 0, PolicyNotMet = 1, UsageError = 2 };

    // Parses `arguments` (starting with "send"), broadcasts, prints, returns the exit code.
    static int run(const QStringList &arguments);

private:
    struct Plan
    {
        BroadcastRequest request;
        BroadcastOptions options;
        TargetSourceSpec source;
        HeaderPolicy headerPolicy;
        int perTargetConcurrency = 6;
        bool insecure = false;
        TransportKind transport = TransportKind::Qnam;
        bool json = false;
        QString historyPath; // empty: do not record
        QString profileName;
    };

    static void addOptions(QCommandLineParser &parser);
    // Turns the parsed command line into a plan; returns an error message naming the option.
    static QString makePlan(const QCommandLineParser &parser, Plan *plan);
    static int execute(const Plan &plan);
};

} // namespace herald
