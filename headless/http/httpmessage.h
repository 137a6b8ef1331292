#pragma once

#include "util/httpheaders.h"

#include <QHostAddress>

namespace herald {

// A request as the listener received it, byte for byte where it matters: purges are keyed on
// the exact target, and a rebuilt one would invalidate the wrong object.
struct HttpServerRequest
{
    QByteArray method;       // any token, as sent
    QByteArray pathAndQuery; // raw request-target, query included, escapes exactly as on the request line
    QByteArray version;      // "HTTP/1.1" or "HTTP/1.0" (another 1.x as sent)
    HttpHeaders headers;     // in order as received, names in their case, repeats kept apart
    QByteArray body;         // complete (Content-Length or chunked)
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool tls = false;
};

// An answer to send back. Content-Length is the listener's (from body); HEAD, 204 and 304 go bodiless.
struct HttpServerResponse
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;
};

} // namespace herald
