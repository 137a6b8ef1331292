#include "relay/relaycommand.h"

#include "serve/healthprobe.h"
#include "http/httplistener.h"
#include "http/httpresponses.h"
#include "common/logsetup.h"
#include "common/settingssources.h"
#include "http/pendingrequest.h"
#include "relay/relayagent.h"
#include "relay/relaysettings.h"
#include "common/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QPointer>

#include <csignal>
#include <utility>
#include <cstdio>

Q_DECLARE_LOGGING_CATEGORY(lcRelay)

namespace herald {

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "herald relay: invalid configuration: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int RelayCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Replays every request of a Redis stream to local endpoints (the agent beside each backend).\n"
                       "Each agent reads through its own consumer group, so every agent gets every request, in order,\n"
                       "and resumes after the last one it finished when it or Redis restarts.\n"
                       "Settings come from a JSON file (--config), then environment variables, then flags; the last wins."));
    parser.addHelpOption();
    RelaySettings::addOptions(parser);
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "herald relay: %s (see 'herald relay --help')\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    RelayConfig config;
    config.agent.name = QHostInfo::localHostName().toUtf8();
    config.agent.instanceId = config.agent.name;
    QString error = RelaySettings::load(parser, SettingsSources::processEnvironment(), &config);
    if (!error.isEmpty())
        return fail(error);
    if (parser.isSet(QStringLiteral("print-config"))) {
        std::fputs(qPrintable(RelaySettings::printConfig(config)), stdout);
        return 0;
    }
    LogSetup::install(config.logFormat, config.logLevel);
    for (const QString &line : RelaySettings::printConfig(config).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        qCDebug(lcRelay).noquote() << "setting" << line;
    std::signal(SIGPIPE, SIG_IGN);

    // Before the ready line: a supervisor (or a test) that stops the agent as soon as it announced
    // itself must get a graceful stop, not the default action of SIGTERM. SIGTERM: finish and
    // acknowledge the entry under way first, so a graceful stop never causes a duplicate; a second
    // signal exits at once.
    SignalWatcher signalWatcher({SIGTERM, SIGINT});
    const RelayAgent::Settings &settings = config.agent;
    RelayAgent agent(settings);
    HealthProbe endpointHealth(agent.endpoints(), 2000);
    HttpListener admin;
    if (config.adminListenEnabled) {
        HttpListener::Settings listen;
        listen.address = config.adminAddress;
        listen.port = config.adminPort;
        if (!admin.listen(listen, &error))
            return fail(QStringLiteral("HERALD_ADMIN_LISTEN: %1").arg(error));
        QObject::connect(&admin, &HttpListener::requestReceived, &agent, [&agent, &endpointHealth](PendingRequest *pending) {
            const QByteArray path = pending->request().pathAndQuery;
            if (path == "/healthz") {
                if (!agent.isConnected()) {
                    pending->respond(HttpResponses::text(503, QStringLiteral("Redis unreachable")));
                    return;
                }
                // Connected to Redis: healthy when at least one endpoint answers below 500.
                QPointer<PendingRequest> guard(pending);
                endpointHealth.check([guard](const HttpServerResponse &response) {
                    if (guard)
                        guard->respond(response);
                });
            } else if (path == "/metrics")
                pending->respond(HttpResponses::text(200, "herald_relay_replayed_total " + QString::number(agent.replayed())
                                                              + "\nherald_relay_failed_total " + QString::number(agent.failed())
                                                              + "\nherald_relay_skipped_total " + QString::number(agent.skipped())
                                                              + "\nherald_relay_lag " + QString::number(agent.lag())
                                                              + "\nherald_relay_connected " + (agent.isConnected() ? "1" : "0")));
            else
                pending->respond(HttpResponses::text(404, QStringLiteral("the relay's admin port serves /healthz and /metrics")));
        });
        std::printf("herald relay: admin listening on port %u\n", admin.port());
    }
    std::printf("herald relay: replaying stream %s to %s as %s\n", settings.stream.constData(),
                qPrintable(settings.endpoints.describe()), settings.name.constData());
    std::fflush(stdout);
    agent.start();
    bool stopping = false;
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &agent, [&agent, &stopping] {
        if (std::exchange(stopping, true))
            QCoreApplication::exit(0);
        else
            agent.stop();
    });
    QObject::connect(&agent, &RelayAgent::stopped, &agent, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace herald
