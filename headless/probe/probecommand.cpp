#include "probe/probecommand.h"

#include "serve/serveconfig.h"
#include "serve/servesettings.h"
#include "transport/curltransport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QProcessEnvironment>

#include <cstdio>

// Quiet by default: the one line a probe prints is its answer (QT_LOGGING_RULES=herald.probe.debug=true shows more).
Q_LOGGING_CATEGORY(lcProbe, "herald.probe", QtInfoMsg)

namespace herald {

namespace {

const QString readyOption = QStringLiteral("ready");
const QString probeTimeoutOption = QStringLiteral("probe-timeout");

QHash<QString, QString> environmentMap()
{
    QHash<QString, QString> map;
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &key : environment.keys())
        map.insert(key, environment.value(key));
    return map;
}

// serve bound to every address answers on loopback too; probing there keeps the check inside the host.
QHostAddress reachable(const QHostAddress &bound)
{
    if (bound == QHostAddress::AnyIPv6)
        return QHostAddress(QHostAddress::LocalHostIPv6);
    if (bound == QHostAddress::Any || bound == QHostAddress::AnyIPv4)
        return QHostAddress(QHostAddress::LocalHost);
    return bound;
}

QString oneLine(QByteArray text)
{
    text = text.trimmed();
    const int newline = text.indexOf('\n');
    if (newline >= 0)
        text = text.left(newline).trimmed() + " ...";
    return QString::fromUtf8(text.left(200));
}

} // namespace

QUrl ProbeCommand::probeUrl(const ServeConfig &config, bool ready, QString *error)
{
    const QString endpoint = ready ? QStringLiteral("/readyz") : QStringLiteral("/livez");
    const bool admin = config.adminListenEnabled;
    const quint16 port = admin ? config.adminPort : config.listenPort;
    if (port == 0) {
        *error = QStringLiteral("%1 has port 0 (chosen by the kernel at start): the probe cannot know it")
                     .arg(admin ? QStringLiteral("HERALD_ADMIN_LISTEN") : QStringLiteral("HERALD_LISTEN"));
        return {};
    }
    QUrl url;
    // Both listeners speak HTTPS when serve has a certificate.
    url.setScheme(config.tlsCertFile.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"));
    url.setHost(reachable(admin ? config.adminAddress : config.listenAddress).toString());
    url.setPort(port);
    // On the admin port the probes sit at the root; on the main port under the prefix, which
    // serve reserves for GET and HEAD whatever its value (even none).
    url.setPath(admin ? endpoint : config.probePrefix + endpoint);
    return url;
}

int ProbeCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Health check for a container or pod: reads the configuration `herald serve` reads (file, environment,\n"
                       "flags) and GETs that instance's /livez (or /readyz) on the admin listener if configured, else on the\n"
                       "main listener under the probe prefix. Those paths are always answered by serve itself, never broadcast.\n"
                       "Exit code: 0 on 200, 1 otherwise (one line says why), 2 on a configuration error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("probe"), QStringLiteral("The command."));
    parser.addOption({readyOption, QStringLiteral("Ask /readyz (targets resolved, not draining) instead of /livez.")});
    parser.addOption({probeTimeoutOption, QStringLiteral("How long to wait for the answer, in ms (default 2000)."),
                      QStringLiteral("MS"), QStringLiteral("2000")});
    ServeSettings::addOptions(parser);
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "herald probe: %s (see 'herald probe --help')\n", qPrintable(parser.errorText()));
        return ConfigError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Healthy;
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "herald probe: unexpected argument '%s'\n", qPrintable(parser.positionalArguments().first()));
        return ConfigError;
    }
    bool timeoutOk = false;
    const int timeoutMs = parser.value(probeTimeoutOption).toInt(&timeoutOk);
    if (!timeoutOk || timeoutMs <= 0) {
        std::fprintf(stderr, "herald probe: --probe-timeout: expected a number of milliseconds above 0\n");
        return ConfigError;
    }
    ServeConfig config;
    QString error = ServeSettings::load(parser, environmentMap(), &config);
    const QUrl url = error.isEmpty() ? probeUrl(config, parser.isSet(readyOption), &error) : QUrl();
    if (!error.isEmpty()) {
        std::fprintf(stderr, "herald probe: invalid configuration: %s\n", qPrintable(error));
        return ConfigError;
    }
    return probe(url, timeoutMs);
}

int ProbeCommand::probe(const QUrl &url, int timeoutMs)
{
    qCDebug(lcProbe) << "probing" << url;
    // The core's libcurl transport on this thread: one GET needs no connection thread of its own
    // (QNAM starts one, and OpenSSL's state in it is left behind if it is still ending at exit).
    CurlTransport transport;
    // The check is to this very instance on loopback; its certificate names the service, not 127.0.0.1.
    transport.setVerifyPeer(false);
    TransportRequest request;
    request.method = QByteArrayLiteral("GET");
    request.setUrl(url);
    request.timeoutMs = timeoutMs;
    TransportResponse response;
    TransportCall *call = transport.send(request, &transport);
    QObject::connect(call, &TransportCall::finished, QCoreApplication::instance(), [&response](const TransportResponse &answer) {
        response = answer;
        QCoreApplication::quit();
    });
    QCoreApplication::exec();
    const int status = response.error == TransportError::None ? response.status : 0;
    const QString body = oneLine(response.body);
    QString reason = response.errorString;
    if (response.error == TransportError::Timeout)
        reason = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
    else if (response.error == TransportError::Refused)
        reason = QStringLiteral("connection refused (%1)").arg(response.errorString);
    const QString target = url.toString();
    if (status == 0) {
        std::fprintf(stderr, "herald probe: %s: %s\n", qPrintable(target), qPrintable(reason));
        return Unhealthy;
    }
    if (status != 200) {
        std::fprintf(stderr, "herald probe: %s answered %d: %s\n", qPrintable(target), status, qPrintable(body));
        return Unhealthy;
    }
    std::printf("herald probe: %s answered 200: %s\n", qPrintable(target), qPrintable(body));
    return Healthy;
}

} // namespace herald
