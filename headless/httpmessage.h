#pragma once

#include "httpheaders.h"

#include <QHostAddress>

namespace herald {

// A request as the listener received it: method token, raw request-target (query included,
// escapes as sent), headers in order with their case, and the whole body.
struct HttpServerRequest
{
    QByteArray method;
    QByteArray pathAndQuery;
    QByteArray version;
    HttpHeaders headers;
    QByteArray body;
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool tls = false;
};

// An answer to send back; Content-Length is set by the listener.
struct HttpServerResponse
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;
};

} // namespace herald
