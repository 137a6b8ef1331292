#include "broadcast/targetrequest.h"

namespace herald {

TransportRequest TargetRequest::make(const BroadcastRequest &request, const Target &target, const HeaderPolicy &policy,
                                     const BroadcastOptions &options, int retry)
{
    bool targetHost = false;
    const HttpHeaders common = policy.commonHeaders(request, &targetHost);
    return make(request, target, TargetForm(target), common, targetHost, options, retry);
}

TransportRequest TargetRequest::make(const BroadcastRequest &request, const Target &target, const TargetForm &form,
                                     const HttpHeaders &commonHeaders, bool targetHost, const BroadcastOptions &options, int retry)
{
    TransportRequest out;
    out.method = request.method;
    const QByteArray requestTarget = form.requestTargetFor(request.pathAndQuery, options.exactTargetPath);
    if (TargetForm::keepsAsIs(requestTarget))
        out.setUrlParts(form.authority(), form.origin(), requestTarget);
    else
        out.setUrl(form.urlOfTarget(requestTarget));
    out.headers = commonHeaders;
    if (targetHost)
        out.headers.prepend({"Host", form.hostHeader()});
    if (options.retryCountHeader && retry > 0) {
        removeHeader(out.headers, "X-Retry-Count"); // ours replaces a client's, as FanOut's does
        out.headers.append({"X-Retry-Count", QByteArray::number(retry)});
    }
    out.body = request.body;
    out.sendBody = !request.body.isEmpty() || hasHeader(request.headers, "Content-Length")
                   || hasHeader(request.headers, "Transfer-Encoding");
    out.timeoutMs = options.attemptTimeoutMs;
    out.http2 = options.http2 || target.http2;
    out.bodyLimit = options.bodyLimit;
    out.keepAllHeaders = options.keepResponseHeaders;
    out.keptHeaders = options.compareHeaders;
    out.tls = target.tls;
    return out;
}

} // namespace herald
