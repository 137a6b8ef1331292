#include "serve/serveinstance.h"

#include "broadcast/broadcaster.h"
#include "broadcast/jobregistry.h"
#include "http/httplistener.h"
#include "http/pendingrequest.h"
#include "relay/relayagent.h"
#include "relay/relaypublisher.h"
#include "serve/adminapi.h"
#include "serve/healthprobe.h"
#include "serve/jobapi.h"
#include "serve/metrics.h"
#include "serve/router.h"
#include "serve/routeset.h"
#include "serve/servebroadcaster.h"
#include "serve/targetsupdate.h"
#include "serve/workerpool.h"
#include "targets/statictargetsource.h"
#include "targets/targetsource.h"

#include <QLoggingCategory>
#include <QPointer>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

namespace {

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

// What only a restart can change: `fresh` takes the running values; true when any differed.
bool keepRestartOnly(const ServeConfig &running, ServeConfig *fresh)
{
    bool changed = false;
    const auto keep = [&changed](const auto &value, auto &freshValue) {
        changed = changed || !(freshValue == value);
        freshValue = value;
    };
    keep(running.listenAddress, fresh->listenAddress);
    keep(running.listenPort, fresh->listenPort);
    keep(running.adminListenEnabled, fresh->adminListenEnabled);
    keep(running.adminAddress, fresh->adminAddress);
    keep(running.adminPort, fresh->adminPort);
    keep(running.metricsListenEnabled, fresh->metricsListenEnabled);
    keep(running.metricsAddress, fresh->metricsAddress);
    keep(running.metricsPort, fresh->metricsPort);
    keep(running.tlsCertFile, fresh->tlsCertFile);
    keep(running.tlsKeyFile, fresh->tlsKeyFile);
    keep(running.maxBodyBytes, fresh->maxBodyBytes);
    keep(running.maxHeaderBytes, fresh->maxHeaderBytes);
    keep(running.headerTimeoutMs, fresh->headerTimeoutMs);
    keep(running.idleTimeoutMs, fresh->idleTimeoutMs);
    keep(running.maxConnections, fresh->maxConnections);
    keep(running.routesFile, fresh->routesFile);
    keep(running.requestClonesPath, fresh->requestClonesPath);
    keep(running.transport, fresh->transport);
    keep(running.transportThreads, fresh->transportThreads);
    keep(running.workers, fresh->workers);
    keep(running.insecureTargets, fresh->insecureTargets);
    keep(running.relayUrl, fresh->relayUrl);
    keep(running.relayStream, fresh->relayStream);
    keep(running.relayMaxLength, fresh->relayMaxLength);
    keep(running.relayMaxAgeMs, fresh->relayMaxAgeMs);
    keep(running.relayTimeoutMs, fresh->relayTimeoutMs);
    keep(running.agentEnabled, fresh->agentEnabled);
    fresh->agent = running.agent; // the agent is started once, with its first settings
    // A static list is reloadable; the kind of source, and a DNS or SRV name, are not.
    keep(running.source.kind, fresh->source.kind);
    if (fresh->source.kind != TargetSourceSpec::Kind::Static) {
        keep(running.source.name, fresh->source.name);
        keep(running.source.port, fresh->source.port);
    }
    return changed;
}

} // namespace

ServeInstance::ServeInstance(QObject *parent)
    : QObject(parent)
{
    m_drainTimeout.setSingleShot(true);
    connect(&m_drainTimeout, &QTimer::timeout, this, [this] {
        qCWarning(lcServe) << "drain timeout reached with" << m_router->inFlight() << "broadcasts still in flight";
        m_flushed.stop();
        Q_EMIT drained();
    });
    // Done when every answer has left: stopAccepting() closes idle connections and marks answers
    // still in flight "Connection: close", so the count falls to zero on its own.
    m_flushed.setInterval(20);
    connect(&m_flushed, &QTimer::timeout, this, [this] {
        if (m_listener->openConnections() == 0) {
            m_flushed.stop();
            m_answersFlushed = true;
            emitDrainedWhenDone();
        }
    });
}

ServeInstance::~ServeInstance() = default;

bool ServeInstance::start(const ServeConfig &config, QString *error)
{
    if (!buildParts(config, error))
        return false;
    applyConfig(config);
    if (!listen(error) || !startWorkers(error))
        return false;
    qCInfo(lcServe).noquote() << QStringLiteral("listening on port %1%2, broadcasting to %3, policy %4%5")
                                     .arg(port())
                                     .arg(m_adminListener ? QStringLiteral(" (admin on %1)").arg(adminPort()) : QString())
                                     .arg(m_routes && !m_config.sourceConfigured
                                              ? QStringLiteral("%1 routes").arg(m_routes->table().routes.size())
                                              : m_source->description(),
                                          m_config.options.policy.toString(),
                                          m_workers ? QStringLiteral(", %1 workers").arg(m_config.workers) : QString());
    return true;
}

