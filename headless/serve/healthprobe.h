#pragma once

#include "http/httpmessage.h"
#include "policy/headerpolicy.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>

namespace herald {

class Broadcaster;
class RelayPublisher;
class RouteSet;
class TargetSource;

// The probes of `herald serve`. Answers /healthz by asking the targets themselves (HEAD /, no retries): 200 when at least one is
// reachable and answers below 500, else 503 (the Broadcaster seed's rule). Concurrent checks share
// one probe, and a result is reused for a second, so probes cannot flood the backends.
// Liveness must not use this: a fleet outage is no reason to restart Herald (see /livez).
// /readyz says whether this instance can take broadcasts now, from what it knows, asking nobody.
class HealthProbe : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const HttpServerResponse &)>;
    HealthProbe(TargetSource *source, int timeoutMs, QObject *parent = nullptr);
    // /healthz: asks the targets (or reuses the last answer under a second old).
    void check(Respond respond);
    // /readyz: 503 while draining or while nothing can be broadcast to (targets unresolved, relay down).
    HttpServerResponse readiness(bool draining) const;
    // /livez: the process answers, which is all liveness means.
    static HttpServerResponse liveness();

    void setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs; }
    // The probes carry the same Via (this instance's id) and header rules as the broadcasts.
    void setHeaderPolicy(const HeaderPolicy &policy);
    // With a relay publisher, ready needs its Redis connected (and the targets, when configured);
    // without configured targets the routes file alone decides.
    void setSourceConfigured(bool configured) { m_sourceConfigured = configured; }
    void setRelay(const RelayPublisher *publisher) { m_publisher = publisher; }
    void setRoutes(const RouteSet *routes) { m_routes = routes; }

private:
    void onProbeFinished(int healthy, int total, const QString &detail);

    TargetSource *m_source;
    Broadcaster *m_broadcaster; // its own, so probes never trip the broadcast circuit breakers
    int m_timeoutMs;
    bool m_sourceConfigured = true;
    const RelayPublisher *m_publisher = nullptr;
    const RouteSet *m_routes = nullptr;
    QList<Respond> m_waiting;
    HttpServerResponse m_last;
    QElapsedTimer m_lastAge;
};

} // namespace herald
