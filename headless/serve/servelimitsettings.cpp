#include "serve/servelimitsettings.h"

#include "common/settingvalues.h"
#include "util/duration.h"

#include <QFile>

namespace herald {

QList<SettingsTable<ServeConfig>::Setting> ServeLimitSettings::rows()
{
    using C = ServeConfig;
    using Table = SettingsTable<ServeConfig>;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_MAX_BODY"), {QStringLiteral("MAX_BODY_SIZE")}, QStringLiteral("max-body"),
        QStringLiteral("Largest request body accepted; larger gets 413 (default 10MiB)."),
        [](C &c, const QString &v) { return SettingValues::parseBytes(v, &c.maxBodyBytes); },
        [](const C &c) { return QString::number(c.maxBodyBytes); });
    add(
        QStringLiteral("HERALD_MAX_HEADER_BYTES"), {}, QStringLiteral("max-header-bytes"),
        QStringLiteral("Largest request head (request line and headers); larger gets 431 (default 32KiB)."),
        [](C &c, const QString &v) {
            qint64 bytes = 0;
            const QString error = SettingValues::parseBytes(v, &bytes);
            c.maxHeaderBytes = static_cast<int>(qMin<qint64>(bytes, 16 * 1024 * 1024));
            return error;
        },
        [](const C &c) { return QString::number(c.maxHeaderBytes); });
    add(
        QStringLiteral("HERALD_HEADER_TIMEOUT"), {QStringLiteral("PROXY_READ_TIMEOUT")}, QStringLiteral("header-timeout"),
        QStringLiteral("A client that sends its request slower than this is closed (default 10s)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.headerTimeoutMs); },
        [](const C &c) { return formatDuration(c.headerTimeoutMs); });
    add(
        QStringLiteral("HERALD_MAX_CONNECTIONS"), {}, QStringLiteral("max-connections"),
        QStringLiteral("Client connections open at once (default 1024)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 1, &c.maxConnections); },
        [](const C &c) { return QString::number(c.maxConnections); });
    add(
        QStringLiteral("HERALD_ASYNC_QUEUE"), {}, QStringLiteral("async-queue"),
        QStringLiteral("Async broadcasts in flight at once; more get 503 with Retry-After (default 1000)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 1, &c.asyncQueueLimit); },
        [](const C &c) { return QString::number(c.asyncQueueLimit); });
    add(
        QStringLiteral("HERALD_MAX_INFLIGHT"), {}, QStringLiteral("max-inflight"),
        QStringLiteral("Broadcasts under way at once; more get 503 with Retry-After instead of piling up (default 2000)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 1, &c.maxInFlight); },
        [](const C &c) { return QString::number(c.maxInFlight); });
    add(
        QStringLiteral("HERALD_JOB_TTL"), {}, QStringLiteral("job-ttl"),
        QStringLiteral("How long a finished async broadcast's results stay at /_herald/jobs/{id} (default 10m)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.jobTtlMs); },
        [](const C &c) { return formatDuration(c.jobTtlMs); });
    add(
        QStringLiteral("HERALD_JOB_MAX"), {}, QStringLiteral("job-max"),
        QStringLiteral("Async broadcast jobs kept at once; the oldest finished one makes room, and when all are running "
                       "a new async broadcast gets 503 (default 1000)."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 1, &c.jobMax); },
        [](const C &c) { return QString::number(c.jobMax); });
    add(
        QStringLiteral("HERALD_DRAIN_TIMEOUT"), {}, QStringLiteral("drain-timeout"),
        QStringLiteral("On SIGTERM, how long in-flight broadcasts may take to finish (default 30s)."),
        [](C &c, const QString &v) { return SettingValues::parseDuration(v, &c.drainTimeoutMs); },
        [](const C &c) { return formatDuration(c.drainTimeoutMs); });
    add(
        QStringLiteral("HERALD_TLS_CERT"), {QStringLiteral("SERVER_TLS_CERT_FILE")}, QStringLiteral("tls-cert"),
        QStringLiteral("PEM certificate file; with HERALD_TLS_KEY the listener speaks HTTPS."),
        [](C &c, const QString &v) {
            c.tlsCertFile = v;
            return QFile::exists(v) ? QString() : QStringLiteral("file '%1' does not exist").arg(v);
        },
        [](const C &c) { return c.tlsCertFile; });
    add(
        QStringLiteral("HERALD_TLS_KEY"), {QStringLiteral("SERVER_TLS_KEY_FILE")}, QStringLiteral("tls-key"),
        QStringLiteral("PEM private key file for HERALD_TLS_CERT."),
        [](C &c, const QString &v) {
            c.tlsKeyFile = v;
            return QFile::exists(v) ? QString() : QStringLiteral("file '%1' does not exist").arg(v);
        },
        [](const C &c) { return c.tlsKeyFile; });
    add(
        QStringLiteral("HERALD_TARGET_TLS_VERIFY"), {}, QStringLiteral("target-tls-verify"),
        QStringLiteral("Verify https targets' certificates: true (default) or false for self-signed backends."),
        [](C &c, const QString &v) {
            bool verify = true;
            const QString error = SettingValues::parseBoolean(v, &verify);
            if (error.isEmpty())
                c.insecureTargets = !verify;
            return error;
        },
        [](const C &c) { return SettingValues::showBoolean(!c.insecureTargets); });
    add(
        QStringLiteral("HERALD_ADMIN_TOKEN"), {}, QStringLiteral("admin-token"),
        QStringLiteral("Bearer token for admin API writes; without it admin writes are off."),
        [](C &c, const QString &v) {
            c.adminToken = v.toUtf8();
            return v.size() < 16 ? QStringLiteral("must be at least 16 characters") : QString();
        },
        [](const C &c) { return c.adminToken.isEmpty() ? QString() : QStringLiteral("********"); }, true);
    add(
        QStringLiteral("HERALD_AUTH_TOKEN"), {}, QStringLiteral("auth-token"),
        QStringLiteral("Bearer token clients must send to broadcast (optional)."),
        [](C &c, const QString &v) {
            c.authToken = v.toUtf8();
            return v.size() < 16 ? QStringLiteral("must be at least 16 characters") : QString();
        },
        [](const C &c) { return c.authToken.isEmpty() ? QString() : QStringLiteral("********"); }, true);
    add(
        QStringLiteral("HERALD_ALLOWED_CLIENTS"), {}, QStringLiteral("allowed-clients"),
        QStringLiteral("Client CIDRs allowed to broadcast, comma-separated (default: everyone)."),
        [](C &c, const QString &v) {
            c.allowedClients.clear();
            for (const QString &cidr : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const auto subnet = QHostAddress::parseSubnet(cidr.trimmed());
                if (subnet.first.isNull())
                    return QStringLiteral("'%1' is not a CIDR like 10.0.0.0/8").arg(cidr.trimmed());
                c.allowedClients.append(subnet);
            }
            return QString();
        },
        [](const C &c) {
            QStringList list;
            for (const auto &subnet : c.allowedClients)
                list.append(QStringLiteral("%1/%2").arg(subnet.first.toString()).arg(subnet.second));
            return list.join(QLatin1Char(','));
        });
    add(
        QStringLiteral("HERALD_CORS_ORIGINS"), {QStringLiteral("SERVER_CORS_ALLOWED_ORIGINS")}, QStringLiteral("cors-origins"),
        QStringLiteral("Origins whose CORS preflights are answered locally, comma-separated, or *."),
        [](C &c, const QString &v) {
            c.corsOrigins.clear();
            for (const QString &origin : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
                c.corsOrigins.append(origin.trimmed());
            return QString();
        },
        [](const C &c) { return c.corsOrigins.join(QLatin1Char(',')); });
    return table;
}

} // namespace herald
