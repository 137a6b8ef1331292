#pragma once

#include "serve/serveconfig.h"

#include <memory>

namespace herald {

class Broadcaster;

// The one mapping from serve's configuration to a Broadcaster, shared by the main event loop and
// every HERALD_WORKERS loop, so all of them send alike.
class ServeBroadcaster
{
public:
    // A broadcaster over the configured transport (kind, peer verification, transport threads).
    static std::unique_ptr<Broadcaster> create(const ServeConfig &config);
    // What a reload can change: header policy, concurrency limits, circuit threshold and cool-down.
    static void configure(Broadcaster &broadcaster, const ServeConfig &config);
};

} // namespace herald
