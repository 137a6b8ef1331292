#include "compat/httpbroadcastcompat.h"

namespace herald {

CompatMode HttpBroadcastCompat::mode()
{
    CompatMode mode;
    mode.name = QStringLiteral("http-broadcast");
    mode.detectingVariables = {QStringLiteral("SERVER_ADDR"), QStringLiteral("AGENT_ENDPOINT"), QStringLiteral("HUB_ENDPOINT")};
    // The seed's loop guard (HUB_GUARD_TOKEN) defaults to one token for the whole fleet, so a
    // request replayed into any pod's server is dropped; Herald's Via hop does the same when every
    // pod carries one instance id. The agent's skipping no longer depends on it (HERALD_RELAY_BROADCAST).
    // Everything else the seed's callers see comes from aliases: SERVER_ADDR, AGENT_ENDPOINT (the
    // agent in this process), HUB_ENDPOINT (redis://), HUB_TOPIC, HUB_TIMEOUT, AGENT_RETRY_DELAY,
    // LOG_LEVEL, LOG_FORMAT, SERVER_CORS_ALLOWED_ORIGINS, SERVER_TLS_*_FILE.
    mode.defaults = {
        {QStringLiteral("HERALD_INSTANCE_ID"), QStringLiteral("http-broadcast")},
    };
    mode.summary = QStringLiteral("server and agent in one process (SERVER_ADDR and AGENT_ENDPOINT), Redis for the hub "
                                  "(HUB_ENDPOINT=redis://), one loop guard for the fleet, HUB_TIMEOUT bounds a publish");
    // The Mercure hub's credentials and target, Let's Encrypt, and the proxy-protocol trust: Redis
    // and Herald's own TLS files take their place.
    mode.ignoredVariables = {
        QStringLiteral("HUB_TOKEN"),
        QStringLiteral("HUB_PUBLISH_TOKEN"),
        QStringLiteral("HUB_SUBSCRIBE_TOKEN"),
        QStringLiteral("HUB_TARGET"),
        QStringLiteral("SERVER_TLS_ACME_ADDR"),
        QStringLiteral("SERVER_TLS_ACME_CERT_DIR"),
        QStringLiteral("SERVER_TLS_ACME_HOSTS"),
        QStringLiteral("SERVER_INSECURE"),
        QStringLiteral("SERVER_TRUSTED_IPS"),
        QStringLiteral("SERVER_READ_TIMEOUT"),
        QStringLiteral("SERVER_WRITE_TIMEOUT"),
        QStringLiteral("DEBUG"),
    };
    return mode;
}

} // namespace herald
