#include "send/sendcommand.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjson.h"
#include "broadcast/dryrun.h"
#include "broadcast/responsecomparison.h"
#include "broadcast/runreport.h"
#include "common/settingssources.h"
#include "send/resulttable.h"
#include "send/sendpreview.h"
#include "send/sendsettings.h"
#include "store/historyentry.h"
#include "store/historystore.h"
#include "store/profilestore.h"
#include "targets/targetsource.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

namespace herald {

namespace {

void printError(const QString &message)
{
    std::fprintf(stderr, "herald send: %s\n", qPrintable(message));
}

// The request as written on the command line or in the curl command: its method, path, headers and body.
QString literalRequest(const SendConfig &config, PlanInput *input)
{
    if (config.fromCurl) {
        if (!config.positional.isEmpty())
            return QStringLiteral("--from-curl gives the method and path; do not give METHOD and PATH too");
        input->profile.method = config.fromCurl->method;
        input->profile.path = QString::fromUtf8(config.fromCurl->pathAndQuery());
        input->profile.headers = config.fromCurl->headers;
        input->profile.body = config.fromCurl->body;
        return {};
    }
    if (config.positional.size() != 2)
        return QStringLiteral("expected METHOD and PATH, e.g. 'herald send PURGE /product/42 --target http://varnish:6081'");
    input->profile.method = config.positional.at(0).toLatin1();
    input->profile.path = config.positional.at(1);
    return {};
}

// X-Herald-Dry-Run is serve's switch. Stripping it would send, for real, what the user meant to
// preview (a purge), so send refuses it and points at its own flag.
QString refuseDryRunHeader(const SendConfig &config)
{
    if (hasHeader(config.headers, DryRun::header))
        return QStringLiteral("--header: %1 is serve's; use --dry-run").arg(QLatin1String(DryRun::header));
    if (config.fromCurl && hasHeader(config.fromCurl->headers, DryRun::header))
        return QStringLiteral("--from-curl: %1 is serve's; use --dry-run").arg(QLatin1String(DryRun::header));
    return {};
}

} // namespace

QString SendCommand::planInput(const SendConfig &config, PlanInput *input)
{
    QString error = refuseDryRunHeader(config);
    if (!error.isEmpty())
        return error;
    if (config.profile && config.fromCurl)
        return QStringLiteral("use only one of --from-curl and --profile");
    if (config.profile) {
        const QString &name = *config.profile;
        const bool loaded = name.endsWith(QLatin1String(".json")) || name.contains(QLatin1Char('/'))
                                ? ProfileStore::loadFile(name, &input->profile, &error)
                                : ProfileStore(config.profileDirectory).load(name, &input->profile, &error);
        if (!loaded)
            return QStringLiteral("--profile: %1").arg(error);
        if (!config.positional.isEmpty())
            return QStringLiteral("METHOD and PATH come from the profile '%1'; do not give them too").arg(name);
        input->values = config.values;
    } else {
        if (config.setGiven)
            return QStringLiteral("--set fills profile parameters; it needs --profile");
        error = literalRequest(config, input);
        if (!error.isEmpty())
            return error;
        input->literal = true;
    }
    input->headers = config.headers;
    input->body = config.body;
    input->retries = config.retries;
    input->timeoutMs = config.timeoutMs;
    input->deadlineMs = config.deadlineMs;
    input->policy = config.policy;
    input->retryOn = config.retryOn;
    input->verify = config.verify;
    input->targets = config.targets;
    input->groups = config.groups;
    input->groupStore = GroupStore(config.groupDirectory);
    // Target flags > the curl command's URL > HERALD_TARGETS: the command line wins over the environment.
    if (!input->targets && config.fromCurl) {
        QString targetError;
        const Target target = Target::parse(QString::fromUtf8(config.fromCurl->targetBase()), &targetError);
        if (!targetError.isEmpty())
            return QStringLiteral("--from-curl: %1").arg(targetError);
        TargetSourceSpec spec;
        spec.targets = {target};
        input->targets = spec;
    }
    input->nameserver = config.nameserver;
    input->scheme = config.scheme;
    input->defaults.http2 = config.http2 || (config.fromCurl && config.fromCurl->http2);
    input->defaults.compareHeaders = config.compareHeaders;
    if (!input->timeoutMs && config.fromCurl && config.fromCurl->maxTimeMs > 0)
        input->timeoutMs = config.fromCurl->maxTimeMs;
    input->defaultTargets = config.defaultTargets;
    input->defaultTargetsError = config.defaultTargetsError;
    input->noTargetsHint = QStringLiteral("give --target, --dns, --srv, --group, a profile with targets, or set HERALD_TARGETS");
    return {};
}

int SendCommand::execute(const SendConfig &config, const BroadcastPlan &plan)
{
    QEventLoop loop;
    TargetSource *source = plan.createSource(&loop);
    if (!source->isResolved()) {
        QTimer::singleShot(plan.options.deadlineMs, &loop, &QEventLoop::quit);
        QObject::connect(source, &TargetSource::refreshed, &loop, &QEventLoop::quit);
        source->refresh();
        loop.exec();
    }
    if (!source->isResolved()) {
        printError(
            QStringLiteral("cannot resolve targets (%1): %2")
                .arg(source->description(), source->lastError().isEmpty() ? QStringLiteral("no answer") : source->lastError()));
        return PolicyNotMet;
    }

    // curl's -k, like --insecure.
    const bool insecure = config.insecure || (config.fromCurl && config.fromCurl->insecure);
    if (config.dryRun || config.printCurl) {
        const DryRun run = DryRun::plan(plan.request, source->targets(), config.headerPolicy, plan.options);
        if (config.printCurl)
            std::fputs(SendPreview::curlText(run, insecure).toUtf8().constData(), stdout);
        else if (config.json)
            std::fputs(QJsonDocument(run.toJson()).toJson(QJsonDocument::Indented).constData(), stdout);
        else
            std::fputs(SendPreview::dryRunText(run, config.transport).toUtf8().constData(), stdout);
        return PolicyMet;
    }

    Broadcaster broadcaster(createTransport(config.transport, !insecure));
    broadcaster.headerPolicy() = config.headerPolicy;
    broadcaster.limiter().perKeyLimit = config.perTargetConcurrency;
    Broadcast *broadcast = broadcaster.start(plan.request, source->targets(), plan.options);
    broadcast->setAutoDelete(false);
    QObject::connect(broadcast, &Broadcast::finished, &loop, &QEventLoop::quit);
    loop.exec();

    const BroadcastSummary summary = broadcast->summary();
    const QList<TargetResult> results = broadcast->results();
    if (!config.historyPath.isEmpty()) {
        // The history is a convenience: a broken database is reported, never fatal to the broadcast.
        QString error;
        const HistoryEntry entry = HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("send"), plan.profileName);
        if (HistoryStore::append(config.historyPath, entry, &error) == 0)
            printError(QStringLiteral("warning: not recorded in the history: %1").arg(error));
    }
    const ResponseComparison comparison = ResponseComparison::compare(results, plan.options.compareHeaders);
    if (config.json) {
        const QJsonDocument document(BroadcastJson::toJson(summary, results, &comparison));
        std::fputs(document.toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        QString text = ResultTable::render(plan.request, summary, results);
        if (comparison.disagree())
            text += QStringLiteral("targets disagree, %1 groups:\n  ").arg(comparison.groups().size())
                    + comparison.describe(results).join(QStringLiteral("\n  ")) + QLatin1Char('\n');
        std::fputs(text.toUtf8().constData(), stdout);
    }
    if (!config.reportPath.isEmpty()) {
        QString error;
        if (!RunReport(summary, results, comparison).write(config.reportPath, &error)) {
            printError(QStringLiteral("--report: %1").arg(error));
            return UsageError;
        }
    }
    if (summary.isSuccess())
        return PolicyMet;
    return summary.policyMet ? NotVerified : PolicyNotMet;
}

int SendCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Broadcasts one HTTP request to every target and prints one result per target.\n"
                       "Exit code: 0 when the policy is met, 1 when it is not, 2 on a usage or configuration error, "
                       "3 when it is met but a target failed its --verify check."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("send"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("METHOD"),
                                 QStringLiteral(
                                     "Any HTTP method token: GET, POST, PURGE, BAN, ... (from the profile when omitted)."));
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Path with query, e.g. /product/42?lang=en."));
    SendSettings::addOptions(parser);
    if (!parser.parse(arguments)) {
        printError(parser.errorText() + QStringLiteral(" (see 'herald send --help')"));
        return UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return PolicyMet;
    }
    SendConfig config;
    // parse() took "send" as the program name, so positionals start at METHOD.
    config.positional = parser.positionalArguments();
    QString error = SendSettings::load(parser, SettingsSources::processEnvironment(), &config);
    if (error.isEmpty() && parser.isSet(QStringLiteral("print-config"))) {
        std::fputs(qPrintable(SendSettings::printConfig(config)), stdout);
        return PolicyMet;
    }
    PlanInput input;
    BroadcastPlan plan;
    if (error.isEmpty())
        error = planInput(config, &input);
    if (error.isEmpty())
        BroadcastPlan::make(input, &plan, &error);
    if (!error.isEmpty()) {
        printError(error);
        return UsageError;
    }
    return execute(config, plan);
}

} // namespace herald
