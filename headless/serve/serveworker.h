#pragma once

#include "http/httplistener.h"
#include "serve/metricssnapshot.h"
#include "serve/router.h"
#include "serve/serveconfig.h"
#include "targets/target.h"

#include <QMutex>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace herald {

class Broadcaster;
class Metrics;
class PendingRequest;
class StaticTargetSource;

// One of the extra event loops of `herald serve` with HERALD_WORKERS >= 2, living in a thread of its
// own: a listener on the main port (SO_REUSEPORT), its own transport, broadcaster, circuit state,
// targets (copies of the main source's) and metrics, so a plain broadcast shares nothing with
// another thread. Every other request goes to the main thread's router (Router::isWorkerLocal).
// Every method runs on the worker's thread; WorkerPool calls them there by queued call.
class ServeWorker : public QObject
{
    Q_OBJECT
public:
    // Hands a request to the main thread's router; `respond` may be called on any thread.
    using Forward = std::function<void(const HttpServerRequest &, Router::Respond)>;

    ServeWorker(int index, Forward forward);
    ~ServeWorker() override;

    // Builds the parts and listens; on failure `error` says why and nothing listens.
    bool start(const ServeConfig &config, const HttpListener::Settings &settings, const QList<Target> &targets, QString *error);
    // The reloadable part of a configuration (SIGHUP), as ServeInstance::applyConfig takes it.
    void applyConfig(const ServeConfig &config);
    void setTargets(const QList<Target> &targets);
    // Stop accepting, let the broadcasts in flight finish and their answers leave, then drained().
    void drain();
    MetricsSnapshot snapshot() const;
    // Destroys the parts here, on the worker's thread, before the thread ends.
    void stop();

Q_SIGNALS:
    void drained();

private:
    // Where answers from the main thread are posted; emptied when the worker stops, so an answer
    // that comes later is dropped instead of posted to an object that is gone.
    struct ReplyPort
    {
        QMutex mutex;
        QObject *context = nullptr;
        void post(std::function<void()> call);
    };

    void onRequest(PendingRequest *pending);

    int m_index;
    Forward m_forward;
    std::shared_ptr<ReplyPort> m_replyPort;
    bool m_draining = false;
    bool m_drainedSent = false;
    // Declared in build order, so they are destroyed listener first, broadcaster last.
    std::unique_ptr<Broadcaster> m_broadcaster;
    std::unique_ptr<StaticTargetSource> m_source;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<HttpListener> m_listener;
    QTimer m_flushed;
};

} // namespace herald
