#include "compat/k8sreqduplicatorcompat.h"

namespace herald {

CompatMode K8sReqDuplicatorCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("k8sreq-duplicator");
    mode.detectingVariables = {QStringLiteral("HTTP_ADDR"), QStringLiteral("METRICS_ADDR"), QStringLiteral("PROBE_ADDR")};
    mode.summary = QStringLiteral("routes by Host");
    return mode;
}

} // namespace herald
