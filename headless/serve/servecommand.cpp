#include "serve/servecommand.h"

#include "broadcast/broadcaster.h"
#include "http/httplistener.h"
#include "common/logsetup.h"
#include "serve/metrics.h"
#include "http/pendingrequest.h"
#include "relay/relaypublisher.h"
#include "serve/router.h"
#include "serve/routeset.h"
#include "serve/servesettings.h"
#include "common/signalwatcher.h"
#include "targets/statictargetsource.h"
#include "targets/targetsource.h"
#include "transport/transportfactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QProcessEnvironment>
#include <QTimer>

#include <sys/resource.h>

#include <csignal>
#include <memory>
#include <cstdio>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

namespace {

// A broadcast to thousands of targets keeps a connection to each of them: the default soft
// limit of 1024 descriptors would turn the rest into errors. Raise it to the hard limit, as
// nginx's worker_rlimit_nofile and Go's runtime do.
void raiseFileLimit()
{
    rlimit limit {};
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

HttpListener::Settings listenerSettings(const ServeConfig &config, const QHostAddress &address, quint16 port)
{
    HttpListener::Settings settings;
    settings.address = address;
    settings.port = port;
    settings.maxBodyBytes = config.maxBodyBytes;
    settings.maxHeaderBytes = config.maxHeaderBytes;
    settings.headerTimeoutMs = config.headerTimeoutMs;
    settings.idleTimeoutMs = config.idleTimeoutMs;
    settings.maxConnections = config.maxConnections;
    settings.tlsCertFile = config.tlsCertFile;
    settings.tlsKeyFile = config.tlsKeyFile;
    return settings;
}

void connectListener(HttpListener *listener, Router *router, bool adminPort)
{
    QObject::connect(listener, &HttpListener::requestReceived, router, [router, adminPort](PendingRequest *pending) {
        QPointer<PendingRequest> guard(pending);
        router->handle(pending->request(), adminPort, [guard](const HttpServerResponse &response) {
            if (guard)
                guard->respond(response);
        });
    });
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
    ServeConfig config;
    config.headerPolicy.instanceId = QHostInfo::localHostName().toLatin1();
    if (!isHttpToken(config.headerPolicy.instanceId))
        config.headerPolicy.instanceId = "herald";
    const QString error = ServeSettings::load(parser, environmentMap(), &config);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "herald serve: invalid configuration: %s\n", qPrintable(error));
        return 2;
    }
    if (parser.isSet(QStringLiteral("print-config"))) {
        std::fputs(qPrintable(ServeSettings::printConfig(config)), stdout);
        return 0;
    }
    if (!config.sourceConfigured && config.routesFile.isEmpty() && config.relayUrl.isEmpty()) {
        std::fprintf(stderr, "herald serve: invalid configuration: no targets: set HERALD_TARGETS, HERALD_DNS_NAME "
                             "(with HERALD_DNS_PORT), HERALD_SRV or HERALD_ROUTES\n");
        return 2;
    }
    LogSetup::install(config.logFormat, config.logLevel);
    // A client that goes away must not kill the process through SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    raiseFileLimit();

    Broadcaster broadcaster(createTransport(config.transport, !config.insecureTargets, config.transportThreads));
    broadcaster.headerPolicy() = config.headerPolicy;
    broadcaster.limiter().perKeyLimit = config.perTargetConcurrency;
    broadcaster.limiter().totalLimit = config.totalConcurrency;
    broadcaster.circuitBreaker().failureThreshold = config.circuitThreshold;
    broadcaster.circuitBreaker().cooldownMs = config.circuitCooldownMs;

    TargetSource *source = TargetSource::create(config.source, &broadcaster);
    QObject::connect(source, &TargetSource::errorOccurred, [](const QString &message) {
        qCWarning(lcServe).noquote() << "target resolution failed, keeping the last good set:" << message;
    });
    QObject::connect(source, &TargetSource::targetsChanged, [source] {
        qCInfo(lcServe).noquote() << "targets now" << source->targets().size() << "from" << source->description();
    });
    source->refresh();
    Metrics metrics(&broadcaster);
    metrics.watchSource(source);
    std::unique_ptr<RouteSet> routes;
    if (!config.routesFile.isEmpty()) {
        routes = std::make_unique<RouteSet>(config.routesFile, config.options);
        QString routesError;
        if (!routes->load(&routesError)) {
            std::fprintf(stderr, "herald serve: invalid configuration: HERALD_ROUTES: %s\n", qPrintable(routesError));
            return 2;
        }
    }
    Router router(config, &broadcaster, source, &metrics, routes.get());
    std::unique_ptr<RelayPublisher> publisher;
    if (!config.relayUrl.isEmpty()) {
        RedisAddress address;
        QString relayError;
        RedisAddress::parse(config.relayUrl, &address, &relayError);
        publisher = std::make_unique<RelayPublisher>(address, config.relayStream, config.relayMaxLength, config.relayMaxAgeMs);
        publisher->open();
        router.setPublisher(publisher.get());
        metrics.watchPublisher(publisher.get());
    }

