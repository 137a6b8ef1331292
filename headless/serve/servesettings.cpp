#include "serve/servesettings.h"

#include "common/settingvalues.h"
#include "compat/compatmodes.h"
#include "relay/redisaddress.h"
#include "serve/serveagentsettings.h"
#include "serve/serveaddresssettings.h"
#include "serve/serveanswersettings.h"
#include "serve/servebroadcastsettings.h"
#include "serve/servelimitsettings.h"
#include "serve/serverequestsettings.h"
#include "serve/serveroutesettings.h"
#include "util/duration.h"

namespace herald {

namespace {

using Table = SettingsTable<ServeConfig>;

// Logging, the relay publisher and the profile directory.
QList<Table::Setting> otherRows()
{
    using C = ServeConfig;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_LOG_FORMAT"), {QStringLiteral("LOG_FORMAT")}, QStringLiteral("log-format"),
        QStringLiteral("text (default), json (one JSON object per line) or fluentd (JSON with time, severity, logger, message)."),
        [](C &c, const QString &v) { return SettingValues::parseLogFormat(v, &c.logFormat); },
        [](const C &c) { return c.logFormat; });
    add(
        QStringLiteral("HERALD_LOG_LEVEL"), {QStringLiteral("LOG_LEVEL")}, QStringLiteral("log-level"),
        QStringLiteral("debug, info (default), warn or error; trace reads as debug, fatal and panic as error."),
        [](C &c, const QString &v) { return SettingValues::parseLogLevel(v, &c.logLevel); }, [](const C &c) { return c.logLevel; });
    add(
        QStringLiteral("HERALD_RELAY_URL"), {QStringLiteral("HUB_ENDPOINT")}, QStringLiteral("relay-url"),
        QStringLiteral(
            "Publish every accepted request to this Redis (redis://[user:password@]host:port/db) for `herald relay` agents; answers 202 once stored."),
        [](C &c, const QString &v) {
            RedisAddress address;
            QString error;
            if (!RedisAddress::parse(v, &address, &error))
                return error;
            c.relayUrl = v;
            return QString();
        },
        [](const C &c) {
            RedisAddress address;
            QString error;
            return c.relayUrl.isEmpty() || !RedisAddress::parse(c.relayUrl, &address, &error) ? QString() : address.masked();
        });
    table.last().withMask(SettingValues::maskUrlPassword);
    add(
        QStringLiteral("HERALD_RELAY_STREAM"), {QStringLiteral("HUB_TOPIC")}, QStringLiteral("relay-stream"),
        QStringLiteral("Redis stream name (default herald)."),
        [](C &c, const QString &v) {
            if (v.trimmed().isEmpty() || v.contains(QLatin1Char(' ')))
                return QStringLiteral("expected a stream name without spaces");
            c.relayStream = v.trimmed().toUtf8();
            return QString();
        },
        [](const C &c) { return QString::fromUtf8(c.relayStream); });
    add(
        QStringLiteral("HERALD_RELAY_MAXLEN"), {}, QStringLiteral("relay-maxlen"),
        QStringLiteral("Entries the stream keeps (XADD MAXLEN ~; default 1000000; 0 keeps all)."),
        [](C &c, const QString &v) {
            int length = 0;
            const QString error = SettingValues::parseCount(v, 0, &length);
            c.relayMaxLength = length;
            return error;
        },
        [](const C &c) { return QString::number(c.relayMaxLength); });
    add(
        QStringLiteral("HERALD_RELAY_MAX_AGE"), {}, QStringLiteral("relay-max-age"),
        QStringLiteral("Keep stream entries this long instead of by count (XADD MINID ~), e.g. 24h; 0 uses HERALD_RELAY_MAXLEN."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.relayMaxAgeMs); },
        [](const C &c) { return formatDuration(c.relayMaxAgeMs); });
    add(
        QStringLiteral("HERALD_RELAY_BROADCAST"), {}, QStringLiteral("relay-broadcast"),
        QStringLiteral("With HERALD_RELAY_URL, also broadcast directly to this instance's targets: true or false (default)."),
        [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.relayAlsoBroadcast); },
        [](const C &c) { return SettingValues::showBoolean(c.relayAlsoBroadcast); });
    add(
        QStringLiteral("HERALD_RELAY_TIMEOUT"), {QStringLiteral("HUB_TIMEOUT")}, QStringLiteral("relay-timeout"),
        QStringLiteral("How long Redis may take to store a request (default 5s); then 503, and the connection is renewed."),
        [](C &c, const QString &v) {
            const QString error = SettingValues::parseDuration(v, &c.relayTimeoutMs);
            return error.isEmpty() && c.relayTimeoutMs <= 0 ? QStringLiteral("expected a duration above 0, like 5s") : error;
        },
        [](const C &c) { return formatDuration(c.relayTimeoutMs); });
    add(
        QStringLiteral("HERALD_RELAY_ENDPOINT"), {QStringLiteral("AGENT_ENDPOINT")}, QStringLiteral("relay-endpoint"),
        QStringLiteral("With HERALD_RELAY_URL, also run the relay agent in this process, replaying the stream to these "
                       "local endpoint URLs (comma-separated); its other settings are herald relay's variables."),
        [](C &c, const QString &v) {
            QString error;
            const QList<Target> endpoints = Target::parseList(v, &error);
            if (!error.isEmpty())
                return error;
            if (endpoints.isEmpty())
                return QStringLiteral("expected at least one URL like http://127.0.0.1:6081");
            c.agentEnabled = true;
            c.agent.endpoints = TargetSourceSpec();
            c.agent.endpoints.targets = endpoints;
            return QString();
        },
        [](const C &c) {
            QStringList urls;
            for (const Target &target : c.agent.endpoints.targets)
                urls.append(target.baseUrl.toString());
            return c.agentEnabled ? urls.join(QLatin1Char(',')) : QString();
        });
    add(
        QStringLiteral("HERALD_COMPAT"), {}, QStringLiteral("compat"),
        QStringLiteral("Stand in for a seed: auto (default: chosen from the seed's variables in the environment), "
                       "broadcaster, http-broadcast, k8sreq-duplicator, red-tentacle, fanout or none. A mode only "
                       "changes defaults; every variable set explicitly wins."),
        [](C &, const QString &v) { // chosen before every other row, in ServeSettings::load
            const QString name = v.trimmed().toLower();
            return name == QLatin1String("auto") || CompatModes::names().contains(name)
                       ? QString()
                       : QStringLiteral("expected auto, %1").arg(CompatModes::names().join(QStringLiteral(", ")));
        },
        [](const C &c) { return c.compatMode; })
        .notInFile();
    add(
        QStringLiteral("HERALD_PROFILE_DIR"), {}, QStringLiteral("profile-dir"),
        QStringLiteral("Directory of saved profiles for the admin API (default: the user's config location)."),
        [](C &c, const QString &v) {
            c.profileDirectory = v;
            return QString();
        },
        [](const C &c) { return c.profileDirectory; });
    add(
        QStringLiteral("HERALD_HISTORY"), {}, QStringLiteral("history"),
        QStringLiteral("History database the admin API's profile runs are recorded in, shared with the GUI and herald send "
                       "(default: the user's data location); none records nothing."),
        [](C &c, const QString &v) {
            c.historyPath = v == QLatin1String("none") ? QString() : v;
            return QString();
        },
        [](const C &c) { return c.historyPath.isEmpty() ? QStringLiteral("none") : c.historyPath; });
    return table;
}

