#pragma once

#include "policy/headerpolicy.h"
#include "policy/outcomepolicy.h"
#include "policy/statusrule.h"
#include "policy/verifyrule.h"
#include "store/groupstore.h"
#include "store/historystore.h"
#include "store/profilestore.h"
#include "targets/targetsourcespec.h"
#include "transport/transportfactory.h"
#include "util/curlcommand.h"
#include "util/httpheaders.h"

#include <QByteArrayList>

#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

// Everything `herald send` is configured with, read once from the command line and the
// environment (SendSettings): each value as given, no rules across values yet (BroadcastPlan's job).
struct SendConfig
{
    QStringList positional;              // METHOD PATH
    std::optional<CurlCommand> fromCurl; // --from-curl: method, path, headers, body and a default target
    std::optional<QString> profile;
    QString profileDirectory = ProfileStore::defaultDirectory();
    QHash<QString, QString> values; // --set
    bool setGiven = false;
    HttpHeaders headers;
    std::optional<QByteArray> body;
    QString bodyArgument; // --data as given, for --print-config
    std::optional<int> retries;
    std::optional<int> timeoutMs;
    std::optional<int> deadlineMs;
    std::optional<OutcomePolicy> policy;
    std::optional<StatusRule> retryOn;
    std::optional<VerifyRule> verify;        // --verify: the check after the broadcast
    std::optional<TargetSourceSpec> targets; // --target, --dns or --srv
    QStringList groups;                      // --group: joins --target, --dns or --srv
    QString groupDirectory = GroupStore::defaultDirectory();
    QStringList targetFlags;                        // which of those were given: at most one may be
    std::optional<TargetSourceSpec> defaultTargets; // HERALD_TARGETS: used when neither a flag nor the profile says
    QString defaultTargetsError;                    // HERALD_TARGETS could not be read; an error only when it is needed
    std::optional<QHostAddress> nameserver;
    std::optional<QString> scheme;
    HeaderPolicy headerPolicy;
    int perTargetConcurrency = 6;
    bool http2 = false;
    bool insecure = false;
    TransportKind transport = TransportKind::Lean;
    bool json = false;
    bool dryRun = false;                               // print what each target would receive, send nothing
    bool printCurl = false;                            // print a curl command per target, send nothing
    QString reportPath;                                // --report: .json or .csv, written after the broadcast
    QByteArrayList compareHeaders;                     // response headers the comparison groups by, besides status and body
    QString historyPath = HistoryStore::defaultPath(); // empty: do not record
};

} // namespace herald
