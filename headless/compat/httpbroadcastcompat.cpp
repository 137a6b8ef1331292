#include "compat/httpbroadcastcompat.h"

namespace herald {

CompatMode HttpBroadcastCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("http-broadcast");
    mode.detectingVariables = {QStringLiteral("SERVER_ADDR"), QStringLiteral("AGENT_ENDPOINT"), QStringLiteral("HUB_ENDPOINT")};
    mode.summary = QStringLiteral("the server role");
    return mode;
}

} // namespace herald
