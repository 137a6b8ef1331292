#pragma once

#include "transport/transport.h"

namespace herald {

// A request as bytes on the wire, in the parts of one gather write: request line, Host line
// (the one part that differs per target, filled in by the call), the other headers with the
// blank line, and the body.
struct LeanWire
{
    QByteArray requestLine;
    QByteArray headers;
    QByteArray body;
    bool needsHostLine = true; // the request names no Host of its own
    bool head = false;         // HEAD: the answer has no body
};

// Serializes each distinct request once: a broadcast hands the transport the same method,
// path, headers and body for every target, so every call after the first shares the bytes.
// Like curl, it adds no header of its own but Host (when absent) and Content-Length (when a
// body is framed), and sends the path byte for byte, dot segments included.
class LeanRequestCache
{
public:
    const LeanWire &wireFor(const TransportRequest &request);

private:
    bool matches(const TransportRequest &request, const QByteArray &target) const;

    QByteArray m_method;
    QByteArray m_target;
    HttpHeaders m_headers;
    QByteArray m_body;
    bool m_sendBody = false;
    bool m_valid = false;
    LeanWire m_wire;
};

} // namespace herald
