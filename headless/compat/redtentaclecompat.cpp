#include "compat/redtentaclecompat.h"

namespace herald {

CompatMode RedTentacleCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("red-tentacle");
    mode.detectingVariables = {QStringLiteral("BACKEND_SERVERS")};
    // The first backend to answer 2xx wins, and each backend gets its own Host, as the seed's
    // reverse proxies did.
    mode.defaults = {
        {QStringLiteral("HERALD_POLICY"), QStringLiteral("first")},
        {QStringLiteral("HERALD_HOST_MODE"), QStringLiteral("target")},
    };
    mode.summary = QStringLiteral("policy first, host mode target");
    return mode;
}

} // namespace herald
