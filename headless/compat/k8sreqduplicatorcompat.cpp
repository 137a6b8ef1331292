#include "compat/k8sreqduplicatorcompat.h"

namespace herald {

CompatMode K8sReqDuplicatorCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("k8sreq-duplicator");
    mode.detectingVariables = {QStringLiteral("HTTP_ADDR"), QStringLiteral("METRICS_ADDR"), QStringLiteral("PROBE_ADDR")};
    // The seed's README: the proxy on :8080, metrics on :9556, probes on :9557; a matched Host
    // answers 202 before the targets do, an unmatched one 503. The variables are aliases
    // (HTTP_ADDR, METRICS_ADDR, PROBE_ADDR, PROXY_READ_TIMEOUT, PROXY_WRITE_TIMEOUT); the
    // RequestClone resources come from HERALD_REQUESTCLONES (a file or a mounted ConfigMap).
    mode.defaults = {
        {QStringLiteral("HERALD_LISTEN"), QStringLiteral(":8080")},
        {QStringLiteral("HERALD_METRICS_LISTEN"), QStringLiteral(":9556")},
        {QStringLiteral("HERALD_ADMIN_LISTEN"), QStringLiteral(":9557")},
        {QStringLiteral("HERALD_ROUTES_POLICY"), QStringLiteral("async")},
        {QStringLiteral("HERALD_UNROUTED_STATUS"), QStringLiteral("503")},
    };
    mode.summary = QStringLiteral("routes by Host from RequestClone manifests (HERALD_REQUESTCLONES), 202 at once for a "
                                  "matched Host, 503 for an unmatched one, metrics on METRICS_ADDR, probes on PROBE_ADDR");
    // The controller's Kubernetes API side: Herald reads the RequestClones from files instead.
    mode.ignoredVariables = {
        QStringLiteral("ENABLE_LEADER_ELECTION"),
        QStringLiteral("LEADER_ELECTION_NAMESPACE"),
        QStringLiteral("NAMESPACES"),
        QStringLiteral("CONCURRENT"),
        QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT"),
    };
    return mode;
}

} // namespace herald
