#pragma once

#include "compat/compatmode.h"

namespace herald {

// FanOut: an immediate 202 for ENDPOINT_PATH, a circuit breaker and header filtering.
class FanOutCompat
{
public:
    static CompatMode mode();
};

} // namespace herald