    HttpListener listener;
    QString listenError;
    if (!listener.listen(listenerSettings(config, config.listenAddress, config.listenPort), &listenError)) {
        std::fprintf(stderr, "herald serve: cannot listen on HERALD_LISTEN: %s\n", qPrintable(listenError));
        return 2;
    }
    connectListener(&listener, &router, false);
    HttpListener adminListener;
    if (config.adminListenEnabled) {
        ServeConfig adminConfig = config;
        adminConfig.maxBodyBytes = 1024 * 1024;
        if (!adminListener.listen(listenerSettings(adminConfig, config.adminAddress, config.adminPort), &listenError)) {
            std::fprintf(stderr, "herald serve: cannot listen on HERALD_ADMIN_LISTEN: %s\n", qPrintable(listenError));
            return 2;
        }
        connectListener(&adminListener, &router, true);
    }
    qCInfo(lcServe).noquote() << QStringLiteral("listening on port %1%2, broadcasting to %3, policy %4")
                                     .arg(listener.port())
                                     .arg(config.adminListenEnabled ? QStringLiteral(" (admin on %1)").arg(adminListener.port()) : QString())
                                     .arg(source->description(), config.options.policy.toString());
    // Tests and scripts that ask for port 0 learn the real port from this line on stdout.
    std::printf("herald serve: listening on port %u\n", listener.port());
    if (config.adminListenEnabled)
        std::printf("herald serve: admin listening on port %u\n", adminListener.port());
    std::fflush(stdout);

    // SIGHUP: read the file and environment again; what can change without a restart changes.
    const auto reload = [&] {
        ServeConfig fresh;
        fresh.headerPolicy.instanceId = config.headerPolicy.instanceId;
        const QString reloadError = ServeSettings::load(parser, environmentMap(), &fresh);
        if (!reloadError.isEmpty()) {
            qCWarning(lcServe).noquote() << "SIGHUP: configuration not reloaded, keeping the running one:" << reloadError;
            return;
        }
        if (fresh.listenAddress != config.listenAddress || fresh.listenPort != config.listenPort
            || fresh.adminListenEnabled != config.adminListenEnabled || fresh.tlsCertFile != config.tlsCertFile
            || fresh.routesFile != config.routesFile || fresh.source.kind != config.source.kind
            || fresh.source.name != config.source.name || fresh.source.port != config.source.port)
            qCWarning(lcServe) << "SIGHUP: listener, TLS, routes file and DNS source changes need a restart; applying the rest";
        broadcaster.headerPolicy() = fresh.headerPolicy;
        broadcaster.limiter().perKeyLimit = fresh.perTargetConcurrency;
        broadcaster.circuitBreaker().failureThreshold = fresh.circuitThreshold;
        broadcaster.circuitBreaker().cooldownMs = fresh.circuitCooldownMs;
        if (auto *staticSource = qobject_cast<StaticTargetSource *>(source);
            staticSource && fresh.source.kind == TargetSourceSpec::Kind::Static && fresh.sourceConfigured)
            staticSource->setTargets(fresh.source.targets);
        else
            source->refresh();
        router.setConfig(fresh);
        config = fresh;
        qCInfo(lcServe).noquote() << "SIGHUP: configuration reloaded;" << source->description() << "policy" << config.options.policy.toString();
    };
    SignalWatcher signalWatcher({SIGTERM, SIGINT, SIGHUP});
    bool draining = false;
    QTimer drainTimer;
    drainTimer.setSingleShot(true);
    QObject::connect(&drainTimer, &QTimer::timeout, [&] {
        qCWarning(lcServe) << "drain timeout reached with" << router.inFlight() << "broadcasts still in flight";
        QCoreApplication::exit(0);
    });
    // Done when every broadcast is answered and every answer has left: stopAccepting() closes
    // idle connections and marks answers still in flight "Connection: close".
    QTimer flushed;
    flushed.setInterval(20);
    QObject::connect(&flushed, &QTimer::timeout, [&] {
        if (listener.openConnections() == 0)
            QCoreApplication::exit(0);
    });
    const auto finishDrain = [&] { flushed.start(); };
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, [&](int number) {
        if (number == SIGHUP) {
            reload();
            return;
        }
        if (draining) {
            qCWarning(lcServe) << "second signal: exiting without waiting for the drain";
            QCoreApplication::exit(0);
            return;
        }
        draining = true;
        qCInfo(lcServe) << "draining:" << router.inFlight() << "broadcasts in flight, timeout" << config.drainTimeoutMs << "ms";
        router.setDraining(true);
        // The admin port keeps answering, so probes see /readyz turn 503 rather than a refused connection.
        listener.stopAccepting();
        drainTimer.start(config.drainTimeoutMs);
        if (router.inFlight() == 0)
            finishDrain();
        else
            QObject::connect(&router, &Router::idle, finishDrain);
    });
    const int code = QCoreApplication::exec();
    qCInfo(lcServe) << "stopped";
    return code;
}

} // namespace herald
