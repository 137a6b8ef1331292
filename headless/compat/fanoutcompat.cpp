#include "compat/fanoutcompat.h"

namespace herald {

CompatMode FanOutCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("fanout");
    mode.detectingVariables = {QStringLiteral("TARGETS"), QStringLiteral("ENDPOINT_PATH")};
    mode.summary = QStringLiteral("its variables");
    return mode;
}

} // namespace herald