bool ServeInstance::startWorkers(QString *error)
{
    if (m_config.workers < 2)
        return true;
    m_workers = std::make_unique<WorkerPool>();
    // The port really bound, so that HERALD_LISTEN=...:0 gives every worker the same one.
    HttpListener::Settings settings = listenerSettings(m_config, m_config.listenAddress, port());
    settings.reusePort = true;
    if (!m_workers->start(m_config.workers - 1, m_config, settings, m_source->targets(), m_router.get(), error))
        return false;
    const auto pushTargets = [this] { m_workers->setTargets(m_source->targets()); };
    connect(m_source.get(), &TargetSource::targetsChanged, this, pushTargets);
    connect(m_source.get(), &TargetSource::refreshed, this, pushTargets);
    connect(m_workers.get(), &WorkerPool::drained, this, &ServeInstance::emitDrainedWhenDone);
    m_metrics->setWorker(0);
    m_router->setMetricsScrape(
        [this](std::function<void(const QByteArray &)> done) { m_workers->scrape(m_metrics->snapshot(), std::move(done)); });
    return true;
}

bool ServeInstance::buildParts(const ServeConfig &config, QString *error)
{
    m_broadcaster = ServeBroadcaster::create(config);
    m_source.reset(TargetSource::create(config.source, nullptr));
    TargetSource *source = m_source.get();
    connect(source, &TargetSource::errorOccurred, this, [](const QString &message) {
        qCWarning(lcServe).noquote() << "target resolution failed, keeping the last good set:" << message;
    });
    connect(source, &TargetSource::targetsChanged, this, [source] {
        qCInfo(lcServe).noquote() << "targets now" << source->targets().size() << "from" << source->description();
    });
    m_metrics = std::make_unique<Metrics>(m_broadcaster.get());
    m_metrics->watchSource(source);
    BroadcastOptions routeDefaults = config.options;
    if (config.routesPolicySet)
        routeDefaults.policy = config.routesPolicy;
    if (!config.routesFile.isEmpty()) {
        m_routes = std::make_unique<RouteSet>(config.routesFile, routeDefaults);
    } else if (!config.requestClonesPath.isEmpty()) {
        RequestCloneReader::Settings settings;
        settings.defaults = routeDefaults;
        settings.clusterDomain = config.clusterDomain;
        settings.nameserver = config.source.nameserver;
        settings.refreshIntervalMs = config.source.refreshIntervalMs;
        m_routes = std::make_unique<RouteSet>(config.requestClonesPath, settings);
    }
    QString routesError;
    if (m_routes && !m_routes->load(&routesError)) {
        *error = QStringLiteral("invalid configuration: %1: %2")
                     .arg(config.routesFile.isEmpty() ? QStringLiteral("HERALD_REQUESTCLONES") : QStringLiteral("HERALD_ROUTES"),
                          routesError);
        return false;
    }
    if (config.agentEnabled) {
        // The agent is the same RelayAgent herald relay runs, on this event loop.
        m_agent = std::make_unique<RelayAgent>(config.agent);
        connect(m_agent.get(), &RelayAgent::stopped, this, [this] {
            m_agentStopped = true;
            emitDrainedWhenDone();
        });
        m_agent->start();
        qCInfo(lcServe).noquote() << QStringLiteral("relay agent: replaying stream %1 to %2 as %3")
                                         .arg(QString::fromUtf8(config.agent.stream), config.agent.endpoints.describe(),
                                              QString::fromUtf8(config.agent.name));
    }
    // A pod that only replays to its own backend is healthy when that backend answers.
    TargetSource *probed = m_agent && !config.sourceConfigured ? m_agent->endpoints() : source;
    m_health = std::make_unique<HealthProbe>(probed, qMin(config.options.attemptTimeoutMs, 2000));
    m_health->setRoutes(m_routes.get());
    m_admin = std::make_unique<AdminApi>(config, m_broadcaster.get(), source);
    if (!config.relayUrl.isEmpty()) {
        RedisAddress address;
        QString relayError;
        RedisAddress::parse(config.relayUrl, &address, &relayError); // ServeSettings checked it
        m_publisher = std::make_unique<RelayPublisher>(address, config.relayStream, config.relayMaxLength, config.relayMaxAgeMs);
        m_publisher->setTimeoutMs(config.relayTimeoutMs);
        m_publisher->open();
        m_metrics->watchPublisher(m_publisher.get());
        m_health->setRelay(m_publisher.get());
    }
    m_jobs = std::make_unique<JobRegistry>(JobRegistry::Limits{config.jobTtlMs, config.jobMax});
    m_jobApi = std::make_unique<JobApi>(config, m_jobs.get(), m_publisher.get());
    m_targetsUpdate = std::make_unique<TargetsUpdate>(source);
    Router::Parts parts;
    parts.broadcaster = m_broadcaster.get();
    parts.source = source;
    parts.metrics = m_metrics.get();
    parts.health = m_health.get();
    parts.admin = m_admin.get();
    parts.routes = m_routes.get();
    parts.publisher = m_publisher.get();
    parts.jobs = m_jobs.get();
    parts.jobApi = m_jobApi.get();
    parts.targetsUpdate = m_targetsUpdate.get();
    m_router = std::make_unique<Router>(config, parts);
    return true;
}

