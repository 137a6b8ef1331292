#include "send/sendcommand.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjson.h"
#include "util/duration.h"
#include "store/historyentry.h"
#include "store/historystore.h"
#include "store/profile.h"
#include "store/profilestore.h"
#include "send/resulttable.h"
#include "targets/targetsource.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

namespace herald {

namespace {

void printError(const QString &message)
{
    std::fprintf(stderr, "herald send: %s\n", qPrintable(message));
}

// Reads --data: literal text, @file, or @- for standard input.
bool readBody(const QString &value, QByteArray *body, QString *error)
{
    if (!value.startsWith(QLatin1Char('@'))) {
        *body = value.toUtf8();
        return true;
    }
    QFile file;
    const QString path = value.mid(1);
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                   : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        *error = QStringLiteral("--data: cannot read '%1': %2").arg(path, file.errorString());
        return false;
    }
    *body = file.readAll();
    return true;
}

bool parseCount(const QString &option, const QString &text, int minimum, int *value, QString *error)
{
    bool ok = false;
    const int parsed = text.toInt(&ok);
    if (!ok || parsed < minimum) {
        *error = QStringLiteral("--%1: '%2' is not a whole number >= %3").arg(option, text).arg(minimum);
        return false;
    }
    *value = parsed;
    return true;
}

} // namespace

void SendCommand::addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Broadcasts one HTTP request to every target and prints one result per target.\n"
        "Exit code: 0 when the policy is met, 1 when it is not, 2 on a usage or configuration error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("send"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("METHOD"),
                                 QStringLiteral("Any HTTP method token: GET, POST, PURGE, BAN, ... (from the profile when omitted)."));
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Path with query, e.g. /product/42?lang=en."));
    parser.addOptions({
        {{QStringLiteral("t"), QStringLiteral("target")},
         QStringLiteral("A target base URL (http://host:port[/prefix]); repeat or separate by commas. Default: $HERALD_TARGETS."),
         QStringLiteral("URL")},
        {QStringLiteral("dns"), QStringLiteral("Every A and AAAA record of NAME, on PORT (a Kubernetes headless service)."),
         QStringLiteral("NAME:PORT")},
        {QStringLiteral("srv"), QStringLiteral("The SRV records of NAME (e.g. _http._tcp.varnish), each with its own port."),
         QStringLiteral("NAME")},
        {QStringLiteral("nameserver"), QStringLiteral("Ask this DNS server (port 53) instead of the system resolver."),
         QStringLiteral("IP")},
        {QStringLiteral("scheme"), QStringLiteral("Scheme for --dns and --srv targets: http (default) or https."),
         QStringLiteral("SCHEME")},
        {{QStringLiteral("p"), QStringLiteral("profile")},
         QStringLiteral("Send a saved profile (a name in the profile directory, or a .json file)."), QStringLiteral("NAME")},
        {QStringLiteral("profile-dir"), QStringLiteral("Profile directory (default: %1).").arg(ProfileStore::defaultDirectory()),
         QStringLiteral("DIR")},
        {QStringLiteral("set"), QStringLiteral("Fill the profile parameter {KEY} with VALUE; repeatable."), QStringLiteral("KEY=VALUE")},
        {{QStringLiteral("H"), QStringLiteral("header")}, QStringLiteral("Add a request header; repeatable."), QStringLiteral("'NAME: VALUE'")},
        {{QStringLiteral("d"), QStringLiteral("data")}, QStringLiteral("Request body: text, @FILE, or @- for standard input."),
         QStringLiteral("DATA")},
        {QStringLiteral("retries"), QStringLiteral("Retries per target after the first attempt (default 2)."), QStringLiteral("N")},
        {QStringLiteral("retry-on"), QStringLiteral("Statuses that are retried: e.g. 5xx,429 (default), >=400, none."),
         QStringLiteral("RULE")},
        {QStringLiteral("timeout"), QStringLiteral("Per-attempt timeout, e.g. 2s, 500ms (default 5s)."), QStringLiteral("DURATION")},
        {QStringLiteral("deadline"), QStringLiteral("Whole-broadcast deadline (default 30s)."), QStringLiteral("DURATION")},
        {QStringLiteral("policy"), QStringLiteral("all (default), any, first, async or quorum=N|0.F|P%."), QStringLiteral("POLICY")},
        {QStringLiteral("host-mode"),
         QStringLiteral("preserve (default): send the request's Host to every target; target: each target's own host."),
         QStringLiteral("MODE")},
        {QStringLiteral("sensitive-headers"),
         QStringLiteral("Comma-separated headers never forwarded (default: Proxy-Authorization,Cookie)."), QStringLiteral("LIST")},
        {QStringLiteral("concurrency"), QStringLiteral("Requests in flight per target (default 6)."), QStringLiteral("N")},
        {QStringLiteral("http2"), QStringLiteral("Use HTTP/2 (h2c with prior knowledge for http://).")},
        {QStringLiteral("insecure"), QStringLiteral("Do not verify https targets' certificates.")},
        {QStringLiteral("transport"),
         QStringLiteral("HTTP client: qnam (QNetworkAccessManager, default) or curl (libcurl: sends the path exactly as "
                        "given, dot segments included, and adds no headers of its own)."),
         QStringLiteral("NAME")},
        {QStringLiteral("json"), QStringLiteral("Print the results as JSON instead of a table.")},
        {QStringLiteral("history"),
         QStringLiteral("History database the broadcast is recorded in, shared with the GUI (default: %1).").arg(HistoryStore::defaultPath()),
         QStringLiteral("FILE")},
        {QStringLiteral("no-history"), QStringLiteral("Do not record this broadcast in the history.")},
    });
}

