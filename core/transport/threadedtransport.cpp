#include "transport/threadedtransport.h"

#include "transport/remotecall.h"
#include "transport/transportworker.h"

#include <QThread>

namespace herald {

ThreadedTransport::ThreadedTransport(int threads, std::function<Transport *()> factory, QObject *parent)
    : Transport(parent)
{
    qRegisterMetaType<herald::TransportResponse>();
    for (int i = 0; i < qMax(1, threads); ++i) {
        Worker entry;
        entry.thread = new QThread(this);
        entry.thread->setObjectName(QStringLiteral("herald-transport-%1").arg(i));
        // Answers cross back as queued calls on this object, in the caller's thread.
        entry.worker = new TransportWorker(factory, [this](quint64 id, const TransportResponse &response) {
            QMetaObject::invokeMethod(
                this, [this, id, response] { deliver(id, response); }, Qt::QueuedConnection);
        });
        entry.worker->moveToThread(entry.thread);
        connect(entry.thread, &QThread::finished, entry.worker, &QObject::deleteLater);
        entry.thread->start();
        m_workers.push_back(entry);
    }
}

ThreadedTransport::~ThreadedTransport()
{
    for (RemoteCall *call : qAsConst(m_pending))
        call->m_done = true; // they will not finish
    m_pending.clear();
    for (const Worker &entry : m_workers) {
        entry.thread->quit(); // the worker and its transport are deleted in their thread
        entry.thread->wait();
    }
}

TransportCall *ThreadedTransport::send(const TransportRequest &request, QObject *parent)
{
    const quint64 id = m_nextId++;
    const int index = workerFor(request.url());
    auto *call = new RemoteCall(this, id, index, parent);
    m_pending.insert(id, call);
    TransportWorker *worker = m_workers[size_t(index)].worker;
    QMetaObject::invokeMethod(
        worker, [worker, id, request] { worker->start(id, request); }, Qt::QueuedConnection);
    return call;
}

int ThreadedTransport::workerFor(const QUrl &url)
{
    return int(m_hosts.ordinalOf(url) % int(m_workers.size()));
}

void ThreadedTransport::deliver(quint64 id, const TransportResponse &response)
{
    if (RemoteCall *call = m_pending.take(id))
        call->complete(response);
}

void ThreadedTransport::abort(quint64 id, int index)
{
    if (!m_pending.remove(id))
        return;
    TransportWorker *worker = m_workers[size_t(index)].worker;
    QMetaObject::invokeMethod(
        worker, [worker, id] { worker->abort(id); }, Qt::QueuedConnection);
}

} // namespace herald
