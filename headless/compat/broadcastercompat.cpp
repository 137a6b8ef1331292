#include "compat/broadcastercompat.h"

namespace herald {

CompatMode BroadcasterCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("broadcaster");
    mode.detectingVariables = {QStringLiteral("BACKEND_HOST")};
    // The seed's defaults: Varnish's port, a 3 s timeout, and every status >= 400 retried.
    mode.defaults = {
        {QStringLiteral("HERALD_DNS_PORT"), QStringLiteral("6081")},
        {QStringLiteral("HERALD_TIMEOUT"), QStringLiteral("3s")},
        {QStringLiteral("HERALD_RETRY_ON"), QStringLiteral(">=400")},
    };
    mode.summary = QStringLiteral("backend port 6081, timeout 3s, retries on >= 400");
    return mode;
}

} // namespace herald
