#include "send/sendcommand.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjson.h"
#include "common/settingssources.h"
#include "send/resulttable.h"
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

} // namespace

QString SendCommand::planInput(const SendConfig &config, PlanInput *input)
{
    QString error;
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
        if (config.positional.size() != 2)
            return QStringLiteral("expected METHOD and PATH, e.g. 'herald send PURGE /product/42 --target http://varnish:6081'");
        input->literal = true;
        input->profile.method = config.positional.at(0).toLatin1();
        input->profile.path = config.positional.at(1);
    }
    input->headers = config.headers;
    input->body = config.body;
    input->retries = config.retries;
    input->timeoutMs = config.timeoutMs;
    input->deadlineMs = config.deadlineMs;
    input->policy = config.policy;
    input->retryOn = config.retryOn;
    input->targets = config.targets;
    input->nameserver = config.nameserver;
    input->scheme = config.scheme;
    input->defaults.http2 = config.http2;
    input->defaultTargets = config.defaultTargets;
    input->defaultTargetsError = config.defaultTargetsError;
    input->noTargetsHint = QStringLiteral("give --target, --dns, --srv, a profile with targets, or set HERALD_TARGETS");
    return {};
}

int SendCommand::execute(const SendConfig &config, const BroadcastPlan &plan)
{
    QEventLoop loop;
    TargetSource *source = TargetSource::create(plan.source, &loop);
    if (!source->isResolved()) {
        QTimer::singleShot(plan.options.deadlineMs, &loop, &QEventLoop::quit);
        QObject::connect(source, &TargetSource::refreshed, &loop, &QEventLoop::quit);
        source->refresh();
        loop.exec();
    }
    if (!source->isResolved()) {
        printError(QStringLiteral("cannot resolve targets (%1): %2")
                       .arg(plan.source.describe(),
                            source->lastError().isEmpty() ? QStringLiteral("no answer") : source->lastError()));
        return PolicyNotMet;
    }

    Broadcaster broadcaster(createTransport(config.transport, !config.insecure));
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
        HistoryStore history(config.historyPath);
        QString error;
        if (!history.open(&error) || !history.record(HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("send"), plan.profileName), &error))
            printError(QStringLiteral("warning: not recorded in the history: %1").arg(error));
    }
    if (config.json) {
        std::fputs(QJsonDocument(BroadcastJson::toJson(summary, results)).toJson(QJsonDocument::Indented).constData(),
                   stdout);
    } else {
        std::fputs(ResultTable::render(plan.request, summary, results).toUtf8().constData(), stdout);
    }
    return summary.policyMet ? PolicyMet : PolicyNotMet;
}

int SendCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Broadcasts one HTTP request to every target and prints one result per target.\n"
        "Exit code: 0 when the policy is met, 1 when it is not, 2 on a usage or configuration error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("send"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("METHOD"),
                                 QStringLiteral("Any HTTP method token: GET, POST, PURGE, BAN, ... (from the profile when omitted)."));
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
