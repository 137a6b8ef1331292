#pragma once

#include "compat/compatmode.h"

namespace herald {

// Red Tentacle: the first 2xx answer wins, with backends replaced at run time.
class RedTentacleCompat
{
public:
    static CompatMode mode();
};

} // namespace herald
