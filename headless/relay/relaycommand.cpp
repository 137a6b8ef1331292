#include "relay/relaycommand.h"

#include "util/duration.h"
#include "serve/healthprobe.h"
#include "http/httplistener.h"
#include "http/httpresponses.h"
#include "common/logsetup.h"
#include "http/pendingrequest.h"
#include "relay/relayagent.h"
#include "common/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QPointer>

#include <csignal>
#include <cstdio>

namespace herald {

namespace {

// Flag, else the canonical variable, else a seed's alias.
QString setting(const QCommandLineParser &parser, const QString &flag, const QString &name, const QString &alias = {})
{
    if (parser.isSet(flag))
        return parser.value(flag);
    if (qEnvironmentVariableIsSet(name.toLatin1().constData()))
        return qEnvironmentVariable(name.toLatin1().constData());
    if (!alias.isEmpty() && qEnvironmentVariableIsSet(alias.toLatin1().constData()))
        return qEnvironmentVariable(alias.toLatin1().constData());
    return {};
}

int fail(const QString &message)
{
    std::fprintf(stderr, "herald relay: invalid configuration: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int RelayCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Replays every request of a Redis stream to local endpoints (the agent beside each backend).\n"
        "Each agent reads through its own consumer group, so every agent gets every request, in order,\n"
        "and resumes after the last one it finished when it or Redis restarts."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("redis"), QStringLiteral("Redis URL, redis://[user:password@]host:port/db [HERALD_RELAY_URL]."), QStringLiteral("URL")},
        {QStringLiteral("endpoint"), QStringLiteral("Local endpoint URL; repeat or separate by commas [HERALD_RELAY_ENDPOINT, or AGENT_ENDPOINT]."), QStringLiteral("URL")},
        {QStringLiteral("endpoint-dns"), QStringLiteral("Replay to every A/AAAA record of NAME on PORT, re-resolved every 30 s [HERALD_RELAY_ENDPOINT_DNS]."), QStringLiteral("NAME:PORT")},
        {QStringLiteral("endpoint-srv"), QStringLiteral("Replay to the SRV records of NAME [HERALD_RELAY_ENDPOINT_SRV]."), QStringLiteral("NAME")},
        {QStringLiteral("stream"), QStringLiteral("Stream name (default herald) [HERALD_RELAY_STREAM, or HUB_TOPIC]."), QStringLiteral("NAME")},
        {QStringLiteral("name"), QStringLiteral("This agent's consumer group (default: the host name) [HERALD_RELAY_NAME]."), QStringLiteral("NAME")},
        {QStringLiteral("retry-deadline"), QStringLiteral("How long one request is retried before it is recorded as failed (default 60s) [HERALD_RELAY_RETRY_DEADLINE, or AGENT_RETRY_DELAY]."), QStringLiteral("DURATION")},
        {QStringLiteral("instance-id"), QStringLiteral("Requests published by this instance id are not replayed (default: the host name) [HERALD_INSTANCE_ID]."), QStringLiteral("ID")},
        {QStringLiteral("from-beginning"), QStringLiteral("A new agent starts at the stream's first entry instead of its end.")},
        {QStringLiteral("admin-listen"), QStringLiteral("[HOST:]PORT for /healthz and /metrics [HERALD_ADMIN_LISTEN]."), QStringLiteral("ADDRESS")},
        {QStringLiteral("print-config"), QStringLiteral("Print the effective configuration (password masked) and exit.")},
    });
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "herald relay: %s (see 'herald relay --help')\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    RelayAgent::Settings settings;
    QString error;
    const QString url = setting(parser, QStringLiteral("redis"), QStringLiteral("HERALD_RELAY_URL"));
    if (url.isEmpty())
        return fail(QStringLiteral("--redis (HERALD_RELAY_URL) is required"));
    if (!RedisAddress::parse(url, &settings.redis, &error))
        return fail(QStringLiteral("--redis (HERALD_RELAY_URL): %1").arg(error));
    const QString dns = setting(parser, QStringLiteral("endpoint-dns"), QStringLiteral("HERALD_RELAY_ENDPOINT_DNS"));
    const QString srv = setting(parser, QStringLiteral("endpoint-srv"), QStringLiteral("HERALD_RELAY_ENDPOINT_SRV"));
    if (!dns.isEmpty()) {
        if (!TargetSourceSpec::parseDns(dns, &settings.endpoints, &error))
            return fail(QStringLiteral("--endpoint-dns (HERALD_RELAY_ENDPOINT_DNS): %1").arg(error));
    } else if (!srv.isEmpty()) {
        if (!TargetSourceSpec::parseSrv(srv, &settings.endpoints, &error))
            return fail(QStringLiteral("--endpoint-srv (HERALD_RELAY_ENDPOINT_SRV): %1").arg(error));
    } else {
        QStringList endpoints = parser.values(QStringLiteral("endpoint"));
        if (endpoints.isEmpty())
            endpoints.append(setting(parser, QStringLiteral("endpoint"), QStringLiteral("HERALD_RELAY_ENDPOINT"), QStringLiteral("AGENT_ENDPOINT")));
        for (const QString &value : endpoints)
            settings.endpoints.targets += Target::parseList(value, &error);
        if (settings.endpoints.targets.isEmpty())
            return fail(QStringLiteral("--endpoint (HERALD_RELAY_ENDPOINT or AGENT_ENDPOINT), --endpoint-dns or --endpoint-srv: %1")
                            .arg(error.isEmpty() ? QStringLiteral("one is required") : error));
    }
    const QString stream = setting(parser, QStringLiteral("stream"), QStringLiteral("HERALD_RELAY_STREAM"), QStringLiteral("HUB_TOPIC"));
    if (!stream.isEmpty())
        settings.stream = stream.toUtf8();
    const QString host = QHostInfo::localHostName();
    settings.name = setting(parser, QStringLiteral("name"), QStringLiteral("HERALD_RELAY_NAME")).toUtf8();
    if (settings.name.isEmpty())
        settings.name = host.toUtf8();
    settings.instanceId = setting(parser, QStringLiteral("instance-id"), QStringLiteral("HERALD_INSTANCE_ID")).toUtf8();
    if (settings.instanceId.isEmpty())
        settings.instanceId = host.toUtf8();
    const QString deadline = setting(parser, QStringLiteral("retry-deadline"), QStringLiteral("HERALD_RELAY_RETRY_DEADLINE"), QStringLiteral("AGENT_RETRY_DELAY"));
    if (!deadline.isEmpty() && !parseDuration(deadline, &settings.retryDeadlineMs, &error))
        return fail(QStringLiteral("--retry-deadline (HERALD_RELAY_RETRY_DEADLINE or AGENT_RETRY_DELAY): %1").arg(error));
    settings.fromBeginning = parser.isSet(QStringLiteral("from-beginning"));
    if (parser.isSet(QStringLiteral("print-config"))) {
        QStringList urls;
        for (const Target &target : settings.endpoints.targets)
            urls.append(target.baseUrl.toString());
        if (urls.isEmpty())
            urls.append(settings.endpoints.describe());
        std::printf("HERALD_RELAY_URL=%s\nHERALD_RELAY_ENDPOINT=%s\nHERALD_RELAY_STREAM=%s\nHERALD_RELAY_NAME=%s\n"
                    "HERALD_RELAY_RETRY_DEADLINE=%s\nHERALD_INSTANCE_ID=%s\n",
                    qPrintable(settings.redis.masked()), qPrintable(urls.join(QLatin1Char(','))), settings.stream.constData(),
                    settings.name.constData(), qPrintable(formatDuration(settings.retryDeadlineMs)), settings.instanceId.constData());
        return 0;
    }
    LogSetup::install(qEnvironmentVariable("LOG_FORMAT", QStringLiteral("text")), qEnvironmentVariable("LOG_LEVEL", QStringLiteral("info")));
    std::signal(SIGPIPE, SIG_IGN);

