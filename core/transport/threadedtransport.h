#pragma once

#include "transport/hostordinals.h"
#include "transport/transport.h"

#include <QHash>

#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace herald {

class RemoteCall;
class TransportWorker;

// Spreads requests over worker threads, each with its own transport. Each backend belongs to
// one worker (assigned round robin as backends are first seen), so its keep-alive connections
// are reused as in one thread. The caller's thread keeps the broadcast logic; the HTTP work,
// which the profile puts at four fifths of the CPU per broadcast, runs beside it.
class ThreadedTransport : public Transport
{
    Q_OBJECT
public:
    // `factory` runs in each worker thread and makes that thread's transport.
    ThreadedTransport(int threads, std::function<Transport *()> factory, QObject *parent = nullptr);
    // Stops the workers: calls still under way are aborted and never finish.
    ~ThreadedTransport() override;
    TransportCall *send(const TransportRequest &request, QObject *parent) override;
    int threadCount() const { return int(m_workers.size()); }

private:
    friend class RemoteCall;
    struct Worker
    {
        QThread *thread = nullptr;
        TransportWorker *worker = nullptr;
    };
    void deliver(quint64 id, const TransportResponse &response);
    void abort(quint64 id, int worker);
    int workerFor(const QUrl &url);

    std::vector<Worker> m_workers;
    QHash<quint64, RemoteCall *> m_pending;
    quint64 m_nextId = 1;
    HostOrdinals m_hosts; // backend n goes to m_workers[n % size]
};

} // namespace herald
