#include "http/pendingrequest.h"

#include "http/httplistener.h"

namespace herald {

PendingRequest::PendingRequest(HttpListener *listener, HttpExchange *exchange, HttpServerRequest request)
    : QObject(listener)
    , m_listener(listener)
    , m_exchange(exchange)
    , m_request(std::move(request))
{
}

void PendingRequest::respond(const HttpServerResponse &response)
{
    if (m_answered || m_abandoned)
        return;
    m_answered = true;
    if (m_exchange)
        m_listener->deliver(m_exchange, response);
}

void PendingRequest::markAbandoned()
{
    if (m_answered || m_abandoned)
        return;
    m_abandoned = true;
    Q_EMIT abandoned();
}

} // namespace herald
