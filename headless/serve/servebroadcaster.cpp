#include "serve/servebroadcaster.h"

#include "broadcast/broadcaster.h"
#include "transport/transportfactory.h"

namespace herald {

std::unique_ptr<Broadcaster> ServeBroadcaster::create(const ServeConfig &config)
{
    return std::make_unique<Broadcaster>(createTransport(config.transport, !config.insecureTargets, config.transportThreads));
}

void ServeBroadcaster::configure(Broadcaster &broadcaster, const ServeConfig &config)
{
    broadcaster.headerPolicy() = config.headerPolicy;
    broadcaster.limiter().perKeyLimit = config.perTargetConcurrency;
    broadcaster.limiter().totalLimit = config.totalConcurrency;
    broadcaster.circuitBreaker().failureThreshold = config.circuitThreshold;
    broadcaster.circuitBreaker().cooldownMs = config.circuitCooldownMs;
}

} // namespace herald
