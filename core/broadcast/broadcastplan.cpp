#include "broadcast/broadcastplan.h"

namespace herald {

namespace {

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

} // namespace

bool BroadcastPlan::make(const PlanInput &input, BroadcastPlan *plan, QString *error)
{
    BroadcastPlan result;
    if (!makeRequest(input, &result.request, error))
        return false;
    result.options = makeOptions(input);
    if (!chooseSource(input, &result, error))
        return false;
    if (!input.literal)
        result.profileName = input.profile.name;
    *plan = result;
    return true;
}

bool BroadcastPlan::makeRequest(const PlanInput &input, BroadcastRequest *request, QString *error)
{
    Profile filled = input.profile;
    if (!input.literal && !input.profile.fill(input.values, &filled, error))
        return false;
    request->method = filled.method;
    request->pathAndQuery = filled.path.toUtf8();
    request->headers = filled.headers;
    request->body = input.body.value_or(filled.body);
    for (const HttpHeader &header : input.headers) {
        removeHeader(request->headers, header.first);
        request->headers.append(header);
    }
    // Some backends refuse a body without a type; the same default whichever face sends it.
    if (!request->body.isEmpty() && !hasHeader(request->headers, "Content-Type"))
        request->headers.append(HttpHeader{"Content-Type", "application/octet-stream"});
    const QString invalid = request->validate();
    if (!invalid.isEmpty())
        return fail(error, invalid);
    return true;
}

BroadcastOptions BroadcastPlan::makeOptions(const PlanInput &input)
{
    const Profile &profile = input.profile;
    BroadcastOptions options = input.defaults;
    // Profile texts were validated when the profile was read, so they parse here.
    if (profile.retries >= 0)
        options.retry.maxRetries = profile.retries;
    if (profile.timeoutMs >= 0)
        options.attemptTimeoutMs = profile.timeoutMs;
    if (!profile.policy.isEmpty())
        options.policy = OutcomePolicy::parse(profile.policy, nullptr);
    if (!profile.retryOn.isEmpty())
        options.retry.retryStatuses = StatusRule::parse(profile.retryOn, nullptr);
    if (!profile.verify.isEmpty())
        options.verify = VerifyRule::parse(profile.verify, nullptr);
    options.retry.maxRetries = input.retries.value_or(options.retry.maxRetries);
    options.attemptTimeoutMs = input.timeoutMs.value_or(options.attemptTimeoutMs);
    options.deadlineMs = input.deadlineMs.value_or(options.deadlineMs);
    options.policy = input.policy.value_or(options.policy);
    options.retry.retryStatuses = input.retryOn.value_or(options.retry.retryStatuses);
    options.verify = input.verify.value_or(options.verify);
    const bool answersEarly = options.policy.kind == OutcomePolicy::Kind::Async
                              || options.policy.kind == OutcomePolicy::Kind::First;
    if (input.reportEveryTarget && answersEarly)
        options.policy = OutcomePolicy{};
    return options;
}

// Explicit targets win over the profile's, the profile's over the face's default.
bool BroadcastPlan::chooseSource(const PlanInput &input, BroadcastPlan *plan, QString *error)
{
    const Profile &profile = input.profile;
    const bool profileTargets = profile.hasTargets
                                && (!input.staticProfileTargetsOnly || profile.targets.kind == TargetSourceSpec::Kind::Static);
    if (input.targets) {
        plan->source = *input.targets;
    } else if (profileTargets) {
        plan->source = profile.targets;
    } else if (!input.defaultTargetsError.isEmpty()) {
        return fail(error, input.defaultTargetsError);
    } else if (input.defaultTargets) {
        plan->source = *input.defaultTargets;
    } else if (input.runningTargets) {
        plan->hasSource = false;
        return true;
    } else {
        return fail(error, input.noTargetsHint.isEmpty() ? QStringLiteral("no targets")
                                                         : QStringLiteral("no targets: %1").arg(input.noTargetsHint));
    }
    plan->hasSource = true;
    if (input.nameserver)
        plan->source.nameserver = *input.nameserver;
    if (input.scheme)
        plan->source.scheme = *input.scheme;
    plan->source.refreshIntervalMs = 0; // one broadcast, one resolution
    return true;
}

} // namespace herald
