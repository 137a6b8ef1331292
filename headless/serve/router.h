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
    bool handleReserved(const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort, Respond &respond);
    void handleBroadcast(const HttpServerRequest &request, Respond respond);
    HttpServerResponse metricsResponse() const;
    void publish(const BroadcastRequest &request, Respond respond);
    void track(Broadcast *broadcast);
    void logAccess(Broadcast *broadcast);

    ServeConfig m_config;
    Parts m_parts;
    BroadcastAdmission m_admission;
    int m_inFlight = 0;
    int m_asyncInFlight = 0;
    bool m_draining = false;
};

} // namespace herald
