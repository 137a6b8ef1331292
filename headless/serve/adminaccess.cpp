#include "serve/adminaccess.h"

#include "http/httpresponses.h"
#include "serve/bearertoken.h"

namespace herald {

std::optional<HttpServerResponse> AdminAccess::refusal(const HttpServerRequest &request, const QByteArray &adminToken)
{
    const bool write = request.method != "GET" && request.method != "HEAD";
    if (adminToken.isEmpty() && write)
        return HttpResponses::text(403, QStringLiteral("admin writes are disabled: set HERALD_ADMIN_TOKEN to enable them"));
    if (!adminToken.isEmpty() && !BearerToken::matches(request.headers, adminToken))
        return HttpResponses::withHeader(HttpResponses::text(401, QStringLiteral("a valid admin bearer token is required")),
                                         "WWW-Authenticate", "Bearer");
    return std::nullopt;
}

} // namespace herald
