#pragma once

#include "http/httpmessage.h"
#include "serve/broadcastadmission.h"
#include "serve/serveconfig.h"

#include <QObject>

#include <functional>

namespace herald {

class AdminApi;
class Broadcast;
class Broadcaster;
class HealthProbe;
class JobApi;
class JobRegistry;
class Metrics;
class RelayPublisher;
class RouteSet;
class TargetSource;
class TargetsUpdate;

// Dispatches each request to `herald serve`: a probe, metrics, the admin API, or a broadcast
// (admitted by BroadcastAdmission, answered by BroadcastAnswer). Works on values, no sockets.
class Router : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const HttpServerResponse &)>;
    // Gathers /metrics' text (with HERALD_WORKERS >= 2: the sum over every worker) and passes it on.
    using Scrape = std::function<void(std::function<void(const QByteArray &text)>)>;

    // What the router dispatches to; owned by the caller. `routes` and `publisher` may be null.
    struct Parts
    {
        Broadcaster *broadcaster = nullptr;
        TargetSource *source = nullptr;
        Metrics *metrics = nullptr;
        HealthProbe *health = nullptr;
        AdminApi *admin = nullptr;
        RouteSet *routes = nullptr;
        RelayPublisher *publisher = nullptr;    // accepted requests go to the Redis stream first (herald relay)
        JobRegistry *jobs = nullptr;            // async broadcasts, kept by id
        JobApi *jobApi = nullptr;               // answers /_herald/jobs/{id}
        TargetsUpdate *targetsUpdate = nullptr; // HERALD_TARGETS_UPDATE_PATH, when set
    };

    Router(const ServeConfig &config, const Parts &parts, QObject *parent = nullptr);

    // `fromAdminPort`: the request came to the separate admin listener, where nothing is broadcast.
    void handle(const HttpServerRequest &request, bool fromAdminPort, Respond respond);
    // The metrics port (HERALD_METRICS_LISTEN): /metrics, and nothing else.
    void handleMetricsPort(const HttpServerRequest &request, Respond respond);
    // HERALD_WORKERS >= 2: whether a worker may answer this request on its own, with nothing but its
    // own broadcaster, targets and metrics: a plain broadcast. Anything else (probes, metrics, the
    // admin API, jobs and async broadcasts, the targets update, dry runs, relay publishing, routes)
    // needs the main thread's parts and is handed to its router. The one place this is decided.
    bool isWorkerLocal(const HttpServerRequest &request) const;
    // Without one, /metrics renders this router's own Metrics.
    void setMetricsScrape(Scrape scrape) { m_scrape = std::move(scrape); }

    void setDraining(bool draining) { m_draining = draining; }
    // A reloaded configuration (SIGHUP): policies, limits, tokens, CORS take effect for new requests.
    void setConfig(const ServeConfig &config);
    bool isDraining() const { return m_draining; }
    // Broadcasts started and not finished, async ones included.
    int inFlight() const { return m_inFlight; }

Q_SIGNALS:
    // inFlight() reached zero.
    void idle();

private:
    // What answers a request locally, never broadcast; decided from the configuration alone.
    enum class Reserved { None, TargetsUpdate, Health, Version, Healthz, Livez, Readyz, Metrics, Jobs, Admin, AdminNotFound };

    Reserved reservedFor(const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort) const;
    void answerReserved(Reserved reserved, const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort,
                        Respond &respond);
    void handleBroadcast(const HttpServerRequest &request, Respond respond);
    void respondMetrics(Respond respond);
    void publish(const BroadcastRequest &request, Respond respond);
    void track(Broadcast *broadcast);
    void logAccess(Broadcast *broadcast);

    ServeConfig m_config;
    Parts m_parts;
    BroadcastAdmission m_admission;
    Scrape m_scrape;
    int m_inFlight = 0;
    int m_asyncInFlight = 0;
    bool m_draining = false;
};

} // namespace herald
