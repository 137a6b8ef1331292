#include "serve/servecommand.h"

#include "common/logsetup.h"
#include "common/signalwatcher.h"
#include "serve/serveinstance.h"
#include "serve/servesettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QProcessEnvironment>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

namespace {

// A broadcast to thousands of targets keeps a connection to each of them: the default soft
// limit of 1024 descriptors would turn the rest into errors. Raise it to the hard limit, as
// nginx's worker_rlimit_nofile and Go's runtime do.
void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    const rlim_t previous = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0)
        qCInfo(lcServe) << "file descriptor limit raised from" << previous << "to" << limit.rlim_cur;
}

QHash<QString, QString> environmentMap()
{
    QHash<QString, QString> map;
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &key : environment.keys())
        map.insert(key, environment.value(key));
    return map;
}

// The file, environment and flags into `config`; the instance id (the host name) is kept.
QString loadConfig(const QCommandLineParser &parser, const QByteArray &instanceId, ServeConfig *config)
{
    config->headerPolicy.instanceId = instanceId;
    return ServeSettings::load(parser, environmentMap(), config);
}

} // namespace

int ServeCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the HTTP listener: every request it receives (any method, path and body) is broadcast to all targets.\n"
        "Settings come from a JSON file (--config), then environment variables, then flags; the last wins.\n"
        "GET /healthz, /livez, /readyz and /metrics are answered locally (see --probe-prefix and --admin-listen)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("serve"), QStringLiteral("The command."));
    ServeSettings::addOptions(parser);
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "herald serve: %s (see 'herald serve --help')\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) { // "serve" itself was taken as the program name
        std::fprintf(stderr, "herald serve: unexpected argument '%s'\n", qPrintable(parser.positionalArguments().first()));
        return 2;
    }
    QByteArray instanceId = QHostInfo::localHostName().toLatin1();
    if (!isHttpToken(instanceId))
        instanceId = "herald";
    ServeConfig config;
    const QString error = loadConfig(parser, instanceId, &config);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "herald serve: invalid configuration: %s\n", qPrintable(error));
        return 2;
    }
    if (parser.isSet(QStringLiteral("print-config"))) {
        std::fputs(qPrintable(ServeSettings::printConfig(config)), stdout);
        return 0;
    }
    if (!config.sourceConfigured && config.routesFile.isEmpty() && config.requestClonesPath.isEmpty() && config.relayUrl.isEmpty()) {
        std::fprintf(stderr, "herald serve: invalid configuration: no targets: set HERALD_TARGETS, HERALD_DNS_NAME "
                             "(with HERALD_DNS_PORT), HERALD_SRV, HERALD_ROUTES or HERALD_REQUESTCLONES\n");
        return 2;
    }
    LogSetup::install(config.logFormat, config.logLevel);
    // A client that goes away must not kill the process through SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    raiseFileLimit();
    if (!config.compatAnnouncement.isEmpty())
        qCInfo(lcServe).noquote() << config.compatAnnouncement;
    if (!config.compatIgnored.isEmpty())
        qCWarning(lcServe).noquote() << "ignored, they mean nothing to Herald:" << config.compatIgnored.join(QStringLiteral(", "));

    // Before the listening line: a supervisor (or a test) that stops the process as soon as it
    // announced its port must get a drain, not the default action of SIGTERM.
    SignalWatcher signalWatcher({SIGTERM, SIGINT, SIGHUP});
    ServeInstance instance;
    QString startError;
    if (!instance.start(config, &startError)) {
        std::fprintf(stderr, "herald serve: %s\n", qPrintable(startError));
        return 2;
    }
    // Tests and scripts that ask for port 0 learn the real port from this line on stdout.
    std::printf("herald serve: listening on port %u\n", instance.port());
    if (instance.adminPort() != 0)
        std::printf("herald serve: admin listening on port %u\n", instance.adminPort());
    if (instance.metricsPort() != 0)
        std::printf("herald serve: metrics listening on port %u\n", instance.metricsPort());
    std::fflush(stdout);

    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &instance, [&](int number) {
        if (number != SIGHUP) {
            instance.drain();
            return;
        }
        // Read the file and environment again; a broken one keeps the running configuration.
        ServeConfig fresh;
        const QString reloadError = loadConfig(parser, instanceId, &fresh);
        if (reloadError.isEmpty())
            instance.applyConfig(fresh);
        else
            qCWarning(lcServe).noquote() << "SIGHUP: configuration not reloaded, keeping the running one:" << reloadError;
    });
    QObject::connect(&instance, &ServeInstance::drained, qApp, [] { QCoreApplication::exit(0); });
    const int code = QCoreApplication::exec();
    qCInfo(lcServe) << "stopped";
    return code;
}

} // namespace herald
