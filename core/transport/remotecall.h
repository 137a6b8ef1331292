#pragma once

#include "transport/transport.h"

#include <QPointer>

namespace herald {

class ThreadedTransport;

// The caller's side of a request that a ThreadedTransport's worker thread sends.
class RemoteCall : public TransportCall
{
    Q_OBJECT
public:
    RemoteCall(ThreadedTransport *transport, quint64 id, int worker, QObject *parent);
    ~RemoteCall() override;
    void abort() override;

private:
    friend class ThreadedTransport;
    void complete(const TransportResponse &response);

    QPointer<ThreadedTransport> m_transport;
    quint64 m_id;
    int m_worker;
    bool m_done = false;
};

} // namespace herald
