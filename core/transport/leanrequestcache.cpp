#include "transport/leanrequestcache.h"

namespace herald {

bool LeanRequestCache::matches(const TransportRequest &request, const QByteArray &target) const
{
    // The body is compared by identity: a broadcast shares one buffer among its targets.
    // The headers likewise mostly: a broadcast's targets share its common header list, so the
    // same list data means equal lists without comparing every header.
    // So are the method and, for targets without a path of their own, the request target.
    const auto same = [](const auto &a, const auto &b) {
        return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
    };
    return m_valid && m_sendBody == request.sendBody && m_body.constData() == request.body.constData()
           && m_body.size() == request.body.size() && same(m_method, request.method) && same(m_target, target)
           && same(m_headers, request.headers);
}

const LeanWire &LeanRequestCache::wireFor(const TransportRequest &request)
{
    const QByteArray target = request.requestTarget();
    if (matches(request, target))
        return m_wire;
    m_method = request.method;
    m_target = target;
    m_headers = request.headers;
    m_body = request.body;
    m_sendBody = request.sendBody;
    m_valid = true;

    const bool head = request.method == "HEAD";
    m_wire = LeanWire();
    m_wire.head = head;
    m_wire.requestLine = request.method + ' ' + target + " HTTP/1.1\r\n";
    m_wire.needsHostLine = !hasHeader(request.headers, "Host");
    QByteArray &headers = m_wire.headers;
    for (const HttpHeader &header : request.headers) {
        headers += header.first;
        headers += header.second.isEmpty() ? QByteArray(":") : ": " + header.second;
        headers += "\r\n";
    }
    // HEAD goes without a body, as curl's CURLOPT_NOBODY sends it.
    const bool framed = !head && (request.sendBody || !request.body.isEmpty());
    if (framed) {
        if (!hasHeader(request.headers, "Content-Length"))
            headers += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
        m_wire.body = request.body;
    }
    headers += "\r\n";
    return m_wire;
}

} // namespace herald