QString checkTogether(const ServeConfig &config)
{
    if (config.tlsCertFile.isEmpty() != config.tlsKeyFile.isEmpty())
        return QStringLiteral("HERALD_TLS_CERT and HERALD_TLS_KEY must be set together");
    if (config.adminListenEnabled && config.adminPort == config.listenPort && config.listenPort != 0)
        return QStringLiteral("HERALD_ADMIN_LISTEN: port %1 is already the broadcast port").arg(config.adminPort);
    if (config.metricsListenEnabled && config.metricsPort != 0
        && (config.metricsPort == config.listenPort || (config.adminListenEnabled && config.metricsPort == config.adminPort)))
        return QStringLiteral("HERALD_METRICS_LISTEN: port %1 is already the broadcast or admin port").arg(config.metricsPort);
    if (!config.routesFile.isEmpty() && !config.requestClonesPath.isEmpty())
        return QStringLiteral("HERALD_ROUTES and HERALD_REQUESTCLONES are two sources of routes; set one of them");
    return {};
}

const Table &serveTable()
{
    static const Table table = [] {
        // The order is the order of --help, --print-config and of applying: HERALD_PORT after
        // HERALD_LISTEN, HERALD_TARGETS before the DNS settings it resets.
        Table built(ServeAddressSettings::rows() + ServeBroadcastSettings::rows() + ServeLimitSettings::rows()
                    + ServeRequestSettings::rows() + ServeAnswerSettings::rows() + ServeRouteSettings::rows() + otherRows());
        built.setConfigFile(QStringLiteral("config"), QStringLiteral("HERALD_CONFIG"),
                            [](ServeConfig &config, const QString &file) { config.configFile = file; });
        built.setCheck(checkTogether);
        return built;
    }();
    return table;
}

} // namespace

const QList<ServeSettings::Setting> &ServeSettings::table()
{
    return serveTable().rows();
}

void ServeSettings::addOptions(QCommandLineParser &parser)
{
    serveTable().addOptions(parser);
}

QString ServeSettings::load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, ServeConfig *config)
{
    // The mode comes first: its defaults sit under the file, the environment and the flags.
    const QString explicitMode = parser.isSet(QStringLiteral("compat")) ? parser.value(QStringLiteral("compat"))
                                                                        : environment.value(QStringLiteral("HERALD_COMPAT"));
    CompatChoice choice;
    QString error = CompatModes::choose(explicitMode, environment, &choice);
    if (!error.isEmpty())
        return error;
    error = serveTable().applyDefaults(choice.defaults, QStringLiteral("HERALD_COMPAT=%1").arg(choice.name), config);
    if (!error.isEmpty())
        return error;
    config->compatMode = choice.name;
    config->compatAnnouncement = CompatModes::announcement(choice);
    config->compatIgnored = choice.ignoredVariables;
    error = serveTable().load(parser, environment, config);
    if (error.isEmpty() && config->agentEnabled)
        error = ServeAgentSettings::load(environment, config);
    return error;
}

QString ServeSettings::printConfig(const ServeConfig &config)
{
    return serveTable().printConfig(config);
}

} // namespace herald
