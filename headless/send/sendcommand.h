#pragma once

#include "broadcast/broadcastplan.h"
#include "broadcast/planinput.h"
#include "policy/headerpolicy.h"
#include "transport/transportfactory.h"

#include <QStringList>

#include <optional>

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
    // The command line as read: every flag turned into a value (errors name the flag), no rules yet.
    struct Flags
    {
        QStringList positional; // METHOD PATH
        std::optional<QString> profile;
        QString profileDirectory;
        QHash<QString, QString> values; // --set
        bool setGiven = false;
        HttpHeaders headers;
        std::optional<QByteArray> body;
        std::optional<int> retries;
        std::optional<int> timeoutMs;
        std::optional<int> deadlineMs;
        std::optional<OutcomePolicy> policy;
        std::optional<StatusRule> retryOn;
        std::optional<TargetSourceSpec> targets; // --target, --dns or --srv
        std::optional<QHostAddress> nameserver;
        std::optional<QString> scheme;
        HeaderPolicy headerPolicy;
        int perTargetConcurrency = 6;
        bool http2 = false;
        bool insecure = false;
        TransportKind transport = TransportKind::Qnam;
        bool json = false;
        QString historyPath; // empty: do not record
    };

    static void addOptions(QCommandLineParser &parser);
    // Reads the parsed command line into flags; returns an error message naming the option.
    static QString readFlags(const QCommandLineParser &parser, Flags *flags);
    // Loads the profile (or takes METHOD and PATH) and adds send's defaults: the plan's input.
    static QString planInput(const Flags &flags, PlanInput *input);
    static int execute(const Flags &flags, const BroadcastPlan &plan);
};

} // namespace herald