QString SendCommand::makePlan(const QCommandLineParser &parser, Plan *plan)
{
    QString error;
    // parse() took "send" as the program name, so positionals start at METHOD.
    const QStringList positional = parser.positionalArguments();
    Profile profile;
    const bool useProfile = parser.isSet(QStringLiteral("profile"));
    if (useProfile) {
        const QString name = parser.value(QStringLiteral("profile"));
        Profile stored;
        const bool loaded = name.endsWith(QLatin1String(".json")) || name.contains(QLatin1Char('/'))
                                ? ProfileStore::loadFile(name, &stored, &error)
                                : ProfileStore(parser.isSet(QStringLiteral("profile-dir"))
                                                   ? parser.value(QStringLiteral("profile-dir"))
                                                   : ProfileStore::defaultDirectory())
                                      .load(name, &stored, &error);
        if (!loaded)
            return QStringLiteral("--profile: %1").arg(error);
        QHash<QString, QString> values;
        for (const QString &assignment : parser.values(QStringLiteral("set"))) {
            const int equals = assignment.indexOf(QLatin1Char('='));
            if (equals <= 0)
                return QStringLiteral("--set: '%1' is not KEY=VALUE").arg(assignment);
            values.insert(assignment.left(equals), assignment.mid(equals + 1));
        }
        if (!stored.fill(values, &profile, &error))
            return QStringLiteral("--set: %1").arg(error);
        if (!positional.isEmpty())
            return QStringLiteral("METHOD and PATH come from the profile '%1'; do not give them too").arg(name);
        plan->request.method = profile.method;
        plan->request.pathAndQuery = profile.path.toUtf8();
        plan->request.headers = profile.headers;
        plan->request.body = profile.body;
        if (profile.hasTargets)
            plan->source = profile.targets;
        if (profile.retries >= 0)
            plan->options.retry.maxRetries = profile.retries;
        if (profile.timeoutMs >= 0)
            plan->options.attemptTimeoutMs = profile.timeoutMs;
        if (!profile.policy.isEmpty())
            plan->options.policy = OutcomePolicy::parse(profile.policy, nullptr);
        if (!profile.retryOn.isEmpty())
            plan->options.retry.retryStatuses = StatusRule::parse(profile.retryOn, nullptr);
    } else {
        if (parser.isSet(QStringLiteral("set")))
            return QStringLiteral("--set fills profile parameters; it needs --profile");
        if (positional.size() != 2)
            return QStringLiteral("expected METHOD and PATH, e.g. 'herald send PURGE /product/42 --target http://varnish:6081'");
        plan->request.method = positional.at(0).toLatin1();
        plan->request.pathAndQuery = positional.at(1).toUtf8();
    }

    for (const QString &line : parser.values(QStringLiteral("header"))) {
        HttpHeader header;
        if (!parseHeaderLine(line.toUtf8(), &header))
            return QStringLiteral("--header: '%1' is not 'Name: value'").arg(line);
        removeHeader(plan->request.headers, header.first);
        plan->request.headers.append(header);
    }
    if (parser.isSet(QStringLiteral("data")) && !readBody(parser.value(QStringLiteral("data")), &plan->request.body, &error))
        return error;
    if (!plan->request.body.isEmpty() && !hasHeader(plan->request.headers, "Content-Type"))
        plan->request.headers.append(HttpHeader{"Content-Type", "application/octet-stream"});
    const QString invalid = plan->request.validate();
    if (!invalid.isEmpty())
        return invalid;

    // Targets: flags win over the profile, the profile over $HERALD_TARGETS.
    const int sourceFlags = int(parser.isSet(QStringLiteral("target"))) + int(parser.isSet(QStringLiteral("dns")))
                            + int(parser.isSet(QStringLiteral("srv")));
    if (sourceFlags > 1)
        return QStringLiteral("use only one of --target, --dns and --srv");
    if (parser.isSet(QStringLiteral("target"))) {
        plan->source = {};
        for (const QString &value : parser.values(QStringLiteral("target"))) {
            const QList<Target> targets = Target::parseList(value, &error);
            if (targets.isEmpty())
                return QStringLiteral("--target: %1").arg(error.isEmpty() ? QStringLiteral("empty") : error);
            plan->source.targets += targets;
        }
    } else if (parser.isSet(QStringLiteral("dns"))) {
        if (!TargetSourceSpec::parseDns(parser.value(QStringLiteral("dns")), &plan->source, &error))
            return QStringLiteral("--dns: %1").arg(error);
    } else if (parser.isSet(QStringLiteral("srv"))) {
        if (!TargetSourceSpec::parseSrv(parser.value(QStringLiteral("srv")), &plan->source, &error))
            return QStringLiteral("--srv: %1").arg(error);
    } else if (!(useProfile && profile.hasTargets)) {
        const QString fromEnv = qEnvironmentVariable("HERALD_TARGETS");
        if (fromEnv.trimmed().isEmpty())
            return QStringLiteral("no targets: give --target, --dns, --srv, a profile with targets, or set HERALD_TARGETS");
        plan->source.targets = Target::parseList(fromEnv, &error);
        if (plan->source.targets.isEmpty())
            return QStringLiteral("HERALD_TARGETS: %1").arg(error);
    }
    if (parser.isSet(QStringLiteral("nameserver"))) {
        plan->source.nameserver = QHostAddress(parser.value(QStringLiteral("nameserver")));
        if (plan->source.nameserver.isNull())
            return QStringLiteral("--nameserver: '%1' is not an IP address").arg(parser.value(QStringLiteral("nameserver")));
    }
    if (parser.isSet(QStringLiteral("scheme"))) {
        plan->source.scheme = parser.value(QStringLiteral("scheme"));
        if (plan->source.scheme != QLatin1String("http") && plan->source.scheme != QLatin1String("https"))
            return QStringLiteral("--scheme: use http or https");
    }
    plan->source.refreshIntervalMs = 0; // one broadcast, one resolution

    if (parser.isSet(QStringLiteral("retries"))
        && !parseCount(QStringLiteral("retries"), parser.value(QStringLiteral("retries")), 0,
                       &plan->options.retry.maxRetries, &error))
        return error;
    if (parser.isSet(QStringLiteral("retry-on"))) {
        plan->options.retry.retryStatuses = StatusRule::parse(parser.value(QStringLiteral("retry-on")), &error);
        if (!error.isEmpty())
            return QStringLiteral("--retry-on: %1").arg(error);
    }
    if (parser.isSet(QStringLiteral("timeout"))
        && !parseDuration(parser.value(QStringLiteral("timeout")), &plan->options.attemptTimeoutMs, &error))
        return QStringLiteral("--timeout: %1").arg(error);
    if (parser.isSet(QStringLiteral("deadline"))
        && !parseDuration(parser.value(QStringLiteral("deadline")), &plan->options.deadlineMs, &error))
        return QStringLiteral("--deadline: %1").arg(error);
    if (parser.isSet(QStringLiteral("policy"))) {
        plan->options.policy = OutcomePolicy::parse(parser.value(QStringLiteral("policy")), &error);
        if (!error.isEmpty())
            return QStringLiteral("--policy: %1").arg(error);
    }
    if (parser.isSet(QStringLiteral("host-mode"))) {
        const QString mode = parser.value(QStringLiteral("host-mode"));
        if (mode == QLatin1String("preserve"))
            plan->headerPolicy.hostMode = HeaderPolicy::HostMode::Preserve;
        else if (mode == QLatin1String("target"))
            plan->headerPolicy.hostMode = HeaderPolicy::HostMode::TargetHost;
        else
            return QStringLiteral("--host-mode: '%1' is not preserve or target").arg(mode);
    }
    if (parser.isSet(QStringLiteral("sensitive-headers"))) {
        plan->headerPolicy.sensitiveHeaders.clear();
        for (const QString &name : parser.value(QStringLiteral("sensitive-headers")).split(QLatin1Char(','), Qt::SkipEmptyParts))
            plan->headerPolicy.sensitiveHeaders.append(name.trimmed().toLatin1());
    }
    if (parser.isSet(QStringLiteral("concurrency"))
        && !parseCount(QStringLiteral("concurrency"), parser.value(QStringLiteral("concurrency")), 1,
                       &plan->perTargetConcurrency, &error))
        return error;
    plan->options.http2 = parser.isSet(QStringLiteral("http2"));
    plan->insecure = parser.isSet(QStringLiteral("insecure"));
    if (parser.isSet(QStringLiteral("transport"))
        && !parseTransportKind(parser.value(QStringLiteral("transport")), &plan->transport))
        return QStringLiteral("--transport: '%1' is not qnam or curl").arg(parser.value(QStringLiteral("transport")));
    plan->json = parser.isSet(QStringLiteral("json"));
    if (!parser.isSet(QStringLiteral("no-history")))
        plan->historyPath = parser.isSet(QStringLiteral("history")) ? parser.value(QStringLiteral("history")) : HistoryStore::defaultPath();
    if (useProfile)
        plan->profileName = profile.name;
    return {};
}

