#pragma once

#include "compat/compatmode.h"

namespace herald {

// Broadcaster: fan-out to every address of a Kubernetes headless service's DNS name.
class BroadcasterCompat
{
public:
    static CompatMode mode();
};

} // namespace herald
