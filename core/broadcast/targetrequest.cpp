#include "broadcast/targetrequest.h"

namespace herald {

TransportRequest TargetRequest::make(const BroadcastRequest &request, const Target &target, const HeaderPolicy &policy,
                                     const BroadcastOptions &options)
{
    TransportRequest out;
    out.method = request.method;
    out.url = target.urlFor(request.pathAndQuery);
    out.headers = policy.outgoingHeaders(request, target);
    out.body = request.body;
    out.sendBody = !request.body.isEmpty() || hasHeader(request.headers, "Content-Length")
                   || hasHeader(request.headers, "Transfer-Encoding");
    out.timeoutMs = options.attemptTimeoutMs;
    out.http2 = options.http2 || target.http2;
    out.bodyLimit = options.bodyLimit;
    out.tls = target.tls;
    return out;
}

} // namespace herald
