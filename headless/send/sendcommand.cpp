#include "send/sendcommand.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjson.h"
#include "util/duration.h"
#include "store/historyentry.h"
#include "store/historystore.h"
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

QString SendCommand::readFlags(const QCommandLineParser &parser, Flags *flags)
{
    QString error;
    const auto isSet = [&parser](const char *name) { return parser.isSet(QLatin1String(name)); };
    const auto value = [&parser](const char *name) { return parser.value(QLatin1String(name)); };
    // parse() took "send" as the program name, so positionals start at METHOD.
    flags->positional = parser.positionalArguments();
    if (isSet("profile"))
        flags->profile = value("profile");
    flags->profileDirectory = isSet("profile-dir") ? value("profile-dir") : ProfileStore::defaultDirectory();
    flags->setGiven = isSet("set");
    for (const QString &assignment : parser.values(QStringLiteral("set"))) {
        const int equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0)
            return QStringLiteral("--set: '%1' is not KEY=VALUE").arg(assignment);
        flags->values.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    for (const QString &line : parser.values(QStringLiteral("header"))) {
        HttpHeader header;
        if (!parseHeaderLine(line.toUtf8(), &header))
            return QStringLiteral("--header: '%1' is not 'Name: value'").arg(line);
        flags->headers.append(header);
    }
    if (isSet("data")) {
        QByteArray body;
        if (!readBody(value("data"), &body, &error))
            return error;
        flags->body = body;
    }

    if (int(isSet("target")) + int(isSet("dns")) + int(isSet("srv")) > 1)
        return QStringLiteral("use only one of --target, --dns and --srv");
    TargetSourceSpec spec;
    if (isSet("target")) {
        for (const QString &text : parser.values(QStringLiteral("target"))) {
            const QList<Target> targets = Target::parseList(text, &error);
            if (targets.isEmpty())
                return QStringLiteral("--target: %1").arg(error.isEmpty() ? QStringLiteral("empty") : error);
            spec.targets += targets;
        }
        flags->targets = spec;
    } else if (isSet("dns")) {
        if (!TargetSourceSpec::parseDns(value("dns"), &spec, &error))
            return QStringLiteral("--dns: %1").arg(error);
        flags->targets = spec;
    } else if (isSet("srv")) {
        if (!TargetSourceSpec::parseSrv(value("srv"), &spec, &error))
            return QStringLiteral("--srv: %1").arg(error);
        flags->targets = spec;
    }
    if (isSet("nameserver")) {
        flags->nameserver = QHostAddress(value("nameserver"));
        if (flags->nameserver->isNull())
            return QStringLiteral("--nameserver: '%1' is not an IP address").arg(value("nameserver"));
    }
    if (isSet("scheme")) {
        flags->scheme = value("scheme");
        if (flags->scheme != QLatin1String("http") && flags->scheme != QLatin1String("https"))
            return QStringLiteral("--scheme: use http or https");
    }

    int number = 0;
    if (isSet("retries")) {
        if (!parseCount(QStringLiteral("retries"), value("retries"), 0, &number, &error))
            return error;
        flags->retries = number;
    }
    if (isSet("retry-on")) {
        flags->retryOn = StatusRule::parse(value("retry-on"), &error);
        if (!error.isEmpty())
            return QStringLiteral("--retry-on: %1").arg(error);
    }
    if (isSet("timeout")) {
        if (!parseDuration(value("timeout"), &number, &error))
            return QStringLiteral("--timeout: %1").arg(error);
        flags->timeoutMs = number;
    }
    if (isSet("deadline")) {
        if (!parseDuration(value("deadline"), &number, &error))
            return QStringLiteral("--deadline: %1").arg(error);
        flags->deadlineMs = number;
    }
    if (isSet("policy")) {
        flags->policy = OutcomePolicy::parse(value("policy"), &error);
        if (!error.isEmpty())
            return QStringLiteral("--policy: %1").arg(error);
    }
    if (isSet("host-mode")) {
        const QString mode = value("host-mode");
        if (mode == QLatin1String("preserve"))
            flags->headerPolicy.hostMode = HeaderPolicy::HostMode::Preserve;
        else if (mode == QLatin1String("target"))
            flags->headerPolicy.hostMode = HeaderPolicy::HostMode::TargetHost;
        else
            return QStringLiteral("--host-mode: '%1' is not preserve or target").arg(mode);
    }
    if (isSet("sensitive-headers")) {
        flags->headerPolicy.sensitiveHeaders.clear();
        for (const QString &name : value("sensitive-headers").split(QLatin1Char(','), Qt::SkipEmptyParts))
            flags->headerPolicy.sensitiveHeaders.append(name.trimmed().toLatin1());
    }
    if (isSet("concurrency") && !parseCount(QStringLiteral("concurrency"), value("concurrency"), 1, &flags->perTargetConcurrency, &error))
        return error;
    flags->http2 = isSet("http2");
    flags->insecure = isSet("insecure");
    if (isSet("transport") && !parseTransportKind(value("transport"), &flags->transport))
        return QStringLiteral("--transport: '%1' is not qnam or curl").arg(value("transport"));
    flags->json = isSet("json");
    if (!isSet("no-history"))
        flags->historyPath = isSet("history") ? value("history") : HistoryStore::defaultPath();
    return {};
}

