#include "serve/servesettings.h"

#include "util/duration.h"
#include "relay/redisaddress.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace herald {

namespace {

QString parseCountInto(const QString &value, int minimum, int *out)
{
    bool ok = false;
    const int parsed = value.trimmed().toInt(&ok);
    if (!ok || parsed < minimum)
        return QStringLiteral("expected a whole number >= %1").arg(minimum);
    *out = parsed;
    return {};
}

QString parseDurationInto(const QString &value, int *out)
{
    QString error;
    if (!parseDuration(value, out, &error))
        return QStringLiteral("expected a duration like 2s, 500ms or 1m (%1)").arg(error);
    return {};
}

// "10MiB", "64KiB", "1M", "1048576"
QString parseBytesInto(const QString &value, qint64 *out)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\\s*$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(value);
    if (!match.hasMatch())
        return QStringLiteral("expected a size like 10MiB, 64KiB or a number of bytes");
    qint64 bytes = match.captured(1).toLongLong();
    const QChar unit = match.captured(2).isEmpty() ? QLatin1Char('b') : match.captured(2).at(0).toLower();
    if (unit == QLatin1Char('k'))
        bytes *= 1024;
    else if (unit == QLatin1Char('m'))
        bytes *= 1024 * 1024;
    else if (unit == QLatin1Char('g'))
        bytes *= 1024LL * 1024 * 1024;
    if (bytes <= 0)
        return QStringLiteral("must be more than 0 bytes");
    *out = bytes;
    return {};
}

// ":8080", "8080", "127.0.0.1:8080", "[::1]:8080"
QString parseListenInto(const QString &text, QHostAddress *address, quint16 *port)
{
    const QString value = text.trimmed();
    const int colon = value.lastIndexOf(QLatin1Char(':'));
    QString host = colon >= 0 ? value.left(colon) : QString();
    const QString portText = colon >= 0 ? value.mid(colon + 1) : value;
    bool ok = false;
    const int parsed = portText.toInt(&ok);
    if (!ok || parsed < 0 || parsed > 65535)
        return QStringLiteral("expected [HOST]:PORT such as :8080 or 127.0.0.1:8080");
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress parsedAddress = QHostAddress::Any;
    if (!host.isEmpty() && host != QLatin1String("0.0.0.0")) {
        parsedAddress = host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
        if (parsedAddress.isNull())
            return QStringLiteral("'%1' is not an IP address; expected [HOST]:PORT").arg(host);
    }
    *address = parsedAddress;
    *port = static_cast<quint16>(parsed);
    return {};
}

