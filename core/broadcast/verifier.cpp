#include "broadcast/verifier.h"

#include <QCryptographicHash>

namespace herald {

TransportRequest Verifier::request(const BroadcastRequest &request, const Target &target, const HeaderPolicy &policy,
                                   const BroadcastOptions &options)
{
    TransportRequest out;
    out.method = "GET";
    out.setUrl(target.urlFor(request.pathAndQuery));
    // The broadcast's Host as the header policy sent it: absent in host-mode target, so the URL's.
    for (const HttpHeader &header : policy.outgoingHeaders(request, target)) {
        if (header.first.compare("Host", Qt::CaseInsensitive) == 0)
            out.headers.append(header);
    }
    out.timeoutMs = options.attemptTimeoutMs;
    out.http2 = options.http2 || target.http2;
    out.bodyLimit = options.verify.needsBodyBefore() ? bodyLimit : 0;
    return out;
}

QByteArray Verifier::bodyHash(const TransportResponse &response)
{
    if (response.error != TransportError::None)
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(response.body);
    hash.addData(QByteArray::number(response.bodyBytes));
    return hash.result().toHex();
}

void Verifier::judge(const VerifyRule &rule, const TransportResponse &response, VerifyResult *result)
{
    result->asked = true;
    if (response.error != TransportError::None) {
        result->verified = false;
        result->error = QStringLiteral("the check got no answer: %1").arg(response.errorString);
        return;
    }
    result->status = response.status;
    if (rule.needsBodyBefore())
        result->bodySha256 = bodyHash(response);
    result->headers.clear();
    result->verified = rule.check(response.status, response.headers, result->bodySha256, result->bodySha256Before,
                                  &result->headers, &result->error);
}

} // namespace herald
