#include "transport/remotecall.h"

#include "transport/threadedtransport.h"

namespace herald {

RemoteCall::RemoteCall(ThreadedTransport *transport, quint64 id, int worker, QObject *parent)
    : TransportCall(parent)
    , m_transport(transport)
    , m_id(id)
    , m_worker(worker)
{
}

RemoteCall::~RemoteCall()
{
    abort();
}

void RemoteCall::abort()
{
    if (m_done)
        return;
    m_done = true;
    if (m_transport)
        m_transport->abort(m_id, m_worker);
}

void RemoteCall::complete(const TransportResponse &response)
{
    if (m_done)
        return;
    m_done = true;
    deliver(response);
}

} // namespace herald
