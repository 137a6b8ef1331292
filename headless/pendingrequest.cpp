#include "pendingrequest.h"

#include "httplistener.h"

namespace herald {

PendingRequest::PendingRequest(HttpListener *listener, void *state, HttpServerRequest request)
    : QObject(listener)
    , m_listener(listener)
    , m_state(state)
    , m_request(std::move(request))
{
}

void PendingRequest::respond(const HttpServerResponse &response)
{
    if (m_answered || m_abandoned)
        return;
    m_answered = true;
    m_listener->deliver(m_state, response);
}

void PendingRequest::markAbandoned()
{
    m_state = nullptr;
    if (m_answered || m_abandoned)
        return;
    m_abandoned = true;
    Q_EMIT abandoned();
}

} // namespace herald
