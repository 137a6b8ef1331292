#pragma once

#include "policy/outcomepolicy.h"
#include "policy/retrypolicy.h"
#include "policy/verifyrule.h"

#include <QByteArrayList>

namespace herald {

// Per-broadcast settings: how each target is tried and how the results combine.
struct BroadcastOptions
{
    RetryPolicy retry;
    OutcomePolicy policy;
    int attemptTimeoutMs = 5000;
    int deadlineMs = 30000;          // whole broadcast; unfinished targets then time out
    int bodyLimit = 4096;            // response body bytes kept per target
    bool http2 = false;              // h2c with prior knowledge to every target
    bool exactTargetPath = false;    // each target gets its own URL's path, not the client's (FanOut)
    bool retryCountHeader = false;   // X-Retry-Count: N on the Nth retry, as FanOut's targets expect
    QByteArrayList compareHeaders;   // response headers that ResponseComparison groups by, besides status and body
    bool keepResponseHeaders = true; // false: of each answer's headers only compareHeaders are kept
    VerifyRule verify;               // empty: no check after the broadcast (and no cost)
};

// The verdict of a broadcast, read by value.
struct BroadcastSummary
{
    int total = 0;
    int succeeded = 0;
    int failed = 0;
    int pending = 0;
    qint64 durationMs = 0;
    bool policyMet = false;
    bool finished = false;
    OutcomePolicy policy;
    QString reason;           // why the policy is not met, e.g. "no targets" or "2 of 3 targets failed"
    bool verifyAsked = false; // a verify rule was given
    int verified = 0;         // targets whose check held

    // Every target verified (only meaningful when verifyAsked); an empty set never is.
    bool allVerified() const { return total > 0 && verified == total; }
    // What every face answers as success (200, exit code 0): the policy met and, when a check was
    // asked for, every target verified, since a purge that did not take is not what was asked.
    bool isSuccess() const { return policyMet && (!verifyAsked || allVerified()); }
};

} // namespace herald
