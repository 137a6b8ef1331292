#include "serve/serveworker.h"

#include "broadcast/broadcaster.h"
#include "http/pendingrequest.h"
#include "serve/metrics.h"
#include "serve/servebroadcaster.h"
#include "targets/statictargetsource.h"

#include <QLoggingCategory>
#include <QPointer>

#include <utility>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

void ServeWorker::ReplyPort::post(std::function<void()> call)
{
    QMutexLocker locker(&mutex); // only forwarded requests come here, never a plain broadcast
    if (context)
        QMetaObject::invokeMethod(context, std::move(call), Qt::QueuedConnection);
}

ServeWorker::ServeWorker(int index, Forward forward)
    : m_index(index)
    , m_forward(std::move(forward))
    , m_replyPort(std::make_shared<ReplyPort>())
{
    m_flushed.setParent(this); // moved to the worker's thread with it
    m_flushed.setInterval(20);
    connect(&m_flushed, &QTimer::timeout, this, [this] {
        if (m_listener->openConnections() == 0) {
            m_flushed.stop();
            if (!std::exchange(m_drainedSent, true))
                Q_EMIT drained();
        }
    });
}

ServeWorker::~ServeWorker() = default;

bool ServeWorker::start(const ServeConfig &config, const HttpListener::Settings &settings, const QList<Target> &targets,
                        QString *error)
{
    {
        QMutexLocker locker(&m_replyPort->mutex);
        m_replyPort->context = this;
    }
    m_broadcaster = ServeBroadcaster::create(config);
    m_source = std::make_unique<StaticTargetSource>(targets);
    m_metrics = std::make_unique<Metrics>(m_broadcaster.get());
    m_metrics->setWorker(m_index);
    Router::Parts parts; // a worker's router only broadcasts: the rest is the main thread's
    parts.broadcaster = m_broadcaster.get();
    parts.source = m_source.get();
    parts.metrics = m_metrics.get();
    m_router = std::make_unique<Router>(config, parts);
    applyConfig(config);
    m_listener = std::make_unique<HttpListener>();
    if (!m_listener->listen(settings, error))
        return false;
    connect(m_listener.get(), &HttpListener::requestReceived, this, &ServeWorker::onRequest);
    connect(m_router.get(), &Router::idle, this, [this] {
        if (m_draining)
            m_flushed.start();
    });
    qCDebug(lcServe) << "worker" << m_index << "listening on port" << m_listener->port();
    return true;
}

void ServeWorker::applyConfig(const ServeConfig &config)
{
    // Circuit state is per worker: no lock or atomic on the hot path. Each worker learns that a
    // backend is dead after its own HERALD_CIRCUIT_THRESHOLD failures, so a dead backend costs up to
    // N times the failures and, once open, N times the half-open probes.
    ServeBroadcaster::configure(*m_broadcaster, config);
    m_router->setConfig(config);
}

void ServeWorker::setTargets(const QList<Target> &targets)
{
    m_source->setTargets(targets);
}

void ServeWorker::drain()
{
    if (m_draining || !m_listener)
        return;
    m_draining = true;
    m_router->setDraining(true);
    m_listener->stopAccepting();
    if (m_router->inFlight() == 0)
        m_flushed.start();
}

MetricsSnapshot ServeWorker::snapshot() const
{
    return m_metrics ? m_metrics->snapshot() : MetricsSnapshot();
}

void ServeWorker::stop()
{
    {
        QMutexLocker locker(&m_replyPort->mutex);
        m_replyPort->context = nullptr;
    }
    m_flushed.stop();
    m_listener.reset();
    m_router.reset();
    m_metrics.reset();
    m_source.reset();
    m_broadcaster.reset();
}

void ServeWorker::onRequest(PendingRequest *pending)
{
    QPointer<PendingRequest> guard(pending);
    if (m_router->isWorkerLocal(pending->request())) {
        m_router->handle(pending->request(), false, [guard](const HttpServerResponse &response) {
            if (guard)
                guard->respond(response);
        });
        return;
    }
    // The main thread's router answers, and the answer is written here, on this worker's thread.
    m_forward(pending->request(), [port = m_replyPort, guard](const HttpServerResponse &response) {
        port->post([guard, response] {
            if (guard)
                guard->respond(response);
        });
    });
}

} // namespace herald
