#include "transport/routingtransport.h"

namespace herald {

RoutingTransport::RoutingTransport(Transport *lean, Transport *full, QObject *parent)
    : Transport(parent)
    , m_lean(lean)
    , m_full(full)
{
    m_lean->setParent(this);
    m_full->setParent(this);
}

bool RoutingTransport::isLean(const TransportRequest &request)
{
    return !request.http2 && request.isPlainHttp();
}

TransportCall *RoutingTransport::send(const TransportRequest &request, QObject *parent)
{
    return (isLean(request) ? m_lean : m_full)->send(request, parent);
}

TransportTicket RoutingTransport::start(const TransportRequest &request, TransportCallReceiver *receiver, int tag)
{
    return (isLean(request) ? m_lean : m_full)->start(request, receiver, tag);
}

} // namespace herald