    RelayAgent agent(settings);
    HealthProbe endpointHealth(agent.endpoints(), 2000);
    HttpListener admin;
    const QString adminAddress = setting(parser, QStringLiteral("admin-listen"), QStringLiteral("HERALD_ADMIN_LISTEN"));
    if (!adminAddress.isEmpty()) {
        HttpListener::Settings listen;
        const int colon = adminAddress.lastIndexOf(QLatin1Char(':'));
        listen.port = static_cast<quint16>(adminAddress.mid(colon + 1).toUInt());
        listen.address = colon > 0 ? QHostAddress(adminAddress.left(colon)) : QHostAddress(QHostAddress::Any);
        if (!admin.listen(listen, &error))
            return fail(QStringLiteral("--admin-listen (HERALD_ADMIN_LISTEN): %1").arg(error));
        QObject::connect(&admin, &HttpListener::requestReceived, &agent, [&agent, &endpointHealth](PendingRequest *pending) {
            const QByteArray path = pending->request().pathAndQuery;
            if (path == "/healthz") {
                if (!agent.isConnected()) {
                    pending->respond(HttpResponses::text(503, QStringLiteral("Redis unreachable")));
                    return;
                }
                // Connected to Redis: healthy when at least one endpoint answers below 500.
                QPointer<PendingRequest> guard(pending);
                endpointHealth.check([guard](const HttpServerResponse &response) {
                    if (guard)
                        guard->respond(response);
                });
            }
            else if (path == "/metrics")
                pending->respond(HttpResponses::text(200, "herald_relay_replayed_total " + QString::number(agent.replayed())
                                                              + "\nherald_relay_failed_total " + QString::number(agent.failed())
                                                              + "\nherald_relay_skipped_total " + QString::number(agent.skipped())
                                                              + "\nherald_relay_lag " + QString::number(agent.lag())
                                                              + "\nherald_relay_connected " + (agent.isConnected() ? "1" : "0")));
            else
                pending->respond(HttpResponses::text(404, QStringLiteral("the relay's admin port serves /healthz and /metrics")));
        });
        std::printf("herald relay: admin listening on port %u\n", admin.port());
    }
    std::printf("herald relay: replaying stream %s to %s as %s\n", settings.stream.constData(),
                qPrintable(settings.endpoints.describe()), settings.name.constData());
    std::fflush(stdout);
    agent.start();
    SignalWatcher signalWatcher({SIGTERM, SIGINT});
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace herald
