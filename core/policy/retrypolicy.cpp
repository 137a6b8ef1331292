#include "policy/retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace herald {

// Parsed once: every broadcast's options start from the default policy.
static const StatusRule &defaultRetryStatuses()
{
    static const StatusRule rule = StatusRule::parse(QStringLiteral("5xx,429"), nullptr);
    return rule;
}

RetryPolicy::RetryPolicy()
    : retryStatuses(defaultRetryStatuses())
{
}

int RetryPolicy::delayMs(int retry) const
{
    const double exponential = baseDelayMs * std::pow(2.0, std::max(0, retry - 1));
    const double capped = std::min<double>(exponential, maxDelayMs);
    // Jitter spreads retries from many Herald instances so they do not hit a recovering backend at once.
    const double spread = capped * jitter;
    const double offset = spread > 0 ? QRandomGenerator::global()->bounded(2.0 * spread) - spread : 0.0;
    return std::max(0, static_cast<int>(std::lround(capped + offset)));
}

} // namespace herald
