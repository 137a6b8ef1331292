#include "serve/workerpool.h"

#include "serve/router.h"
#include "serve/serveworker.h"

#include <QSet>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace herald {

namespace {

// One scrape under way: the sum so far and the workers still to answer.
struct Gathering
{
    MetricsSnapshot sum;
    QSet<int> waiting;
    std::function<void(const QByteArray &)> done;
    bool finished = false;

    void finish()
    {
        if (std::exchange(finished, true))
            return;
        QList<int> missing(waiting.cbegin(), waiting.cend());
        std::sort(missing.begin(), missing.end());
        sum.missingWorkers.append(missing);
        done(sum.render());
    }
};

} // namespace

WorkerPool::WorkerPool(QObject *parent)
    : QObject(parent)
{
}

WorkerPool::~WorkerPool()
{
    stop();
}

bool WorkerPool::start(int count, const ServeConfig &config, const HttpListener::Settings &settings, const QList<Target> &targets,
                       Router *mainRouter, QString *error)
{
    // Queued to the main thread; `respond` is the worker's, and posts the answer back to it.
    const ServeWorker::Forward forward = [mainRouter](const HttpServerRequest &request, Router::Respond respond) {
        QMetaObject::invokeMethod(
            mainRouter, [mainRouter, request, respond] { mainRouter->handle(request, false, respond); }, Qt::QueuedConnection);
    };
    for (int index = 1; index <= count; ++index) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("herald-worker-%1").arg(index));
        auto *worker = new ServeWorker(index, forward);
        worker->moveToThread(thread.get());
        connect(worker, &ServeWorker::drained, this, [this] {
            if (++m_drained == static_cast<int>(m_workers.size()))
                Q_EMIT drained();
        });
        thread->start();
        m_threads.push_back(std::move(thread));
        m_workers.push_back(worker);
        bool listening = false;
        QString workerError;
        // Blocking, once at start: a worker that cannot listen fails the start like the main listener.
        QMetaObject::invokeMethod(
            worker, [&] { listening = worker->start(config, settings, targets, &workerError); }, Qt::BlockingQueuedConnection);
        if (!listening) {
            *error = QStringLiteral("cannot listen on HERALD_LISTEN (worker %1 of HERALD_WORKERS): %2").arg(index).arg(workerError);
            return false;
        }
    }
    return true;
}

void WorkerPool::applyConfig(const ServeConfig &config)
{
    for (ServeWorker *worker : m_workers)
        QMetaObject::invokeMethod(
            worker, [worker, config] { worker->applyConfig(config); }, Qt::QueuedConnection);
}

void WorkerPool::setTargets(const QList<Target> &targets)
{
    for (ServeWorker *worker : m_workers)
        QMetaObject::invokeMethod(
            worker, [worker, targets] { worker->setTargets(targets); }, Qt::QueuedConnection);
}

void WorkerPool::scrape(const MetricsSnapshot &own, std::function<void(const QByteArray &)> done)
{
    auto gathering = std::make_shared<Gathering>();
    gathering->sum = own;
    gathering->done = std::move(done);
    for (ServeWorker *worker : m_workers) {
        const int index = static_cast<int>(gathering->waiting.size()) + 1;
        gathering->waiting.insert(index);
        // Taken on the worker's thread, summed on this one: neither waits for the other.
        QMetaObject::invokeMethod(
            worker,
            [this, worker, index, gathering] {
                const MetricsSnapshot snapshot = worker->snapshot();
                QMetaObject::invokeMethod(
                    this,
                    [index, gathering, snapshot] {
                        if (gathering->finished || !gathering->waiting.remove(index))
                            return;
                        gathering->sum.merge(snapshot);
                        if (gathering->waiting.isEmpty())
                            gathering->finish();
                    },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }
    if (m_workers.empty())
        gathering->finish();
    else
        QTimer::singleShot(1000, this, [gathering] { gathering->finish(); });
}

void WorkerPool::drain()
{
    for (ServeWorker *worker : m_workers)
        QMetaObject::invokeMethod(worker, &ServeWorker::drain, Qt::QueuedConnection);
    if (m_workers.empty())
        Q_EMIT drained();
}

void WorkerPool::stop()
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        ServeWorker *worker = m_workers[i];
        if (m_threads[i]->isRunning())
            QMetaObject::invokeMethod(worker, &ServeWorker::stop, Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete worker; // its thread has ended: nothing of it runs any more
    }
    m_workers.clear();
    m_threads.clear();
}

} // namespace herald
