#pragma once

#include "targets/targettls.h"
#include "util/httpheaders.h"

#include <QByteArrayList>
#include <QUrl>

namespace herald {

// One HTTP exchange as the broadcast logic sees it, free of any client library's types.
struct TransportRequest
{
    QByteArray method;
    HttpHeaders headers;
    QByteArray body;       // shared, never copied per target
    bool sendBody = false; // frame a body (with Content-Length) even when it is empty
    int timeoutMs = 5000;  // whole attempt, connect to last byte
    bool http2 = false;    // h2c with prior knowledge for http://, ALPN h2 for https://
    int bodyLimit = 4096;  // bytes of the response body kept; the rest is read and dropped
    TargetTlsPtr tls;      // the target's own TLS settings for https://; null: the transport's defaults
    // The response headers the caller reads: all of them, or only those named in keptHeaders
    // (any case). A transport may keep more; lean keeps no other, which saves two allocations
    // per header on the listener's hot path.
    bool keepAllHeaders = true;
    QByteArrayList keptHeaders;

    // The URL is given whole, or by a broadcast's hot path in the encoded parts its TargetForm
    // prepared once per target (setUrlParts), when they are exactly what QUrl would make of them.
    // The lean transport reads only the parts, so no QUrl is parsed per target; url() parses them
    // on first use for the transports that need one.
    void setUrl(const QUrl &url);
    // authority: scheme://[userinfo@]host[:port]; origin: the same without user info (where the
    // connection goes); requestTarget: /path[?query], appended to authority to make the URL.
    void setUrlParts(const QByteArray &authority, const QByteArray &origin, const QByteArray &requestTarget);
    const QUrl &url() const;
    // As the parts, or worked out from url().
    QByteArray origin() const;
    QByteArray requestTarget() const;
    // An http:// URL (not https://): from the parts without parsing them.
    bool isPlainHttp() const;

private:
    mutable QUrl m_url;
    mutable bool m_urlMade = true;
    QByteArray m_authority;
    QByteArray m_origin;
    QByteArray m_requestTarget;
};

} // namespace herald
