#include "serve/servebroadcastsettings.h"

#include "broadcast/responsecomparison.h"
#include "common/settingvalues.h"
#include "util/duration.h"
#include "util/httpheaders.h"

namespace herald {

QList<SettingsTable<ServeConfig>::Setting> ServeBroadcastSettings::rows()
{
    using C = ServeConfig;
    using Table = SettingsTable<ServeConfig>;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_RETRIES"), {QStringLiteral("RETRIES"), QStringLiteral("MAX_RETRIES")}, QStringLiteral("retries"),
        QStringLiteral("Retries per target after the first attempt (default 2)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 0, &c.options.retry.maxRetries); },
        [](const C &c) { return QString::number(c.options.retry.maxRetries); });
    add(
        QStringLiteral("HERALD_RETRY_ON"), {}, QStringLiteral("retry-on"),
        QStringLiteral("Statuses that are retried: 5xx,429 (default), >=400 (the Broadcaster seed's rule), none."),
        [](C &c, const QString &v) {
            QString error;
            c.options.retry.retryStatuses = StatusRule::parse(v, &error);
            return error;
        },
        [](const C &c) { return c.options.retry.retryStatuses.toString(); });
    add(
        QStringLiteral("HERALD_TIMEOUT"),
        {QStringLiteral("TIMEOUT"), QStringLiteral("HTTP_TIMEOUT"), QStringLiteral("PROXY_WRITE_TIMEOUT"),
         QStringLiteral("CLIENT_TIMEOUT")},
        QStringLiteral("timeout"), QStringLiteral("Per-attempt timeout to each target (default 5s)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.options.attemptTimeoutMs); },
        [](const C &c) { return formatDuration(c.options.attemptTimeoutMs); });
    add(
        QStringLiteral("HERALD_DEADLINE"), {QStringLiteral("REQUEST_TIMEOUT")}, QStringLiteral("deadline"),
        QStringLiteral("Whole-broadcast deadline (default 30s)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.options.deadlineMs); },
        [](const C &c) { return formatDuration(c.options.deadlineMs); });
    add(
        QStringLiteral("HERALD_POLICY"), {}, QStringLiteral("policy"),
        QStringLiteral("all (default), any, first, async or quorum=N|0.F|P%; a request may override it with X-Herald-Policy."),
        [](C &c, const QString &v) {
            QString error;
            c.options.policy = OutcomePolicy::parse(v, &error);
            return error;
        },
        [](const C &c) { return c.options.policy.toString(); });
    add(
        QStringLiteral("HERALD_HOST_MODE"), {}, QStringLiteral("host-mode"),
        QStringLiteral("preserve (default): forward the client's Host; target: each target's own host."),
        [](C &c, const QString &v) {
            return HeaderPolicy::parseHostMode(v, &c.headerPolicy.hostMode) ? QString()
                                                                            : QStringLiteral("expected preserve or target");
        },
        [](const C &c) { return HeaderPolicy::hostModeName(c.headerPolicy.hostMode); });
    add(
        QStringLiteral("HERALD_UNDERSCORE_HEADERS"), {}, QStringLiteral("underscore-headers"),
        QStringLiteral("Headers with '_' in their name: drop (default, as nginx), refuse (400) or pass. One that reads "
                       "as a framing or hop-by-hop header (Transfer_Encoding) is refused whatever this says."),
        [](C &c, const QString &v) {
            return HeaderPolicy::parseUnderscoreHeaders(v, &c.headerPolicy.underscoreHeaders)
                       ? QString()
                       : QStringLiteral("expected drop, refuse or pass");
        },
        [](const C &c) { return HeaderPolicy::underscoreHeadersName(c.headerPolicy.underscoreHeaders); });
    add(
        QStringLiteral("HERALD_SENSITIVE_HEADERS"), {QStringLiteral("SENSITIVE_HEADERS")}, QStringLiteral("sensitive-headers"),
        QStringLiteral("Headers never forwarded, comma-separated (default Proxy-Authorization,Cookie)."),
        [](C &c, const QString &v) {
            c.headerPolicy.sensitiveHeaders.clear();
            for (const QString &name : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
                c.headerPolicy.sensitiveHeaders.append(name.trimmed().toLatin1());
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.headerPolicy.sensitiveHeaders.join(',')); });
    add(
        QStringLiteral("HERALD_COMPARE_HEADERS"), {}, QStringLiteral("compare-headers"),
        QStringLiteral("Response headers that tell targets' answers apart besides status and body, comma-separated "
                       "(e.g. Age,X-Cache; default none): the answer's \"groups\" and \"disagree\"."),
        [](C &c, const QString &v) {
            c.options.compareHeaders = ResponseComparison::parseHeaderList(v);
            for (const QByteArray &name : c.options.compareHeaders) {
                if (!isHttpToken(name))
                    return QStringLiteral("\"%1\" is not a header name").arg(QString::fromLatin1(name));
            }
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.options.compareHeaders.join(',')); });
    add(
        QStringLiteral("HERALD_INSTANCE_ID"), {QStringLiteral("HUB_GUARD_TOKEN")}, QStringLiteral("instance-id"),
        QStringLiteral("This instance's id in the Via header, for loop detection (default: the host name)."),
        [](C &c, const QString &v) {
            if (!isHttpToken(v.toLatin1()))
                return QStringLiteral("expected a token (letters, digits, - . _)");
            c.headerPolicy.instanceId = v.toLatin1();
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.headerPolicy.instanceId); });
    add(
        QStringLiteral("HERALD_CONCURRENCY"), {}, QStringLiteral("concurrency"),
        QStringLiteral("Requests in flight per target (default 6)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 1, &c.perTargetConcurrency); },
        [](const C &c) { return QString::number(c.perTargetConcurrency); });
    add(
        QStringLiteral("HERALD_TOTAL_CONCURRENCY"), {}, QStringLiteral("total-concurrency"),
        QStringLiteral("Requests in flight over all targets together (default 512); the rest wait their turn."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 1, &c.totalConcurrency); },
        [](const C &c) { return QString::number(c.totalConcurrency); });
    add(
        QStringLiteral("HERALD_TRANSPORT"), {}, QStringLiteral("transport"),
        QStringLiteral("HTTP client for the targets: lean (default: Herald's own HTTP/1.1 client; https and HTTP/2 "
                       "targets go through curl), curl (libcurl) or qnam (QNetworkAccessManager)."),
        [](C &c, const QString &v) {
            return parseTransportKind(v, &c.transport) ? QString() : QStringLiteral("expected curl, qnam or lean");
        },
        [](const C &c) { return transportKindName(c.transport); });
    add(
        QStringLiteral("HERALD_TRANSPORT_THREADS"), {}, QStringLiteral("transport-threads"),
        QStringLiteral("Worker threads for the HTTP work to the targets, each with its own connections "
                       "(default 0: the listener's thread does it)."),
        [](C &c, const QString &v) {
            const QString error = SettingValues::parseCount(v, 0, &c.transportThreads);
            if (error.isEmpty() && c.transportThreads > 64)
                return QStringLiteral("expected at most 64");
            return error;
        },
        [](const C &c) { return QString::number(c.transportThreads); });
    add(
        QStringLiteral("HERALD_WORKERS"), {}, QStringLiteral("workers"),
        QStringLiteral("Event loops serving the main port, 1 to 64 (default 1). From 2 on, each has its own listening "
                       "socket on that port (SO_REUSEPORT), transport, circuit state and metrics (summed by /metrics); "
                       "probes, the admin API and jobs stay on the first."),
        [](C &c, const QString &v) {
            int workers = 0;
            if (!SettingValues::parseCount(v, 1, &workers).isEmpty() || workers > 64)
                return QStringLiteral("expected a whole number from 1 to 64");
            c.workers = workers;
            return QString();
        },
        [](const C &c) { return QString::number(c.workers); });
    add(
        QStringLiteral("HERALD_CIRCUIT_THRESHOLD"), {}, QStringLiteral("circuit-threshold"),
        QStringLiteral("Consecutive failures that open a target's circuit (default 5; 0 turns the breaker off)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 0, &c.circuitThreshold); },
        [](const C &c) { return QString::number(c.circuitThreshold); });
    add(
        QStringLiteral("HERALD_CIRCUIT_COOLDOWN"), {}, QStringLiteral("circuit-cooldown"),
        QStringLiteral("Time an open circuit waits before a probe (default 10s)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.circuitCooldownMs); },
        [](const C &c) { return formatDuration(c.circuitCooldownMs); });
    return table;
}

} // namespace herald