QString SendCommand::planInput(const Flags &flags, PlanInput *input)
{
    QString error;
    if (flags.profile) {
        const QString &name = *flags.profile;
        const bool loaded = name.endsWith(QLatin1String(".json")) || name.contains(QLatin1Char('/'))
                                ? ProfileStore::loadFile(name, &input->profile, &error)
                                : ProfileStore(flags.profileDirectory).load(name, &input->profile, &error);
        if (!loaded)
            return QStringLiteral("--profile: %1").arg(error);
        if (!flags.positional.isEmpty())
            return QStringLiteral("METHOD and PATH come from the profile '%1'; do not give them too").arg(name);
        input->values = flags.values;
    } else {
        if (flags.setGiven)
            return QStringLiteral("--set fills profile parameters; it needs --profile");
        if (flags.positional.size() != 2)
            return QStringLiteral("expected METHOD and PATH, e.g. 'herald send PURGE /product/42 --target http://varnish:6081'");
        input->literal = true;
        input->profile.method = flags.positional.at(0).toLatin1();
        input->profile.path = flags.positional.at(1);
    }
    input->headers = flags.headers;
    input->body = flags.body;
    input->retries = flags.retries;
    input->timeoutMs = flags.timeoutMs;
    input->deadlineMs = flags.deadlineMs;
    input->policy = flags.policy;
    input->retryOn = flags.retryOn;
    input->targets = flags.targets;
    input->nameserver = flags.nameserver;
    input->scheme = flags.scheme;
    input->defaults.http2 = flags.http2;
    const QString fromEnv = qEnvironmentVariable("HERALD_TARGETS");
    if (!fromEnv.trimmed().isEmpty()) {
        TargetSourceSpec spec;
        spec.targets = Target::parseList(fromEnv, &error);
        if (spec.targets.isEmpty())
            input->defaultTargetsError = QStringLiteral("HERALD_TARGETS: %1").arg(error);
        else
            input->defaultTargets = spec;
    }
    input->noTargetsHint = QStringLiteral("give --target, --dns, --srv, a profile with targets, or set HERALD_TARGETS");
    return {};
}

int SendCommand::execute(const Flags &flags, const BroadcastPlan &plan)
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

    Broadcaster broadcaster(createTransport(flags.transport, !flags.insecure));
    broadcaster.headerPolicy() = flags.headerPolicy;
    broadcaster.limiter().perKeyLimit = flags.perTargetConcurrency;
    Broadcast *broadcast = broadcaster.start(plan.request, source->targets(), plan.options);
    broadcast->setAutoDelete(false);
    QObject::connect(broadcast, &Broadcast::finished, &loop, &QEventLoop::quit);
    loop.exec();

    const BroadcastSummary summary = broadcast->summary();
    const QList<TargetResult> results = broadcast->results();
    if (!flags.historyPath.isEmpty()) {
        // The history is a convenience: a broken database is reported, never fatal to the broadcast.
        HistoryStore history(flags.historyPath);
        QString error;
        if (!history.open(&error) || !history.record(HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("send"), plan.profileName), &error))
            printError(QStringLiteral("warning: not recorded in the history: %1").arg(error));
    }
    if (flags.json) {
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
    Flags flags;
    PlanInput input;
    BroadcastPlan plan;
    QString error = readFlags(parser, &flags);
    if (error.isEmpty())
        error = planInput(flags, &input);
    if (error.isEmpty())
        BroadcastPlan::make(input, &plan, &error);
    if (!error.isEmpty()) {
        printError(error);
        return UsageError;
    }
    return execute(flags, plan);
}

} // namespace herald