bool ServeInstance::listen(QString *error)
{
    const auto connectListener = [this](HttpListener *listener, bool adminPort) {
        connect(listener, &HttpListener::requestReceived, m_router.get(), [this, adminPort](PendingRequest *pending) {
            QPointer<PendingRequest> guard(pending);
            m_router->handle(pending->request(), adminPort, [guard](const HttpServerResponse &response) {
                if (guard)
                    guard->respond(response);
            });
        });
    };
    m_listener = std::make_unique<HttpListener>();
    QString listenError;
    HttpListener::Settings settings = listenerSettings(m_config, m_config.listenAddress, m_config.listenPort);
    settings.reusePort = m_config.workers > 1; // N = 1 binds as it always did
    if (!m_listener->listen(settings, &listenError)) {
        *error = QStringLiteral("cannot listen on HERALD_LISTEN: %1").arg(listenError);
        return false;
    }
    connectListener(m_listener.get(), false);
    ServeConfig adminConfig = m_config;
    adminConfig.maxBodyBytes = 1024 * 1024;
    if (m_config.metricsListenEnabled) {
        m_metricsListener = std::make_unique<HttpListener>();
        if (!m_metricsListener->listen(listenerSettings(adminConfig, m_config.metricsAddress, m_config.metricsPort), &listenError)) {
            *error = QStringLiteral("cannot listen on HERALD_METRICS_LISTEN: %1").arg(listenError);
            return false;
        }
        connect(m_metricsListener.get(), &HttpListener::requestReceived, m_router.get(), [this](PendingRequest *pending) {
            QPointer<PendingRequest> guard(pending);
            m_router->handleMetricsPort(pending->request(), [guard](const HttpServerResponse &response) {
                if (guard)
                    guard->respond(response);
            });
        });
    }
    if (!m_config.adminListenEnabled)
        return true;
    m_adminListener = std::make_unique<HttpListener>();
    if (!m_adminListener->listen(listenerSettings(adminConfig, m_config.adminAddress, m_config.adminPort), &listenError)) {
        *error = QStringLiteral("cannot listen on HERALD_ADMIN_LISTEN: %1").arg(listenError);
        return false;
    }
    connectListener(m_adminListener.get(), true);
    return true;
}

void ServeInstance::applyConfig(const ServeConfig &config)
{
    ServeConfig fresh = config;
    if (m_applied && keepRestartOnly(m_config, &fresh))
        qCWarning(lcServe)
            << "SIGHUP: listener, TLS, routes file, DNS source, transport and relay changes need a restart; applying the rest";
    ServeBroadcaster::configure(*m_broadcaster, fresh);
    m_health->setTimeoutMs(qMin(fresh.options.attemptTimeoutMs, 2000));
    m_health->setHeaderPolicy(fresh.headerPolicy);
    m_health->setSourceConfigured(fresh.sourceConfigured);
    m_admin->setConfig(fresh);
    m_jobs->setLimits({fresh.jobTtlMs, fresh.jobMax});
    m_jobApi->setConfig(fresh);
    m_router->setConfig(fresh);
    auto *staticSource = qobject_cast<StaticTargetSource *>(m_source.get());
    if (m_applied && staticSource && fresh.sourceConfigured)
        staticSource->setTargets(fresh.source.targets);
    else
        m_source->refresh();
    const bool reload = m_applied;
    m_config = fresh;
    m_applied = true;
    if (m_workers)
        m_workers->applyConfig(m_config);
    if (reload)
        qCInfo(lcServe).noquote() << "SIGHUP: configuration reloaded;" << m_source->description() << "policy"
                                  << m_config.options.policy.toString();
}

void ServeInstance::drain()
{
    if (m_draining) {
        qCWarning(lcServe) << "second signal: exiting without waiting for the drain";
        Q_EMIT drained();
        return;
    }
    m_draining = true;
    qCInfo(lcServe) << "draining:" << m_router->inFlight() << "broadcasts in flight, timeout" << m_config.drainTimeoutMs << "ms";
    m_router->setDraining(true);
    // The admin port keeps answering, so probes see /readyz turn 503 rather than a refused connection.
    m_listener->stopAccepting();
    if (m_workers)
        m_workers->drain();
    m_drainTimeout.start(m_config.drainTimeoutMs);
    // The agent finishes and acknowledges the entry under way, so its successor does not repeat it.
    if (m_agent)
        m_agent->stop();
    if (m_router->inFlight() == 0)
        finishDrain();
    else
        connect(m_router.get(), &Router::idle, this, &ServeInstance::finishDrain);
}

void ServeInstance::finishDrain()
{
    m_flushed.start();
}

void ServeInstance::emitDrainedWhenDone()
{
    if (m_draining && m_answersFlushed && (!m_agent || m_agentStopped) && (!m_workers || m_workers->isDrained()))
        Q_EMIT drained();
}

quint16 ServeInstance::port() const
{
    return m_listener ? m_listener->port() : 0;
}

quint16 ServeInstance::adminPort() const
{
    return m_adminListener ? m_adminListener->port() : 0;
}

quint16 ServeInstance::metricsPort() const
{
    return m_metricsListener ? m_metricsListener->port() : 0;
}

} // namespace herald
