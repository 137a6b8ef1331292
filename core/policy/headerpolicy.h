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

    static QByteArrayList defaultSensitiveHeaders();

    QByteArray instanceId = "herald";
    HostMode hostMode = HostMode::Preserve;
    QByteArrayList sensitiveHeaders = defaultSensitiveHeaders();

    HttpHeaders outgoingHeaders(const BroadcastRequest &request, const Target &target) const;
    // True when the request already passed through this instance (its Via names our id).
    bool isLoop(const BroadcastRequest &request) const;
    QByteArray viaToken() const;

    static bool isHopByHop(const QByteArray &name);
};

} // namespace herald
