#pragma once

#include "broadcast/broadcastrequest.h"
#include "targets/target.h"

#include <QByteArrayList>

namespace herald {

// Decides which headers each target receives: strips hop-by-hop and sensitive headers,
// keeps (or replaces) Host, adds X-Forwarded-* and a Via hop carrying this instance's id.
class HeaderPolicy
{
public:
    enum class HostMode { Preserve, TargetHost };
    // Names with '_' (CGI, some WSGI servers and nginx's underscores_in_headers read them as '-'):
    // left out (nginx's default), a reason to refuse the request, or forwarded.
    enum class UnderscoreHeaders { Drop, Refuse, Pass };

    static QByteArrayList defaultSensitiveHeaders();
    // "preserve" or "target", as every face's settings spell the host mode.
    static bool parseHostMode(const QString &text, HostMode *mode);
    static QString hostModeName(HostMode mode);

    QByteArray instanceId = "herald";
    HostMode hostMode = HostMode::Preserve;
    QByteArrayList sensitiveHeaders = defaultSensitiveHeaders();
    UnderscoreHeaders underscoreHeaders = UnderscoreHeaders::Drop;

    HttpHeaders outgoingHeaders(const BroadcastRequest &request, const Target &target) const;
    // The headers every target of `request` gets; *targetHost: each must get its own Host line
    // first (TargetForm::hostHeader()). A broadcast works them out once, not once per target.
    HttpHeaders commonHeaders(const BroadcastRequest &request, bool *targetHost) const;
    // True when the request already passed through this instance (its Via names our id).
    bool isLoop(const BroadcastRequest &request) const;
    QByteArray viaToken() const;

    static bool isHopByHop(const QByteArray &name);
    // Why a request with these headers must not be forwarded at all, or "". A name that reads as a
    // hop-by-hop or framing header once '_' is taken for '-' (Transfer_Encoding) is refused in every
    // mode: a backend reading it so would frame the body differently from Herald (a desync).
    QString refusalFor(const HttpHeaders &headers) const;
    // A header the targets never receive because of the underscore rule.
    bool dropsUnderscoreName(const QByteArray &name) const;
    // The hop-by-hop or framing header `name` reads as once '_' is taken for '-', or "".
    static QByteArray framingAlias(const QByteArray &name);
    static bool parseUnderscoreHeaders(const QString &text, UnderscoreHeaders *mode);
    static QString underscoreHeadersName(UnderscoreHeaders mode);
};

} // namespace herald