QString showAddress(const QHostAddress &address, quint16 port)
{
    if (address == QHostAddress::Any)
        return QStringLiteral(":%1").arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

QList<ServeSettings::Setting> buildTable()
{
    using C = ServeConfig;
    QList<ServeSettings::Setting> table;
    const auto add = [&](QString name, QStringList aliases, QString key, QString help,
                         std::function<QString(C &, const QString &)> apply, std::function<QString(const C &)> show,
                         bool secret = false) {
        table.append({std::move(name), std::move(aliases), std::move(key), std::move(help), secret, std::move(apply),
                      std::move(show)});
    };

    add(QStringLiteral("HERALD_LISTEN"), {QStringLiteral("HTTP_ADDR"), QStringLiteral("SERVER_ADDR")},
        QStringLiteral("listen"), QStringLiteral("Address the broadcast listener binds, [HOST]:PORT (default :8080)."),
        [](C &c, const QString &v) { return parseListenInto(v, &c.listenAddress, &c.listenPort); },
        [](const C &c) { return showAddress(c.listenAddress, c.listenPort); });
    add(QStringLiteral("HERALD_PORT"), {QStringLiteral("PORT")}, QStringLiteral("port"),
        QStringLiteral("Port of the broadcast listener (FanOut's PORT); overrides the port of HERALD_LISTEN."),
        [](C &c, const QString &v) {
            int port = 0;
            const QString error = parseCountInto(v, 0, &port);
            if (!error.isEmpty() || port > 65535)
                return QStringLiteral("expected a port number 0-65535");
            c.listenPort = static_cast<quint16>(port);
            return QString();
        },
        [](const C &c) { return QString::number(c.listenPort); });
    add(QStringLiteral("HERALD_ADMIN_LISTEN"), {QStringLiteral("PROBE_ADDR"), QStringLiteral("METRICS_ADDR")},
        QStringLiteral("admin-listen"),
        QStringLiteral("Separate [HOST]:PORT for /healthz, /readyz, /metrics and the admin API; then nothing on the main port is reserved."),
        [](C &c, const QString &v) {
            c.adminListenEnabled = true;
            return parseListenInto(v, &c.adminAddress, &c.adminPort);
        },
        [](const C &c) { return c.adminListenEnabled ? showAddress(c.adminAddress, c.adminPort) : QString(); });
    add(QStringLiteral("HERALD_PROBE_PREFIX"), {}, QStringLiteral("probe-prefix"),
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
    add(QStringLiteral("HERALD_TARGETS"), {QStringLiteral("TARGETS"), QStringLiteral("BACKEND_SERVERS")},
        QStringLiteral("targets"), QStringLiteral("Static target URLs, separated by commas or spaces."),
        [](C &c, const QString &v) {
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
            QStringList urls;
            for (const Target &t : c.source.targets)
                urls.append(t.baseUrl.toString());
            return urls.join(QLatin1Char(','));
        });
    add(QStringLiteral("HERALD_DNS_NAME"), {QStringLiteral("BACKEND_HOST")}, QStringLiteral("dns-name"),
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
    add(QStringLiteral("HERALD_DNS_PORT"), {QStringLiteral("BACKEND_PORT")}, QStringLiteral("dns-port"),
        QStringLiteral("Port used with HERALD_DNS_NAME (default 80)."),
        [](C &c, const QString &v) {
            int port = 0;
            if (!parseCountInto(v, 1, &port).isEmpty() || port > 65535)
                return QStringLiteral("expected a port number 1-65535");
            c.source.port = port;
            return QString();
        },
        [](const C &c) { return QString::number(c.source.port); });
    add(QStringLiteral("HERALD_SRV"), {}, QStringLiteral("srv"),
        QStringLiteral("Broadcast to the SRV records of this name (e.g. _http._tcp.varnish.default.svc)."),
        [](C &c, const QString &v) {
            QString error;
            if (!TargetSourceSpec::parseSrv(v, &c.source, &error))
                return error;
            c.sourceConfigured = true;
            return QString();
        },
        [](const C &c) { return c.source.kind == TargetSourceSpec::Kind::Srv ? c.source.name : QString(); });
    add(QStringLiteral("HERALD_NAMESERVER"), {}, QStringLiteral("nameserver"),
        QStringLiteral("Ask this DNS server (port 53) instead of the system resolver."),
        [](C &c, const QString &v) {
            c.source.nameserver = QHostAddress(v.trimmed());
            return c.source.nameserver.isNull() ? QStringLiteral("expected an IP address") : QString();
        },
        [](const C &c) { return c.source.nameserver.isNull() ? QString() : c.source.nameserver.toString(); });
    add(QStringLiteral("HERALD_DNS_REFRESH"), {}, QStringLiteral("dns-refresh"),
        QStringLiteral("How often DNS and SRV targets are re-resolved (default 30s; 0 turns it off)."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.source.refreshIntervalMs); },
        [](const C &c) { return formatDuration(c.source.refreshIntervalMs); });
    add(QStringLiteral("HERALD_TARGET_SCHEME"), {}, QStringLiteral("target-scheme"),
        QStringLiteral("Scheme for DNS and SRV targets: http (default) or https."),
        [](C &c, const QString &v) {
            if (v != QLatin1String("http") && v != QLatin1String("https"))
                return QStringLiteral("expected http or https");
            c.source.scheme = v;
            return QString();
        },
        [](const C &c) { return c.source.scheme; });
    add(QStringLiteral("HERALD_RETRIES"), {QStringLiteral("RETRIES")}, QStringLiteral("retries"),
        QStringLiteral("Retries per target after the first attempt (default 2)."),
        [](C &c, const QString &v) { return parseCountInto(v, 0, &c.options.retry.maxRetries); },
        [](const C &c) { return QString::number(c.options.retry.maxRetries); });
    add(QStringLiteral("HERALD_RETRY_ON"), {}, QStringLiteral("retry-on"),
        QStringLiteral("Statuses that are retried: 5xx,429 (default), >=400 (the Broadcaster seed's rule), none."),
        [](C &c, const QString &v) {
            QString error;
            c.options.retry.retryStatuses = StatusRule::parse(v, &error);
            return error;
        },
        [](const C &c) { return c.options.retry.retryStatuses.toString(); });
    add(QStringLiteral("HERALD_TIMEOUT"), {QStringLiteral("TIMEOUT"), QStringLiteral("HTTP_TIMEOUT"), QStringLiteral("PROXY_WRITE_TIMEOUT")},
        QStringLiteral("timeout"), QStringLiteral("Per-attempt timeout to each target (default 5s)."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.options.attemptTimeoutMs); },
        [](const C &c) { return formatDuration(c.options.attemptTimeoutMs); });
    add(QStringLiteral("HERALD_DEADLINE"), {}, QStringLiteral("deadline"),
        QStringLiteral("Whole-broadcast deadline (default 30s)."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.options.deadlineMs); },
        [](const C &c) { return formatDuration(c.options.deadlineMs); });
    add(QStringLiteral("HERALD_POLICY"), {}, QStringLiteral("policy"),
        QStringLiteral("all (default), any, first, async or quorum=N|0.F|P%; a request may override it with X-Herald-Policy."),
        [](C &c, const QString &v) {
            QString error;
            c.options.policy = OutcomePolicy::parse(v, &error);
            return error;
        },
        [](const C &c) { return c.options.policy.toString(); });
    add(QStringLiteral("HERALD_HOST_MODE"), {}, QStringLiteral("host-mode"),
        QStringLiteral("preserve (default): forward the client's Host; target: each target's own host."),
        [](C &c, const QString &v) {
            if (v == QLatin1String("preserve"))
                c.headerPolicy.hostMode = HeaderPolicy::HostMode::Preserve;
            else if (v == QLatin1String("target"))
                c.headerPolicy.hostMode = HeaderPolicy::HostMode::TargetHost;
            else
                return QStringLiteral("expected preserve or target");
            return QString();
        },
        [](const C &c) {
            return c.headerPolicy.hostMode == HeaderPolicy::HostMode::Preserve ? QStringLiteral("preserve")
                                                                             : QStringLiteral("target");
        });
    add(QStringLiteral("HERALD_SENSITIVE_HEADERS"), {QStringLiteral("SENSITIVE_HEADERS")},
        QStringLiteral("sensitive-headers"),
        QStringLiteral("Headers never forwarded, comma-separated (default Proxy-Authorization,Cookie)."),
        [](C &c, const QString &v) {
            c.headerPolicy.sensitiveHeaders.clear();
            for (const QString &name : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
                c.headerPolicy.sensitiveHeaders.append(name.trimmed().toLatin1());
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.headerPolicy.sensitiveHeaders.join(',')); });
    add(QStringLiteral("HERALD_INSTANCE_ID"), {}, QStringLiteral("instance-id"),
        QStringLiteral("This instance's id in the Via header, for loop detection (default: the host name)."),
        [](C &c, const QString &v) {
            if (!isHttpToken(v.toLatin1()))
                return QStringLiteral("expected a token (letters, digits, - . _)");
            c.headerPolicy.instanceId = v.toLatin1();
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.headerPolicy.instanceId); });
    add(QStringLiteral("HERALD_CONCURRENCY"), {}, QStringLiteral("concurrency"),
        QStringLiteral("Requests in flight per target (default 6)."),
        [](C &c, const QString &v) { return parseCountInto(v, 1, &c.perTargetConcurrency); },
        [](const C &c) { return QString::number(c.perTargetConcurrency); });
    add(QStringLiteral("HERALD_TRANSPORT"), {}, QStringLiteral("transport"),
        QStringLiteral("HTTP client for the targets: curl (libcurl, default) or qnam (QNetworkAccessManager)."),
        [](C &c, const QString &v) {
            return parseTransportKind(v, &c.transport) ? QString() : QStringLiteral("expected curl or qnam");
        },
        [](const C &c) { return transportKindName(c.transport); });
    add(QStringLiteral("HERALD_TRANSPORT_THREADS"), {}, QStringLiteral("transport-threads"),
        QStringLiteral("Worker threads for the HTTP work to the targets, each with its own connections "
                       "(default 0: the listener's thread does it)."),
        [](C &c, const QString &v) {
            const QString error = parseCountInto(v, 0, &c.transportThreads);
            if (error.isEmpty() && c.transportThreads > 64)
                return QStringLiteral("expected at most 64");
            return error;
        },
        [](const C &c) { return QString::number(c.transportThreads); });
    add(QStringLiteral("HERALD_CIRCUIT_THRESHOLD"), {}, QStringLiteral("circuit-threshold"),
        QStringLiteral("Consecutive failures that open a target's circuit (default 5; 0 turns the breaker off)."),
        [](C &c, const QString &v) { return parseCountInto(v, 0, &c.circuitThreshold); },
        [](const C &c) { return QString::number(c.circuitThreshold); });
    add(QStringLiteral("HERALD_CIRCUIT_COOLDOWN"), {}, QStringLiteral("circuit-cooldown"),
        QStringLiteral("Time an open circuit waits before a probe (default 10s)."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.circuitCooldownMs); },
        [](const C &c) { return formatDuration(c.circuitCooldownMs); });
    add(QStringLiteral("HERALD_MAX_BODY"), {QStringLiteral("MAX_BODY_SIZE")}, QStringLiteral("max-body"),
        QStringLiteral("Largest request body accepted; larger gets 413 (default 10MiB)."),
        [](C &c, const QString &v) { return parseBytesInto(v, &c.maxBodyBytes); },
        [](const C &c) { return QString::number(c.maxBodyBytes); });
    add(QStringLiteral("HERALD_MAX_HEADER_BYTES"), {}, QStringLiteral("max-header-bytes"),
        QStringLiteral("Largest request head (request line and headers); larger gets 431 (default 32KiB)."),
        [](C &c, const QString &v) {
            qint64 bytes = 0;
            const QString error = parseBytesInto(v, &bytes);
            c.maxHeaderBytes = static_cast<int>(qMin<qint64>(bytes, 16 * 1024 * 1024));
            return error;
        },
        [](const C &c) { return QString::number(c.maxHeaderBytes); });
    add(QStringLiteral("HERALD_HEADER_TIMEOUT"), {QStringLiteral("PROXY_READ_TIMEOUT")}, QStringLiteral("header-timeout"),
        QStringLiteral("A client that sends its request slower than this is closed (default 10s)."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.headerTimeoutMs); },
        [](const C &c) { return formatDuration(c.headerTimeoutMs); });
    add(QStringLiteral("HERALD_MAX_CONNECTIONS"), {}, QStringLiteral("max-connections"),
        QStringLiteral("Client connections open at once (default 1024)."),
        [](C &c, const QString &v) { return parseCountInto(v, 1, &c.maxConnections); },
        [](const C &c) { return QString::number(c.maxConnections); });
    add(QStringLiteral("HERALD_ASYNC_QUEUE"), {}, QStringLiteral("async-queue"),
        QStringLiteral("Async broadcasts in flight at once; more get 503 with Retry-After (default 1000)."),
        [](C &c, const QString &v) { return parseCountInto(v, 1, &c.asyncQueueLimit); },
        [](const C &c) { return QString::number(c.asyncQueueLimit); });
    add(QStringLiteral("HERALD_MAX_INFLIGHT"), {}, QStringLiteral("max-inflight"),
        QStringLiteral("Broadcasts under way at once; more get 503 with Retry-After instead of piling up (default 2000)."),
        [](C &c, const QString &v) { return parseCountInto(v, 1, &c.maxInFlight); },
        [](const C &c) { return QString::number(c.maxInFlight); });
    add(QStringLiteral("HERALD_DRAIN_TIMEOUT"), {}, QStringLiteral("drain-timeout"),
        QStringLiteral("On SIGTERM, how long in-flight broadcasts may take to finish (default 30s)."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.drainTimeoutMs); },
        [](const C &c) { return formatDuration(c.drainTimeoutMs); });
    add(QStringLiteral("HERALD_TLS_CERT"), {QStringLiteral("SERVER_TLS_CERT_FILE")}, QStringLiteral("tls-cert"),
        QStringLiteral("PEM certificate file; with HERALD_TLS_KEY the listener speaks HTTPS."),
        [](C &c, const QString &v) {
            c.tlsCertFile = v;
            return QFile::exists(v) ? QString() : QStringLiteral("file '%1' does not exist").arg(v);
        },
        [](const C &c) { return c.tlsCertFile; });
    add(QStringLiteral("HERALD_TLS_KEY"), {QStringLiteral("SERVER_TLS_KEY_FILE")}, QStringLiteral("tls-key"),
        QStringLiteral("PEM private key file for HERALD_TLS_CERT."),
        [](C &c, const QString &v) {
            c.tlsKeyFile = v;
            return QFile::exists(v) ? QString() : QStringLiteral("file '%1' does not exist").arg(v);
        },
        [](const C &c) { return c.tlsKeyFile; });
    add(QStringLiteral("HERALD_TARGET_TLS_VERIFY"), {}, QStringLiteral("target-tls-verify"),
        QStringLiteral("Verify https targets' certificates: true (default) or false for self-signed backends."),
        [](C &c, const QString &v) {
            const QString value = v.trimmed().toLower();
            if (value != QLatin1String("true") && value != QLatin1String("false"))
                return QStringLiteral("expected true or false");
            c.insecureTargets = value == QLatin1String("false");
            return QString();
        },
        [](const C &c) { return c.insecureTargets ? QStringLiteral("false") : QStringLiteral("true"); });
    add(QStringLiteral("HERALD_ADMIN_TOKEN"), {}, QStringLiteral("admin-token"),
        QStringLiteral("Bearer token for admin API writes; without it admin writes are off."),
        [](C &c, const QString &v) {
            c.adminToken = v.toUtf8();
            return v.size() < 16 ? QStringLiteral("must be at least 16 characters") : QString();
        },
        [](const C &c) { return c.adminToken.isEmpty() ? QString() : QStringLiteral("********"); }, true);
    add(QStringLiteral("HERALD_AUTH_TOKEN"), {}, QStringLiteral("auth-token"),
        QStringLiteral("Bearer token clients must send to broadcast (optional)."),
        [](C &c, const QString &v) {
            c.authToken = v.toUtf8();
            return v.size() < 16 ? QStringLiteral("must be at least 16 characters") : QString();
        },
        [](const C &c) { return c.authToken.isEmpty() ? QString() : QStringLiteral("********"); }, true);
    add(QStringLiteral("HERALD_ALLOWED_CLIENTS"), {}, QStringLiteral("allowed-clients"),
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
    add(QStringLiteral("HERALD_CORS_ORIGINS"), {QStringLiteral("SERVER_CORS_ALLOWED_ORIGINS")},
        QStringLiteral("cors-origins"),
        QStringLiteral("Origins whose CORS preflights are answered locally, comma-separated, or *."),
        [](C &c, const QString &v) {
            c.corsOrigins.clear();
            for (const QString &origin : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
                c.corsOrigins.append(origin.trimmed());
            return QString();
        },
        [](const C &c) { return c.corsOrigins.join(QLatin1Char(',')); });
    add(QStringLiteral("HERALD_LOG_FORMAT"), {QStringLiteral("LOG_FORMAT")}, QStringLiteral("log-format"),
        QStringLiteral("text (default) or json (one JSON object per line)."),
        [](C &c, const QString &v) {
            const QString format = v.toLower();
            if (format != QLatin1String("text") && format != QLatin1String("json"))
                return QStringLiteral("expected text or json");
            c.logFormat = format;
            return QString();
        },
        [](const C &c) { return c.logFormat; });
    add(QStringLiteral("HERALD_LOG_LEVEL"), {QStringLiteral("LOG_LEVEL")}, QStringLiteral("log-level"),
        QStringLiteral("debug, info (default), warn or error."),
        [](C &c, const QString &v) {
            QString level = v.toLower();
            if (level == QLatin1String("warning"))
                level = QStringLiteral("warn");
            if (!QStringList{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warn"), QStringLiteral("error")}
                     .contains(level))
                return QStringLiteral("expected debug, info, warn or error");
            c.logLevel = level;
            return QString();
        },
        [](const C &c) { return c.logLevel; });
    add(QStringLiteral("HERALD_ROUTES"), {}, QStringLiteral("routes"),
        QStringLiteral("JSON routes file mapping Host (and path prefix) to target groups; reloaded when it changes."),
        [](C &c, const QString &v) {
            c.routesFile = v;
            return QFile::exists(v) ? QString() : QStringLiteral("file '%1' does not exist").arg(v);
        },
        [](const C &c) { return c.routesFile; });
    add(QStringLiteral("HERALD_RELAY_URL"), {}, QStringLiteral("relay-url"),
        QStringLiteral("Publish every accepted request to this Redis (redis://[user:password@]host:port/db) for `herald relay` agents; answers 202 once stored."),
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
    add(QStringLiteral("HERALD_RELAY_STREAM"), {QStringLiteral("HUB_TOPIC")}, QStringLiteral("relay-stream"),
        QStringLiteral("Redis stream name (default herald)."),
        [](C &c, const QString &v) {
            if (v.trimmed().isEmpty() || v.contains(QLatin1Char(' ')))
                return QStringLiteral("expected a stream name without spaces");
            c.relayStream = v.trimmed().toUtf8();
            return QString();
        },
        [](const C &c) { return QString::fromUtf8(c.relayStream); });
    add(QStringLiteral("HERALD_RELAY_MAXLEN"), {}, QStringLiteral("relay-maxlen"),
        QStringLiteral("Entries the stream keeps (XADD MAXLEN ~; default 1000000; 0 keeps all)."),
        [](C &c, const QString &v) {
            int length = 0;
            const QString error = parseCountInto(v, 0, &length);
            c.relayMaxLength = length;
            return error;
        },
        [](const C &c) { return QString::number(c.relayMaxLength); });
    add(QStringLiteral("HERALD_RELAY_MAX_AGE"), {}, QStringLiteral("relay-max-age"),
        QStringLiteral("Keep stream entries this long instead of by count (XADD MINID ~), e.g. 24h; 0 uses HERALD_RELAY_MAXLEN."),
        [](C &c, const QString &v) { return parseDurationInto(v, &c.relayMaxAgeMs); },
        [](const C &c) { return formatDuration(c.relayMaxAgeMs); });
    add(QStringLiteral("HERALD_RELAY_BROADCAST"), {}, QStringLiteral("relay-broadcast"),
        QStringLiteral("With HERALD_RELAY_URL, also broadcast directly to this instance's targets: true or false (default)."),
        [](C &c, const QString &v) {
            const QString value = v.trimmed().toLower();
            if (value != QLatin1String("true") && value != QLatin1String("false"))
                return QStringLiteral("expected true or false");
            c.relayAlsoBroadcast = value == QLatin1String("true");
            return QString();
        },
        [](const C &c) { return c.relayAlsoBroadcast ? QStringLiteral("true") : QStringLiteral("false"); });
    add(QStringLiteral("HERALD_PROFILE_DIR"), {}, QStringLiteral("profile-dir"),
        QStringLiteral("Directory of saved profiles for the admin API (default: the user's config location)."),
        [](C &c, const QString &v) {
            c.profileDirectory = v;
            return QString();
        },
        [](const C &c) { return c.profileDirectory; });
    return table;
}

} // namespace

const QList<ServeSettings::Setting> &ServeSettings::table()
{
    static const QList<Setting> settings = buildTable();
    return settings;
}

void ServeSettings::addOptions(QCommandLineParser &parser)
{
    for (const Setting &setting : table()) {
        QString help = setting.help + QStringLiteral(" [%1").arg(setting.name);
        if (!setting.aliases.isEmpty())
            help += QStringLiteral(", or %1").arg(setting.aliases.join(QStringLiteral(", ")));
        help += QLatin1Char(']');
        parser.addOption({setting.key, help, QStringLiteral("VALUE")});
    }
    parser.addOption({QStringLiteral("config"), QStringLiteral("JSON config file; keys as the flags' names [HERALD_CONFIG]."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("print-config"), QStringLiteral("Print the effective configuration (secrets masked) and exit.")});
}

QString ServeSettings::load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, ServeConfig *config)
{
    // Layers: file < environment < flags. Each value is applied in that order so the last wins.
    QString file = parser.value(QStringLiteral("config"));
    if (file.isEmpty())
        file = environment.value(QStringLiteral("HERALD_CONFIG"));
    QJsonObject fileValues;
    if (!file.isEmpty()) {
        QFile input(file);
        if (!input.open(QIODevice::ReadOnly))
            return QStringLiteral("config file %1: %2").arg(file, input.errorString());
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(input.readAll(), &parseError);
        if (!document.isObject())
            return QStringLiteral("config file %1: not a JSON object (%2 at offset %3)")
                .arg(file, parseError.errorString())
                .arg(parseError.offset);
        fileValues = document.object();
        for (auto it = fileValues.begin(); it != fileValues.end(); ++it) {
            const bool known = std::any_of(table().begin(), table().end(), [&](const Setting &s) { return s.key == it.key(); });
            if (!known)
                return QStringLiteral("config file %1: unknown key \"%2\"").arg(file, it.key());
        }
        config->configFile = file;
    }
    for (const Setting &setting : table()) {
        const auto applyValue = [&](const QString &source, const QString &value) {
            const QString error = setting.apply(*config, value);
            if (error.isEmpty())
                return QString();
            const QString shown = setting.secret ? QStringLiteral("(secret)") : QStringLiteral("'%1'").arg(value);
            return QStringLiteral("%1: %2 %3").arg(source, shown, error);
        };
        if (fileValues.contains(setting.key)) {
            const QJsonValue value = fileValues.value(setting.key);
            const QString text = value.isDouble() ? QString::number(value.toDouble()) : value.toString();
            const QString error = applyValue(QStringLiteral("config file %1, key \"%2\"").arg(file, setting.key), text);
            if (!error.isEmpty())
                return error;
        }
        // The canonical name wins over aliases when both are set.
        QStringList names = setting.aliases;
        names.append(setting.name);
        for (const QString &name : names) {
            if (!environment.contains(name))
                continue;
            const QString source = name == setting.name ? name : QStringLiteral("%1 (alias of %2)").arg(name, setting.name);
            const QString error = applyValue(source, environment.value(name));
            if (!error.isEmpty())
                return error;
        }
        if (parser.isSet(setting.key)) {
            const QString error = applyValue(QStringLiteral("--%1").arg(setting.key), parser.value(setting.key));
            if (!error.isEmpty())
                return error;
        }
    }
    if (config->tlsCertFile.isEmpty() != config->tlsKeyFile.isEmpty())
        return QStringLiteral("HERALD_TLS_CERT and HERALD_TLS_KEY must be set together");
    if (config->adminListenEnabled && config->adminPort == config->listenPort && config->listenPort != 0)
        return QStringLiteral("HERALD_ADMIN_LISTEN: port %1 is already the broadcast port").arg(config->adminPort);
    return {};
}

QString ServeSettings::printConfig(const ServeConfig &config)
{
    QString text;
    for (const Setting &setting : table())
        text += QStringLiteral("%1=%2\n").arg(setting.name, setting.show(config));
    return text;
}

} // namespace herald