int SendCommand::execute(const Plan &plan)
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

    Broadcaster broadcaster(createTransport(plan.transport, !plan.insecure));
    broadcaster.headerPolicy() = plan.headerPolicy;
    broadcaster.limiter().perKeyLimit = plan.perTargetConcurrency;
    Broadcast *broadcast = broadcaster.start(plan.request, source->targets(), plan.options);
    broadcast->setAutoDelete(false);
    QObject::connect(broadcast, &Broadcast::finished, &loop, &QEventLoop::quit);
    loop.exec();

    const BroadcastSummary summary = broadcast->summary();
    const QList<TargetResult> results = broadcast->results();
    if (!plan.historyPath.isEmpty()) {
        // The history is a convenience: a broken database is reported, never fatal to the broadcast.
        HistoryStore history(plan.historyPath);
        QString error;
        if (!history.open(&error) || !history.record(HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("send"), plan.profileName), &error))
            printError(QStringLiteral("warning: not recorded in the history: %1").arg(error));
    }
    if (plan.json) {
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
    addOptions(parser);
    if (!parser.parse(arguments)) {
        printError(parser.errorText() + QStringLiteral(" (see 'herald send --help')"));
        return UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return PolicyMet;
    }
    Plan plan;
    const QString error = makePlan(parser, &plan);
    if (!error.isEmpty()) {
        printError(error);
        return UsageError;
    }
    return execute(plan);
}

} // namespace herald
