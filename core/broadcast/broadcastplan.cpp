#include "broadcast/broadcastplan.h"

#include <QSet>

#include <algorithm>

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

// Explicit targets and groups (send's flags) win over the profile's, the profile's over the
// face's default. Within one of those, listed targets and every named group make one union.
bool BroadcastPlan::chooseSource(const PlanInput &input, BroadcastPlan *plan, QString *error)
{
    const Profile &profile = input.profile;
    QList<TargetSourceSpec> specs;
    QStringList groups;
    if (input.targets || !input.groups.isEmpty()) {
        if (input.targets)
            specs.append(*input.targets);
        groups = input.groups;
    } else {
        if (profile.hasTargets && (!input.staticProfileTargetsOnly || profile.targets.kind == TargetSourceSpec::Kind::Static))
            specs.append(profile.targets);
        groups = profile.groups;
    }
    if (!addGroups(input, groups, &specs, error))
        return false;
    if (!specs.isEmpty()) {
        mergeSources(specs, plan);
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
    plan->groups = groups;
    QList<TargetSourceSpec *> all{&plan->source};
    for (TargetSourceSpec &more : plan->moreSources)
        all.append(&more);
    for (TargetSourceSpec *spec : all) {
        if (input.nameserver)
            spec->nameserver = *input.nameserver;
        if (input.scheme)
            spec->scheme = *input.scheme;
        spec->refreshIntervalMs = 0; // one broadcast, one resolution
    }
    return true;
}

bool BroadcastPlan::addGroups(const PlanInput &input, const QStringList &names, QList<TargetSourceSpec> *specs, QString *error)
{
    for (const QString &name : names) {
        TargetGroup group;
        QString problem;
        if (!input.groupStore.load(name, &group, &problem))
            return fail(error, QStringLiteral("group \"%1\": %2").arg(name, problem));
        // The admin API sends to static lists only and has no resolver of its own for a group.
        if (input.staticProfileTargetsOnly && group.targets.kind != TargetSourceSpec::Kind::Static)
            return fail(error, QStringLiteral("group \"%1\": %2 is resolved by DNS or SRV; the admin API runs static "
                                              "groups only (its own targets are used when a profile names none)")
                                   .arg(name, group.targets.describe()));
        specs->append(group.targets);
    }
    return true;
}

// Static lists become one list, first seen first, each target once; DNS and SRV sources follow,
// each once. Targets they resolve to that a list holds too are dropped by UnionTargetSource.
void BroadcastPlan::mergeSources(const QList<TargetSourceSpec> &specs, BroadcastPlan *plan)
{
    if (specs.size() == 1) {
        plan->source = specs.first(); // one source is sent as it was given
        return;
    }
    TargetSourceSpec merged;
    bool anyStatic = false;
    QSet<QString> seen;
    QList<TargetSourceSpec> resolving;
    for (const TargetSourceSpec &spec : specs) {
        if (spec.kind != TargetSourceSpec::Kind::Static) {
            const bool known = std::any_of(resolving.cbegin(), resolving.cend(),
                                           [&spec](const TargetSourceSpec &other) { return other.toJson() == spec.toJson(); });
            if (!known)
                resolving.append(spec);
            continue;
        }
        if (!anyStatic) {
            merged = spec; // the first list's own settings; its targets are added below
            merged.targets.clear();
            anyStatic = true;
        }
        for (const Target &target : spec.targets) {
            if (!seen.contains(target.key())) {
                seen.insert(target.key());
                merged.targets.append(target);
            }
        }
    }
    if (anyStatic)
        resolving.prepend(merged);
    plan->source = resolving.takeFirst();
    plan->moreSources = resolving;
}

TargetSource *BroadcastPlan::createSource(QObject *parent) const
{
    return TargetSource::create(QList<TargetSourceSpec>{source} + moreSources, parent);
}

} // namespace herald
