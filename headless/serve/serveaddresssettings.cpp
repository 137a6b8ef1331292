#include "serve/serveaddresssettings.h"

#include "common/settingvalues.h"
#include "util/duration.h"

namespace herald {

QList<SettingsTable<ServeConfig>::Setting> ServeAddressSettings::rows()
{
    using C = ServeConfig;
    using Table = SettingsTable<ServeConfig>;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_LISTEN"), {QStringLiteral("HTTP_ADDR"), QStringLiteral("SERVER_ADDR")}, QStringLiteral("listen"),
        QStringLiteral("Address the broadcast listener binds, [HOST]:PORT (default :8080)."),
        [](C &c, const QString &v) { return SettingValues::parseListen(v, &c.listenAddress, &c.listenPort); },
        [](const C &c) { return SettingValues::showListen(c.listenAddress, c.listenPort); });
    add(
        QStringLiteral("HERALD_PORT"), {QStringLiteral("PORT")}, QStringLiteral("port"),
        QStringLiteral("Port of the broadcast listener (FanOut's PORT); overrides the port of HERALD_LISTEN."),
        [](C &c, const QString &v) {
            int port = 0;
            const QString error = SettingValues::parsePort(v, 0, &port);
            if (error.isEmpty())
                c.listenPort = static_cast<quint16>(port);
            return error;
        },
        [](const C &c) { return QString::number(c.listenPort); });
    add(
        QStringLiteral("HERALD_ADMIN_LISTEN"), {QStringLiteral("PROBE_ADDR")}, QStringLiteral("admin-listen"),
        QStringLiteral(
            "Separate [HOST]:PORT for /healthz, /readyz, /metrics and the admin API; then nothing on the main port is reserved."),
        [](C &c, const QString &v) {
            c.adminListenEnabled = true;
            return SettingValues::parseListen(v, &c.adminAddress, &c.adminPort);
        },
        [](const C &c) { return c.adminListenEnabled ? SettingValues::showListen(c.adminAddress, c.adminPort) : QString(); });
    add(
        QStringLiteral("HERALD_METRICS_LISTEN"), {QStringLiteral("METRICS_ADDR")}, QStringLiteral("metrics-listen"),
        QStringLiteral("Separate [HOST]:PORT that serves /metrics only (beside the main and admin ports)."),
        [](C &c, const QString &v) {
            c.metricsListenEnabled = true;
            return SettingValues::parseListen(v, &c.metricsAddress, &c.metricsPort);
        },
        [](const C &c) { return c.metricsListenEnabled ? SettingValues::showListen(c.metricsAddress, c.metricsPort) : QString(); });
    add(
        QStringLiteral("HERALD_PROBE_PREFIX"), {}, QStringLiteral("probe-prefix"),
        QStringLiteral("Prefix of /healthz, /readyz and /metrics on the main port (default none); e.g. /_herald."),
        [](C &c, const QString &v) {
            QString prefix = v.trimmed();
            while (prefix.endsWith(QLatin1Char('/')))
                prefix.chop(1);
            if (!prefix.isEmpty() && !prefix.startsWith(QLatin1Char('/')))
                return QStringLiteral("expected a path starting with /");
            c.probePrefix = prefix;
            return QString();
        },
        [](const C &c) { return c.probePrefix; });
    add(
        QStringLiteral("HERALD_TARGETS"), {QStringLiteral("TARGETS"), QStringLiteral("BACKEND_SERVERS")}, QStringLiteral("targets"),
        QStringLiteral("Static target URLs, separated by commas or spaces; localonly: no targets, each request is "
                       "answered with itself (FanOut's echo mode, HERALD_ECHO_RESPONSE)."),
        [](C &c, const QString &v) {
            c.echo = v.trimmed() == QLatin1String("localonly");
            if (c.echo) {
                c.source = {};
                c.sourceConfigured = true;
                return QString();
            }
            QString error;
            const QList<Target> targets = Target::parseList(v, &error);
            if (targets.isEmpty())
                return error.isEmpty() ? QStringLiteral("expected at least one URL like http://varnish:6081") : error;
            c.source = {};
            c.source.targets = targets;
            c.sourceConfigured = true;
            return QString();
        },
        [](const C &c) {
            if (c.echo)
                return QStringLiteral("localonly");
            QStringList urls;
            for (const Target &t : c.source.targets)
                urls.append(t.baseUrl.toString());
            return urls.join(QLatin1Char(','));
        });
    add(
        QStringLiteral("HERALD_DNS_NAME"), {QStringLiteral("BACKEND_HOST")}, QStringLiteral("dns-name"),
        QStringLiteral("Broadcast to every A/AAAA record of this name (a Kubernetes headless service)."),
        [](C &c, const QString &v) {
            if (v.trimmed().isEmpty() || v.contains(QLatin1Char(' ')))
                return QStringLiteral("expected a DNS name");
            c.source.kind = TargetSourceSpec::Kind::Dns;
            c.source.name = v.trimmed();
            c.sourceConfigured = true;
            return QString();
        },
        [](const C &c) { return c.source.kind == TargetSourceSpec::Kind::Dns ? c.source.name : QString(); });
    add(
        QStringLiteral("HERALD_DNS_PORT"), {QStringLiteral("BACKEND_PORT")}, QStringLiteral("dns-port"),
        QStringLiteral("Port used with HERALD_DNS_NAME (default 80)."),
        [](C &c, const QString &v) { return SettingValues::parsePort(v, 1, &c.source.port); },
        [](const C &c) { return QString::number(c.source.port); });
    add(
        QStringLiteral("HERALD_SRV"), {}, QStringLiteral("srv"),
        QStringLiteral("Broadcast to the SRV records of this name (e.g. _http._tcp.varnish.default.svc)."),
        [](C &c, const QString &v) {
            QString error;
            if (!TargetSourceSpec::parseSrv(v, &c.source, &error))
                return error;
            c.sourceConfigured = true;
            return QString();
        },
        [](const C &c) { return c.source.kind == TargetSourceSpec::Kind::Srv ? c.source.name : QString(); });
    add(
        QStringLiteral("HERALD_NAMESERVER"), {}, QStringLiteral("nameserver"),
        QStringLiteral("Ask this DNS server (port 53) instead of the system resolver."),
        [](C &c, const QString &v) {
            c.source.nameserver = QHostAddress(v.trimmed());
            return c.source.nameserver.isNull() ? QStringLiteral("expected an IP address") : QString();
        },
        [](const C &c) { return c.source.nameserver.isNull() ? QString() : c.source.nameserver.toString(); });
    add(
        QStringLiteral("HERALD_DNS_REFRESH"), {}, QStringLiteral("dns-refresh"),
        QStringLiteral("How often DNS and SRV targets are re-resolved (default 30s; 0 turns it off)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.source.refreshIntervalMs); },
        [](const C &c) { return formatDuration(c.source.refreshIntervalMs); });
    add(
        QStringLiteral("HERALD_TARGET_SCHEME"), {}, QStringLiteral("target-scheme"),
        QStringLiteral("Scheme for DNS and SRV targets: http (default) or https."),
        [](C &c, const QString &v) {
            if (v != QLatin1String("http") && v != QLatin1String("https"))
                return QStringLiteral("expected http or https");
            c.source.scheme = v;
            return QString();
        },
        [](const C &c) { return c.source.scheme; });
    return table;
}

} // namespace herald
