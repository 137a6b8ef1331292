#pragma once

#include "http/httpmessage.h"

#include <QObject>

namespace herald {

class HttpListener;
struct HttpExchange;

// One received request waiting for its answer: respond() may come at once or much later (the
// connection is suspended meanwhile). If the client leaves first, abandoned() is emitted and
// respond() does nothing. Owned by the HttpListener, which deletes it once the exchange is over.
class PendingRequest : public QObject
{
    Q_OBJECT
public:
    const HttpServerRequest &request() const { return m_request; }
    // The first call answers; later calls, and calls after abandoned(), are ignored.
    void respond(const HttpServerResponse &response);
    bool isAnswered() const { return m_answered; }
    bool isAbandoned() const { return m_abandoned; }

Q_SIGNALS:
    // The client went away (closed or reset its connection) before the answer was sent.
    void abandoned();

private:
    friend class HttpListener;
    friend struct HttpExchange;
    PendingRequest(HttpListener *listener, HttpExchange *exchange, HttpServerRequest request);
    void markAbandoned();
    // The exchange is over (answered, abandoned or the listener stopped): forget the listener's state.
    void detach() { m_exchange = nullptr; }

    HttpListener *m_listener;
    HttpExchange *m_exchange;
    HttpServerRequest m_request;
    bool m_answered = false;
    bool m_abandoned = false;
};

} // namespace herald
