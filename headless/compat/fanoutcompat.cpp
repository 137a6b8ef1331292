#include "compat/fanoutcompat.h"

namespace herald {

CompatMode FanOutCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("fanout");
    mode.detectingVariables = {QStringLiteral("TARGETS"), QStringLiteral("ENDPOINT_PATH")};
    // FanOut's README: POST /fanout answered 202 at once, each target called at exactly its URL
    // (so with its own Host), X-Request-ID taken or made and echoed, X-Retry-Count on retries,
    // /health and /version answered locally, metrics only with METRICS_ENABLED=true, and its
    // defaults CLIENT_TIMEOUT=10s, REQUEST_TIMEOUT=30s, MAX_RETRIES=3 retrying 5xx and network errors.
    mode.defaults = {
        {QStringLiteral("HERALD_BROADCAST_PATH"), QStringLiteral("/fanout")},
        {QStringLiteral("HERALD_TARGET_PATH"), QStringLiteral("exact")},
        {QStringLiteral("HERALD_HOST_MODE"), QStringLiteral("target")},
        {QStringLiteral("HERALD_POLICY"), QStringLiteral("async")},
        {QStringLiteral("HERALD_REQUEST_ID"), QStringLiteral("true")},
        {QStringLiteral("HERALD_RETRY_COUNT_HEADER"), QStringLiteral("true")},
        {QStringLiteral("HERALD_HEALTH_PATH"), QStringLiteral("/health")},
        {QStringLiteral("HERALD_VERSION_PATH"), QStringLiteral("/version")},
        {QStringLiteral("HERALD_METRICS"), QStringLiteral("false")},
        {QStringLiteral("HERALD_TIMEOUT"), QStringLiteral("10s")},
        {QStringLiteral("HERALD_DEADLINE"), QStringLiteral("30s")},
        {QStringLiteral("HERALD_RETRIES"), QStringLiteral("3")},
        {QStringLiteral("HERALD_RETRY_ON"), QStringLiteral("5xx")},
    };
    mode.summary = QStringLiteral("only /fanout (ENDPOINT_PATH) broadcast, 202 at once, each target at exactly its URL, "
                                  "X-Request-ID, /health and /version local");
    return mode;
}

} // namespace herald
