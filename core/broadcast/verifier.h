#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "broadcast/targetresult.h"
#include "policy/headerpolicy.h"
#include "transport/transport.h"

namespace herald {

// The check after a broadcast (BroadcastOptions::verify): what a target is asked, and how its
// answer is judged. Broadcast sends the requests; the rule itself is VerifyRule.
class Verifier
{
public:
    // Bytes of the body read for body-changed; the hash covers them and the total length.
    static constexpr int bodyLimit = 1024 * 1024;

    // A GET of the same path and query, with the Host the target received for the broadcast (so
    // the cache looks up the same object) and no other of the request's headers.
    static TransportRequest request(const BroadcastRequest &request, const Target &target, const HeaderPolicy &policy,
                                    const BroadcastOptions &options);
    // SHA-256 (hex) of an answer's body, or empty when there was no HTTP answer.
    static QByteArray bodyHash(const TransportResponse &response);
    // Fills *result from the check's answer.
    static void judge(const VerifyRule &rule, const TransportResponse &response, VerifyResult *result);
};

} // namespace herald
