#include "relay/relaysettings.h"

#include "common/settingvalues.h"
#include "util/duration.h"
#include "util/httpheaders.h"

namespace herald {

namespace {

using C = RelayConfig;
using Table = SettingsTable<RelayConfig>;

// Empty keeps the default (the host name); otherwise no spaces or control characters.
QString parseName(const QString &value, QByteArray *out)
{
    const QString name = value.trimmed();
    if (name.isEmpty())
        return {};
    for (const QChar c : name) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return QStringLiteral("expected a name without spaces");
    }
    *out = name.toUtf8();
    return {};
}

QString applyEndpoints(C &c, const QStringList &values)
{
    TargetSourceSpec spec;
    for (const QString &value : values) {
        QString error;
        const QList<Target> targets = Target::parseList(value, &error);
        if (!error.isEmpty())
            return error;
        spec.targets += targets;
    }
    if (spec.targets.isEmpty())
        return QStringLiteral("expected at least one URL like http://127.0.0.1:8080");
    c.agent.endpoints = spec;
    return {};
}

QString showEndpoints(const C &c)
{
    QStringList urls;
    for (const Target &target : c.agent.endpoints.targets)
        urls.append(target.baseUrl.toString());
    return c.agent.endpoints.kind == TargetSourceSpec::Kind::Static ? urls.join(QLatin1Char(',')) : QString();
}

QList<Table::Setting> buildRows()
{
    QList<Table::Setting> rows;
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_URL"), {QStringLiteral("HUB_ENDPOINT")}, QStringLiteral("redis"),
                    QStringLiteral("Redis URL, redis://[user:password@]host:port/db (required)."),
                    [](C &c, const QString &v) {
                        QString error;
                        return RedisAddress::parse(v, &c.agent.redis, &error) ? QString() : error;
                    },
                    [](const C &c) { return c.agent.redis.masked(); })
                    .withValueName(QStringLiteral("URL"))
                    .withMask(SettingValues::maskUrlPassword)
                    .asRequired());
    // Endpoint sources in this order, so that a DNS name wins over an SRV name, which wins over URLs.
    rows.append(Table::row(QStringLiteral("HERALD_RELAY_ENDPOINT"), {QStringLiteral("AGENT_ENDPOINT")}, QStringLiteral("endpoint"),
                           QStringLiteral("Local endpoint URL; repeat or separate by commas."), {}, showEndpoints)
                    .withValueName(QStringLiteral("URL"))
                    .repeatable(applyEndpoints));
    rows.append(
        Table::row(
            QStringLiteral("HERALD_RELAY_ENDPOINT_SRV"), {}, QStringLiteral("endpoint-srv"),
            QStringLiteral("Replay to the SRV records of NAME."),
            [](C &c, const QString &v) {
                TargetSourceSpec spec;
                QString error;
                if (!TargetSourceSpec::parseSrv(v, &spec, &error))
                    return error;
                c.agent.endpoints = spec;
                return QString();
            },
            [](const C &c) { return c.agent.endpoints.kind == TargetSourceSpec::Kind::Srv ? c.agent.endpoints.name : QString(); })
            .withValueName(QStringLiteral("NAME")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_ENDPOINT_DNS"), {}, QStringLiteral("endpoint-dns"),
                    QStringLiteral("Replay to every A/AAAA record of NAME on PORT, re-resolved every 30 s."),
                    [](C &c, const QString &v) {
                        TargetSourceSpec spec;
                        QString error;
                        if (!TargetSourceSpec::parseDns(v, &spec, &error))
                            return error;
                        c.agent.endpoints = spec;
                        return QString();
                    },
                    [](const C &c) {
                        const TargetSourceSpec &spec = c.agent.endpoints;
                        return spec.kind == TargetSourceSpec::Kind::Dns ? QStringLiteral("%1:%2").arg(spec.name).arg(spec.port)
                                                                        : QString();
                    })
                    .withValueName(QStringLiteral("NAME:PORT")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_STREAM"), {QStringLiteral("HUB_TOPIC")}, QStringLiteral("stream"),
                    QStringLiteral("Stream name (default herald)."),
                    [](C &c, const QString &v) { return parseName(v, &c.agent.stream); },
                    [](const C &c) { return QString::fromUtf8(c.agent.stream); })
                    .withValueName(QStringLiteral("NAME")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_NAME"), {}, QStringLiteral("name"),
                    QStringLiteral("This agent's consumer group (default: the host name)."),
                    [](C &c, const QString &v) { return parseName(v, &c.agent.name); },
                    [](const C &c) { return QString::fromUtf8(c.agent.name); })
                    .withValueName(QStringLiteral("NAME")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_RETRY_DEADLINE"), {QStringLiteral("AGENT_RETRY_DELAY")},
                    QStringLiteral("retry-deadline"),
                    QStringLiteral("How long one request is retried before it is recorded as failed (default 60s)."),
                    [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.agent.retryDeadlineMs); },
                    [](const C &c) { return formatDuration(c.agent.retryDeadlineMs); })
                    .withValueName(QStringLiteral("DURATION")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_TIMEOUT"), {QStringLiteral("HUB_TIMEOUT")}, QStringLiteral("redis-timeout"),
                    QStringLiteral("How long Redis may leave a command unanswered before the connection is renewed (default 5s)."),
                    [](C &c, const QString &v) {
                        const QString error = SettingValues::parseDuration(v, &c.agent.redisTimeoutMs);
                        return error.isEmpty() && c.agent.redisTimeoutMs <= 0
                                   ? QStringLiteral("expected a duration above 0, like 5s")
                                   : error;
                    },
                    [](const C &c) { return formatDuration(c.agent.redisTimeoutMs); })
                    .withValueName(QStringLiteral("DURATION")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_INSTANCE_ID"), {}, QStringLiteral("instance-id"),
                    QStringLiteral("This agent's id in the Via header (default: the host name). Set, requests that a herald serve "
                                   "with the same id published are not replayed (it delivered them itself with "
                                   "HERALD_RELAY_BROADCAST); by default none is skipped."),
                    [](C &c, const QString &v) {
                        if (v.isEmpty())
                            return QString();
                        if (!isHttpToken(v.toLatin1()))
                            return QStringLiteral("expected a token (letters, digits, - . _)");
                        c.agent.instanceId = v.toLatin1();
                        c.agent.skipOwn = true;
                        return QString();
                    },
                    [](const C &c) { return QString::fromLatin1(c.agent.instanceId); })
                    .withValueName(QStringLiteral("ID")));
    rows.append(Table::row(
                    QStringLiteral("HERALD_RELAY_FROM_BEGINNING"), {}, QStringLiteral("from-beginning"),
                    QStringLiteral("A new agent starts at the stream's first entry instead of its end (true or false)."),
                    [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.agent.fromBeginning); },
                    [](const C &c) { return SettingValues::showBoolean(c.agent.fromBeginning); })
                    .asSwitch());
    rows.append(
        Table::row(
            QStringLiteral("HERALD_ADMIN_LISTEN"), {}, QStringLiteral("admin-listen"),
            QStringLiteral("[HOST]:PORT for /healthz and /metrics (default: none)."),
            [](C &c, const QString &v) {
                c.adminListenEnabled = true;
                return SettingValues::parseListen(v, &c.adminAddress, &c.adminPort);
            },
            [](const C &c) { return c.adminListenEnabled ? SettingValues::showListen(c.adminAddress, c.adminPort) : QString(); })
            .withValueName(QStringLiteral("ADDRESS")));
    rows.append(Table::row(
        QStringLiteral("HERALD_LOG_FORMAT"), {QStringLiteral("LOG_FORMAT")}, QStringLiteral("log-format"),
        QStringLiteral("text (default), json (one JSON object per line) or fluentd (JSON with time, severity, logger, message)."),
        [](C &c, const QString &v) { return SettingValues::parseLogFormat(v, &c.logFormat); },
        [](const C &c) { return c.logFormat; }));
    rows.append(Table::row(
        QStringLiteral("HERALD_LOG_LEVEL"), {QStringLiteral("LOG_LEVEL")}, QStringLiteral("log-level"),
        QStringLiteral("debug, info (default), warn or error; trace reads as debug, fatal and panic as error."),
        [](C &c, const QString &v) { return SettingValues::parseLogLevel(v, &c.logLevel); }, [](const C &c) { return c.logLevel; }));
    return rows;
}

QString checkEndpoints(const RelayConfig &config)
{
    if (config.agent.endpoints.kind == TargetSourceSpec::Kind::Static && config.agent.endpoints.targets.isEmpty())
        return QStringLiteral(
            "--endpoint (HERALD_RELAY_ENDPOINT or AGENT_ENDPOINT), --endpoint-dns or --endpoint-srv: one is required");
    return {};
}

const Table &relayTable()
{
    static const Table table = [] {
        Table built(buildRows());
        built.setConfigFile(QStringLiteral("config"), QStringLiteral("HERALD_CONFIG"),
                            [](RelayConfig &config, const QString &file) { config.configFile = file; });
        built.setCheck(checkEndpoints);
        return built;
    }();
    return table;
}

} // namespace

const QList<RelaySettings::Setting> &RelaySettings::table()
{
    return relayTable().rows();
}

void RelaySettings::addOptions(QCommandLineParser &parser)
{
    relayTable().addOptions(parser);
}

QString RelaySettings::load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, RelayConfig *config)
{
    return relayTable().load(parser, environment, config);
}

QString RelaySettings::printConfig(const RelayConfig &config)
{
    return relayTable().printConfig(config);
}

} // namespace herald
