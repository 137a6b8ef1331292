#pragma once

#include "compat/compatmode.h"

namespace herald {

// http-broadcast: a server and an agent in each backend's pod, over a hub (Redis here).
class HttpBroadcastCompat
{
public:
    static CompatMode mode();
};

} // namespace herald
