#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "policy/headerpolicy.h"
#include "targets/target.h"
#include "targets/targetform.h"
#include "transport/transport.h"

namespace herald {

// The one place that says what a target receives for a broadcast request: URL under the target's
// prefix, headers after the header policy, body and framing. Broadcast sends it; DryRun shows it.
// `retry` is 0 for the first attempt, N for the Nth retry.
class TargetRequest
{
public:
    static TransportRequest make(const BroadcastRequest &request, const Target &target, const HeaderPolicy &policy,
                                 const BroadcastOptions &options, int retry = 0);
    // The same from what a broadcast prepared once: the target's form and the policy's common
    // headers (HeaderPolicy::commonHeaders), so each target costs only its own URL and Host line.
    static TransportRequest make(const BroadcastRequest &request, const Target &target, const TargetForm &form,
                                 const HttpHeaders &commonHeaders, bool targetHost, const BroadcastOptions &options, int retry = 0);
};

} // namespace herald
