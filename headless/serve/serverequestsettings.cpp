#include "serve/serverequestsettings.h"

#include "common/settingvalues.h"

namespace herald {

namespace {

// A local path as FanOut reads ENDPOINT_PATH: "fanout" is "/fanout"; "" turns it off.
QString parseLocalPath(const QString &value, QString *out)
{
    QString path = value.trimmed();
    if (path.contains(QLatin1Char('?')) || path.contains(QLatin1Char(' ')))
        return QStringLiteral("expected a path like /fanout, without a query");
    if (!path.isEmpty() && !path.startsWith(QLatin1Char('/')))
        path.prepend(QLatin1Char('/'));
    *out = path;
    return {};
}

} // namespace

QList<SettingsTable<ServeConfig>::Setting> ServeRequestSettings::rows()
{
    using C = ServeConfig;
    using Table = SettingsTable<ServeConfig>;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_BROADCAST_PATH"), {QStringLiteral("ENDPOINT_PATH")}, QStringLiteral("broadcast-path"),
        QStringLiteral("Broadcast only requests to this path (e.g. /fanout); others get 404. Default: every path."),
        [](C &c, const QString &v) { return parseLocalPath(v, &c.broadcastPath); }, [](const C &c) { return c.broadcastPath; });
    add(
        QStringLiteral("HERALD_TARGET_PATH"), {}, QStringLiteral("target-path"),
        QStringLiteral("append (default): each target gets its URL's path followed by the request's path; exact: each "
                       "target gets exactly its own URL (FanOut). The request's query is kept either way."),
        [](C &c, const QString &v) {
            const QString mode = v.trimmed().toLower();
            if (mode != QLatin1String("append") && mode != QLatin1String("exact"))
                return QStringLiteral("expected append or exact");
            c.options.exactTargetPath = mode == QLatin1String("exact");
            return QString();
        },
        [](const C &c) { return c.options.exactTargetPath ? QStringLiteral("exact") : QStringLiteral("append"); });
    add(
        QStringLiteral("HERALD_REQUEST_ID"), {}, QStringLiteral("request-id"),
        QStringLiteral("true: a request's X-Request-ID (or a new one) goes to every target and back in the answer "
                       "(default false)."),
        [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.requestId); },
        [](const C &c) { return SettingValues::showBoolean(c.requestId); });
    add(
        QStringLiteral("HERALD_RETRY_COUNT_HEADER"), {}, QStringLiteral("retry-count-header"),
        QStringLiteral("true: a retried request carries X-Retry-Count: N, the retry's number (default false)."),
        [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.options.retryCountHeader); },
        [](const C &c) { return SettingValues::showBoolean(c.options.retryCountHeader); });
    add(
        QStringLiteral("HERALD_HEALTH_PATH"), {}, QStringLiteral("health-path"),
        QStringLiteral("A path answered locally with {\"status\":\"healthy\"} while the process runs, as FanOut's /health "
                       "(default none; /livez always is)."),
        [](C &c, const QString &v) { return parseLocalPath(v, &c.healthPath); }, [](const C &c) { return c.healthPath; });
    add(
        QStringLiteral("HERALD_VERSION_PATH"), {}, QStringLiteral("version-path"),
        QStringLiteral("A path answered locally with Herald's version as JSON, as FanOut's /version (default none)."),
        [](C &c, const QString &v) { return parseLocalPath(v, &c.versionPath); }, [](const C &c) { return c.versionPath; });
    add(
        QStringLiteral("HERALD_METRICS"), {QStringLiteral("METRICS_ENABLED")}, QStringLiteral("metrics"),
        QStringLiteral("Serve /metrics: true (default) or false."),
        [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.metricsEnabled); },
        [](const C &c) { return SettingValues::showBoolean(c.metricsEnabled); });
    add(
        QStringLiteral("HERALD_ECHO_RESPONSE"), {QStringLiteral("ECHO_MODE_RESPONSE")}, QStringLiteral("echo-response"),
        QStringLiteral("With HERALD_TARGETS=localonly, the echo: simple (default, 202 {\"status\":\"echoed\"}) or full "
                       "(200, the request's headers and body as JSON)."),
        [](C &c, const QString &v) {
            const QString mode = v.trimmed().toLower();
            if (mode != QLatin1String("simple") && mode != QLatin1String("full"))
                return QStringLiteral("expected simple or full");
            c.echoFull = mode == QLatin1String("full");
            return QString();
        },
        [](const C &c) { return c.echoFull ? QStringLiteral("full") : QStringLiteral("simple"); });
    add(
        QStringLiteral("HERALD_ECHO_HEADER"), {QStringLiteral("ECHO_MODE_HEADER")}, QStringLiteral("echo-header"),
        QStringLiteral("With HERALD_TARGETS=localonly, true adds X-Echo-Mode: active to the echo (default false)."),
        [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.echoHeader); },
        [](const C &c) { return SettingValues::showBoolean(c.echoHeader); });
    return table;
}

} // namespace herald
