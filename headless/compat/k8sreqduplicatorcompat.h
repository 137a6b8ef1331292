#pragma once

#include "compat/compatmode.h"

namespace herald {

// k8sreq-duplicator-controller: duplication routed by Host from RequestClone resources, answering 202.
class K8sReqDuplicatorCompat
{
public:
    static CompatMode mode();
};

} // namespace herald
