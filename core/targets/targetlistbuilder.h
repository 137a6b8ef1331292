#pragma once

#include "targets/target.h"
#include "targets/targetsourcespec.h"

namespace herald {

// Turns resolved (address or host, port) pairs into sorted, de-duplicated targets for a spec.
class TargetListBuilder
{
public:
    static QList<Target> build(const TargetSourceSpec &spec, const QList<QPair<QString, int>> &endpoints);
};

} // namespace herald
