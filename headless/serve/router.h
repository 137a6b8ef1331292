#pragma once

#include "http/httpmessage.h"
#include "broadcast/broadcastrequest.h"
#include "serve/serveconfig.h"

#include <QObject>

#include <functional>

namespace herald {

class AdminApi;
class Broadcast;
class Broadcaster;
class HealthProbe;
class Metrics;
class RelayPublisher;
class RouteSet;
class TargetSource;

// Decides what each request to `herald serve` gets: a probe, metrics, the admin API, or a
// broadcast answered by the policy. Works on request and response values, no sockets.
class Router : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const HttpServerResponse &)>;

    // `routes` may be null (no routes file): every request goes to `source`.
    Router(const ServeConfig &config, Broadcaster *broadcaster, TargetSource *source, Metrics *metrics,
           RouteSet *routes = nullptr, QObject *parent = nullptr);

    // `fromAdminPort`: the request came to the separate admin listener, where nothing is broadcast.
    void handle(const HttpServerRequest &request, bool fromAdminPort, Respond respond);

    void setDraining(bool draining) { m_draining = draining; }
    // A reloaded configuration (SIGHUP): policies, limits, tokens, CORS take effect for new requests.
    void setConfig(const ServeConfig &config);
    // Accepted requests go to the Redis stream first (herald relay); null: broadcast only.
    void setPublisher(RelayPublisher *publisher) { m_publisher = publisher; }
    bool isDraining() const { return m_draining; }
    // Broadcasts started and not finished, async ones included.
    int inFlight() const { return m_inFlight; }

    static HttpServerResponse jsonResponse(int status, const QJsonObject &body);
    // The same answer from a document already written as compact JSON.
    static HttpServerResponse jsonResponse(int status, const QByteArray &compactJson);
    static HttpServerResponse textResponse(int status, const QString &text);

Q_SIGNALS:
    // inFlight() reached zero.
    void idle();

private:
    bool handleReserved(const HttpServerRequest &request, const QByteArray &path, bool fromAdminPort, Respond &respond);
    void handleBroadcast(const HttpServerRequest &request, Respond respond);
    bool isAllowedClient(const QHostAddress &address) const;
    bool answerCorsPreflight(const HttpServerRequest &request, Respond &respond);
    void publish(const BroadcastRequest &request, Respond respond);
    void track(Broadcast *broadcast);
    HttpServerResponse readiness() const;
    void logAccess(Broadcast *broadcast);

    ServeConfig m_config;
    Broadcaster *m_broadcaster;
    TargetSource *m_source;
    Metrics *m_metrics;
    RouteSet *m_routes;
    RelayPublisher *m_publisher = nullptr;
    HealthProbe *m_health;
    AdminApi *m_admin;
    int m_inFlight = 0;
    int m_asyncInFlight = 0;
    bool m_draining = false;
};

} // namespace herald
