#include "compat/redtentaclecompat.h"

namespace herald {

CompatMode RedTentacleCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("red-tentacle");
    mode.detectingVariables = {QStringLiteral("BACKEND_SERVERS")};
    // The seed's caller gets the first 2xx backend's own answer, whole, each backend sees its own
    // Host (Go's client sets it from the URL), and the backends are replaced with
    // POST /-update-backends. Herald's retries, breaker and body limit stay; the update endpoint
    // is guarded (HERALD_ADMIN_ALLOWED_CLIENTS or the admin token), where the seed's was open.
    mode.defaults = {
        {QStringLiteral("HERALD_POLICY"), QStringLiteral("first")},
        {QStringLiteral("HERALD_HOST_MODE"), QStringLiteral("target")},
        {QStringLiteral("HERALD_ANSWER"), QStringLiteral("winner")},
        {QStringLiteral("HERALD_TARGETS_UPDATE_PATH"), QStringLiteral("/-update-backends")},
    };
    mode.summary = QStringLiteral("policy first (only a 2xx wins), host mode target, the winner's answer, "
                                  "/-update-backends (loopback or admin token)");
    return mode;
}

} // namespace herald
