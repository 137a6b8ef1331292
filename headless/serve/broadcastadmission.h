#pragma once

#include "http/httpmessage.h"
#include "serve/admissiondecision.h"
#include "serve/serveconfig.h"

namespace herald {

class RouteSet;
class TargetSource;

// Whether `herald serve` broadcasts a request, and to what: allow-list, auth token, CORS preflight,
// the broadcast path, loop detection (Via), validation, draining, echo, route match, the policy
// override and verify headers and the in-flight limits, in that order; and the headers every answer
// to it carries (CORS, X-Request-ID). Takes request values, gives decision values; no sockets.
class BroadcastAdmission
{
public:
    static constexpr const char *policyHeader = "X-Herald-Policy";
    static constexpr const char *verifyHeader = "X-Herald-Verify"; // a VerifyRule: check each target after the broadcast

    // What the instance is doing right now, for the limits and the drain.
    struct Load
    {
        int inFlight = 0;      // broadcasts started and not finished, async ones included
        int asyncInFlight = 0; // of those, the async ones
        bool draining = false;
        bool jobsFull = false; // every one of the HERALD_JOB_MAX jobs is still running
    };

    // `routes` may be null (no routes file): every request goes to `source`.
    BroadcastAdmission(const ServeConfig &config, TargetSource *source, RouteSet *routes = nullptr);

    void setConfig(const ServeConfig &config) { m_config = config; }
    // With a relay publisher accepted requests are published, not broadcast here.
    void setPublishing(bool publishing) { m_publishing = publishing; }

    AdmissionDecision admit(const HttpServerRequest &request, const Load &load) const;

private:
    AdmissionDecision decide(const HttpServerRequest &request, const Load &load) const;
    HttpHeaders corsHeaders(const HttpServerRequest &request) const;
    void logDroppedHeaders(const HttpHeaders &headers) const;
    bool isAllowedClient(const QHostAddress &address) const;
    bool isCorsPreflight(const HttpServerRequest &request, AdmissionDecision *decision) const;
    bool resolveTargets(AdmissionDecision *decision) const;
    static bool applyVerifyRule(const QByteArray &text, AdmissionDecision *decision);

    ServeConfig m_config;
    TargetSource *m_source;
    RouteSet *m_routes;
    bool m_publishing = false;
};

} // namespace herald
