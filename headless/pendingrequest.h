#pragma once

#include "httpmessage.h"

#include <QObject>

namespace herald {

class HttpListener;

// A received request waiting for its answer. respond() may come at any later time; if the
// client left meanwhile the request is abandoned and respond() does nothing. Owned by the listener.
class PendingRequest : public QObject
{
    Q_OBJECT
public:
    const HttpServerRequest &request() const { return m_request; }
    // The first call answers; later calls are ignored.
    void respond(const HttpServerResponse &response);
    bool isAbandoned() const { return m_abandoned; }
    bool isAnswered() const { return m_answered; }

Q_SIGNALS:
    void abandoned();

private:
    friend class HttpListener;
    PendingRequest(HttpListener *listener, void *state, HttpServerRequest request);
    void markAbandoned();

    HttpListener *m_listener;
    void *m_state; // the listener's per-request state while the connection lives
    HttpServerRequest m_request;
    bool m_answered = false;
    bool m_abandoned = false;
};

} // namespace herald
