#pragma once

#include "http/httpmessage.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>

namespace herald {

class Broadcaster;
class TargetSource;

// Answers /healthz by asking the targets themselves (HEAD /, no retries): 200 when at least one is
// reachable and answers below 500, else 503 (the Broadcaster seed's rule). Concurrent checks share
// one probe, and a result is reused for a second, so probes cannot flood the backends.
// Liveness must not use this: a fleet outage is no reason to restart Herald (see /livez).
class HealthProbe : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const HttpServerResponse &)>;
    HealthProbe(TargetSource *source, int timeoutMs, QObject *parent = nullptr);
    void check(Respond respond);

private:
    void onProbeFinished(int healthy, int total, const QString &detail);

    TargetSource *m_source;
    Broadcaster *m_broadcaster; // its own, so probes never trip the broadcast circuit breakers
    int m_timeoutMs;
    QList<Respond> m_waiting;
    HttpServerResponse m_last;
    QElapsedTimer m_lastAge;
};

} // namespace herald
