#pragma once

#include "policy/statusrule.h"

namespace herald {

// When and how soon a failed attempt is tried again: exponential backoff with jitter.
struct RetryPolicy
{
    RetryPolicy();

    int maxRetries = 2;
    int baseDelayMs = 100;
    int maxDelayMs = 5000;
    double jitter = 0.2;                // each delay varies by up to this fraction, both ways
    bool retryOnConnectionError = true; // refused, reset, DNS failure, timeout
    StatusRule retryStatuses;           // default "5xx,429"

    bool shouldRetryStatus(int status) const { return retryStatuses.matches(status); }
    // Delay before retry number `retry` (1 for the first retry).
    int delayMs(int retry) const;
};

} // namespace herald
