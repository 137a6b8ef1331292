#pragma once

#include "http/httplistener.h"
#include "serve/metricssnapshot.h"
#include "serve/serveconfig.h"
#include "targets/target.h"

#include <QObject>

#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace herald {

class Router;
class ServeWorker;

// The N-1 ServeWorkers of `herald serve` with HERALD_WORKERS=N >= 2, each in its own QThread, seen
// from the main thread: starts them, passes them configuration and targets by queued call, sums
// their metrics for a scrape, drains them, and joins their threads when destroyed.
class WorkerPool : public QObject
{
    Q_OBJECT
public:
    explicit WorkerPool(QObject *parent = nullptr);
    ~WorkerPool() override; // stops every worker on its thread and joins the threads

    // `count` workers listening like `settings` (reusePort set), answering what is not theirs
    // through `mainRouter`. Blocks until each listens or failed; `error` names HERALD_LISTEN.
    bool start(int count, const ServeConfig &config, const HttpListener::Settings &settings, const QList<Target> &targets,
               Router *mainRouter, QString *error);
    void applyConfig(const ServeConfig &config);
    void setTargets(const QList<Target> &targets);
    // Adds every worker's snapshot to `own` and passes the rendered text to `done` once all have
    // answered, or after 1 s without the ones that did not (said in a comment line).
    void scrape(const MetricsSnapshot &own, std::function<void(const QByteArray &)> done);
    void drain();
    bool isDrained() const { return m_drained == static_cast<int>(m_workers.size()); }

Q_SIGNALS:
    // Every worker drained.
    void drained();

private:
    void stop();

    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<ServeWorker *> m_workers; // deleted by stop(), once their thread has ended
    int m_drained = 0;
};

} // namespace herald
