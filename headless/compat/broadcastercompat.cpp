#include "compat/broadcastercompat.h"

namespace herald {

CompatMode BroadcasterCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("broadcaster");
    mode.detectingVariables = {QStringLiteral("BACKEND_HOST")};
    // The seed's main.go: BACKEND_PORT 6081 (Varnish's port), TIMEOUT 3s per attempt, RETRIES 2
    // (Herald's default too), any status >= 400 retried, and its answer a 500 unless every pod
    // succeeded, which Herald's policy all (default) gives as 502, or 503 when nothing resolves.
    mode.defaults = {
        {QStringLiteral("HERALD_DNS_PORT"), QStringLiteral("6081")},
        {QStringLiteral("HERALD_TIMEOUT"), QStringLiteral("3s")},
        {QStringLiteral("HERALD_RETRY_ON"), QStringLiteral(">=400")},
    };
    mode.summary = QStringLiteral("backend port 6081, timeout 3s, retries on >= 400");
    return mode;
}

} // namespace herald
