#pragma once

#include "transport/transport.h"

#include <QHash>

#include <functional>

namespace herald {

// Lives in one of a ThreadedTransport's threads and sends through a transport of its own,
// made there on first use (socket notifiers belong to the thread that creates them).
// Answers go back to the ThreadedTransport as (id, response).
class TransportWorker : public QObject
{
    Q_OBJECT
public:
    using Factory = std::function<Transport *()>;
    using Reply = std::function<void(quint64 id, const TransportResponse &response)>;

    TransportWorker(Factory factory, Reply reply);
    ~TransportWorker() override;

    // Both run in the worker's thread (queued by the ThreadedTransport).
    void start(quint64 id, const TransportRequest &request);
    void abort(quint64 id);

private:
    Factory m_factory;
    Reply m_reply;
    Transport *m_transport = nullptr; // child, made in this thread
    QHash<quint64, TransportCall *> m_calls;
};

} // namespace herald
