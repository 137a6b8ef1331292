#pragma once

#include "serve/serveconfig.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace herald {

class AdminApi;
class Broadcaster;
class HealthProbe;
class HttpListener;
class JobApi;
class JobRegistry;
class Metrics;
class RelayAgent;
class RelayPublisher;
class Router;
class RouteSet;
class TargetSource;
class TargetsUpdate;
class WorkerPool;

// The composition root of `herald serve`: owns the broadcaster, the target source, the routes,
// metrics, probes, admin API, relay publisher (and the agent beside it), jobs, router and listeners;
// with HERALD_WORKERS >= 2 also the other workers' event loops (WorkerPool). One applyConfig() at start
// and on SIGHUP, so a reload can forget nothing start set; drain() ends it gracefully.
class ServeInstance : public QObject
{
    Q_OBJECT
public:
    explicit ServeInstance(QObject *parent = nullptr);
    ~ServeInstance() override;

    // Builds every part from `config`, applies it and listens. On failure, `error` names the
    // variable ("cannot listen on HERALD_LISTEN: ...") and nothing listens.
    bool start(const ServeConfig &config, QString *error);
    // Everything that can change without a restart takes `config` (broadcaster limits, circuit,
    // header policy, policies, tokens, CORS, static targets); listener, TLS, routes file, DNS
    // source, transport and relay keep their running values, and a change to them is logged.
    void applyConfig(const ServeConfig &config);
    // Stop accepting, /readyz 503, let the broadcasts in flight finish and their answers leave,
    // then drained(). After the drain timeout, or on a second call, drained() at once.
    void drain();

    const ServeConfig &config() const { return m_config; }
    quint16 port() const;
    quint16 adminPort() const;   // 0 without a separate admin listener
    quint16 metricsPort() const; // 0 without a separate metrics listener
    Broadcaster *broadcaster() const { return m_broadcaster.get(); }
    TargetSource *source() const { return m_source.get(); }
    Router *router() const { return m_router.get(); }

Q_SIGNALS:
    void drained();

private:
    bool buildParts(const ServeConfig &config, QString *error);
    bool listen(QString *error);
    void finishDrain();
    void emitDrainedWhenDone(); // the answers have left and the agent acknowledged what it delivered
    bool startWorkers(QString *error);

    ServeConfig m_config;
    bool m_applied = false;
    bool m_draining = false;
    bool m_answersFlushed = false;
    bool m_agentStopped = false;
    // Declared in build order, so they are destroyed listeners first, broadcaster last.
    std::unique_ptr<Broadcaster> m_broadcaster;
    std::unique_ptr<TargetSource> m_source;
    std::unique_ptr<RouteSet> m_routes;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<RelayAgent> m_agent; // before the probe, which may check the agent's endpoints
    std::unique_ptr<HealthProbe> m_health;
    std::unique_ptr<AdminApi> m_admin;
    std::unique_ptr<RelayPublisher> m_publisher;
    std::unique_ptr<JobRegistry> m_jobs;
    std::unique_ptr<JobApi> m_jobApi;
    std::unique_ptr<TargetsUpdate> m_targetsUpdate;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<HttpListener> m_listener;
    std::unique_ptr<HttpListener> m_adminListener;
    std::unique_ptr<HttpListener> m_metricsListener;
    std::unique_ptr<WorkerPool> m_workers; // HERALD_WORKERS >= 2; stopped and joined first
    QTimer m_drainTimeout;
    QTimer m_flushed;
};

} // namespace herald
