#pragma once

#include "http/httpmessage.h"

#include <QByteArray>

#include <optional>

namespace herald {

// Who may use the admin API and the jobs: with HERALD_ADMIN_TOKEN every call needs it as a bearer
// token (401 without); with none, reads are open and writes are refused (403).
class AdminAccess
{
public:
    // Nothing when `request` may go on, else the answer that refuses it.
    static std::optional<HttpServerResponse> refusal(const HttpServerRequest &request, const QByteArray &adminToken);
};

} // namespace herald
