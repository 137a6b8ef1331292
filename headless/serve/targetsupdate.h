#pragma once

#include "http/httpmessage.h"
#include "serve/serveconfig.h"

namespace herald {

class TargetSource;

// The run-time target update of HERALD_TARGETS_UPDATE_PATH (Red Tentacle's /-update-backends):
// POST ?backends=URL,URL replaces the static targets. Unlike the seed's it is guarded: only
// HERALD_ADMIN_ALLOWED_CLIENTS or the HERALD_ADMIN_TOKEN bearer may use it, and it is logged.
class TargetsUpdate
{
public:
    explicit TargetsUpdate(TargetSource *source);

    HttpServerResponse handle(const HttpServerRequest &request, const ServeConfig &config) const;

private:
    // The client is in HERALD_ADMIN_ALLOWED_CLIENTS.
    static bool isAllowedClient(const QHostAddress &address, const ServeConfig &config);

    TargetSource *m_source;
};

} // namespace herald
