#include "broadcast/broadcastjson.h"

#include "broadcast/compactjsonwriter.h"

#include <QJsonArray>

#include <algorithm>

namespace herald {

namespace {

// Keys are written in QJsonObject's (sorted) order, so both forms are byte for byte the same; a
// run of keys and punctuation between two values is one literal.

// {"Name":"value",...} sorted by name, as QJsonObject orders keys, so both writers give the same bytes.
void writeHeaderObject(CompactJsonWriter &out, const QList<HttpHeader> &list)
{
    QList<QPair<QString, QString>> headers;
    headers.reserve(list.size());
    for (const HttpHeader &header : list)
        headers.append({QString::fromLatin1(header.first), QString::fromUtf8(header.second)});
    std::sort(headers.begin(), headers.end());
    out.raw('{');
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (i > 0)
            out.raw(',');
        out.string(headers.at(i).first);
        out.raw(':');
        out.string(headers.at(i).second);
    }
    out.raw('}');
}

// {"bodySha256", "bodySha256Before", "headers", "status"}: the keys in QJsonObject's order.
void writeEvidence(CompactJsonWriter &out, const VerifyResult &verify)
{
    out.raw('{');
    if (!verify.bodySha256.isEmpty()) {
        out.literal("\"bodySha256\":");
        out.string(QByteArrayView(verify.bodySha256));
        out.raw(',');
    }
    if (!verify.bodySha256Before.isEmpty()) {
        out.literal("\"bodySha256Before\":");
        out.string(QByteArrayView(verify.bodySha256Before));
        out.raw(',');
    }
    out.literal("\"headers\":");
    writeHeaderObject(out, verify.headers);
    out.literal(",\"status\":");
    out.number(verify.status);
    out.raw('}');
}

void writeVerification(CompactJsonWriter &out, const VerifyResult &verify)
{
    out.literal(",\"verified\":");
    out.boolean(verify.verified);
    if (!verify.verified && !verify.error.isEmpty()) {
        out.literal(",\"verifyError\":");
        out.string(verify.error);
    }
    if (verify.status > 0) {
        out.literal(",\"verifyEvidence\":");
        writeEvidence(out, verify);
    }
}

void writeAttemptLog(CompactJsonWriter &out, const QList<AttemptRecord> &attempts)
{
    out.literal("\"attemptLog\":[");
    for (qsizetype i = 0; i < attempts.size(); ++i) {
        const AttemptRecord &attempt = attempts.at(i);
        if (i > 0)
            out.raw(',');
        if (!attempt.error.isEmpty()) {
            out.literal("{\"error\":");
            out.string(attempt.error);
            out.literal(",\"latencyMs\":");
        } else {
            out.literal("{\"latencyMs\":");
        }
        out.number(attempt.latencyMs);
        out.literal(",\"startedMs\":");
        out.number(attempt.startedMs);
        if (attempt.status > 0) {
            out.literal(",\"status\":");
            out.number(attempt.status);
        }
        out.raw('}');
    }
    out.literal("],");
}

void writeTarget(CompactJsonWriter &out, const TargetResult &result, QByteArrayView url)
{
    out.raw('{');
    if (result.attempts.size() > 1)
        writeAttemptLog(out, result.attempts);
    out.literal("\"attempts\":");
    out.number(result.attempts.size());
    if (!result.error.isEmpty()) {
        out.literal(",\"error\":");
        out.string(result.error);
    }
    out.literal(",\"latencyMs\":");
    out.number(result.latencyMs);
    out.literal(",\"outcome\":");
    out.string(targetOutcomeName(result.outcome));
    out.literal(",\"state\":");
    out.string(targetStateName(result.state));
    if (result.status > 0) {
        out.literal(",\"status\":");
        out.number(result.status);
    }
    out.literal(",\"target\":");
    out.string(url);
    if (result.verify.asked)
        writeVerification(out, result.verify);
    out.raw('}');
}

void writeGroups(CompactJsonWriter &out, const ResponseComparison &comparison, const std::function<QByteArrayView(qsizetype)> &urlAt)
{
    out.raw('[');
    bool firstGroup = true;
    for (const ResponseComparison::Group &group : comparison.groups()) {
        if (!firstGroup)
            out.raw(',');
        firstGroup = false;
        if (group.status > 0) {
            out.literal("{\"bodyBytes\":");
            out.number(group.bodyBytes);
            out.literal(",\"bodySha256\":");
            out.string(QByteArrayView(group.bodySha256));
            out.literal(",\"headers\":");
            writeHeaderObject(out, group.headers);
            out.literal(",\"status\":");
            out.number(group.status);
        } else {
            out.literal("{\"outcome\":");
            out.string(targetOutcomeName(group.outcome));
        }
        out.literal(",\"targets\":[");
        for (qsizetype i = 0; i < group.members.size(); ++i) {
            if (i > 0)
                out.raw(',');
            out.string(urlAt(group.members.at(i)));
        }
        out.literal("]}");
    }
    out.raw(']');
}

// Room for the whole document, so it is written without growing: every variable part's length
// plus a generous bound for the fixed keys around it (a target without retries or a check writes
// about 110 bytes besides its URL and error).
qsizetype estimateSize(const BroadcastSummary &summary, qsizetype count, const TargetResultAt &resultAt,
                       const ResponseComparison *comparison, const std::function<QByteArrayView(qsizetype)> &urlAt)
{
    qsizetype size = 200 + summary.reason.size();
    for (qsizetype i = 0; i < count; ++i) {
        const TargetResult &result = resultAt(i);
        size += 128 + urlAt(i).size() + result.error.size();
        if (result.attempts.size() > 1) {
            for (const AttemptRecord &attempt : result.attempts)
                size += 80 + attempt.error.size();
        }
        if (result.verify.asked)
            size += 256 + result.verify.error.size() + 32 * result.verify.headers.size();
    }
    if (comparison) {
        for (const ResponseComparison::Group &group : comparison->groups()) {
            size += 160 + 64 * group.headers.size();
            for (const int member : group.members)
                size += 4 + urlAt(member).size();
        }
    }
    return size;
}

} // namespace

QJsonObject BroadcastJson::targetToJson(const TargetResult &result, bool withAttempts)
{
    QJsonObject json;
    json.insert(QLatin1String("target"), result.target.baseUrl.toString());
    json.insert(QLatin1String("outcome"), targetOutcomeName(result.outcome));
    json.insert(QLatin1String("state"), targetStateName(result.state));
    if (result.status > 0)
        json.insert(QLatin1String("status"), result.status);
    json.insert(QLatin1String("latencyMs"), result.latencyMs);
    json.insert(QLatin1String("attempts"), result.attempts.size());
    if (!result.error.isEmpty())
        json.insert(QLatin1String("error"), result.error);
    if (withAttempts && result.attempts.size() > 1) {
        QJsonArray attempts;
        for (const AttemptRecord &attempt : result.attempts) {
            QJsonObject entry{{QLatin1String("startedMs"), attempt.startedMs}, {QLatin1String("latencyMs"), attempt.latencyMs}};
            if (attempt.status > 0)
                entry.insert(QLatin1String("status"), attempt.status);
            if (!attempt.error.isEmpty())
                entry.insert(QLatin1String("error"), attempt.error);
            attempts.append(entry);
        }
        json.insert(QLatin1String("attemptLog"), attempts);
    }
    const VerifyResult &verify = result.verify;
    if (verify.asked) {
        json.insert(QLatin1String("verified"), verify.verified);
        if (!verify.verified && !verify.error.isEmpty())
            json.insert(QLatin1String("verifyError"), verify.error);
        if (verify.status > 0) {
            QJsonObject headers;
            for (const HttpHeader &header : verify.headers)
                headers.insert(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
            QJsonObject evidence{{QLatin1String("status"), verify.status}, {QLatin1String("headers"), headers}};
            if (!verify.bodySha256.isEmpty())
                evidence.insert(QLatin1String("bodySha256"), QString::fromLatin1(verify.bodySha256));
            if (!verify.bodySha256Before.isEmpty())
                evidence.insert(QLatin1String("bodySha256Before"), QString::fromLatin1(verify.bodySha256Before));
            json.insert(QLatin1String("verifyEvidence"), evidence);
        }
    }
    return json;
}

QJsonObject BroadcastJson::toJson(const BroadcastSummary &summary, const QList<TargetResult> &results,
                                  const ResponseComparison *comparison)
{
    QJsonArray targets;
    for (const TargetResult &result : results)
        targets.append(targetToJson(result));
    QJsonObject counts{{QLatin1String("total"), summary.total},
                       {QLatin1String("succeeded"), summary.succeeded},
                       {QLatin1String("failed"), summary.failed},
                       {QLatin1String("pending"), summary.pending},
                       {QLatin1String("durationMs"), summary.durationMs}};
    QJsonObject json{{QLatin1String("ok"), summary.policyMet},
                     {QLatin1String("policy"), summary.policy.toString()},
                     {QLatin1String("summary"), counts},
                     {QLatin1String("targets"), targets}};
    if (!summary.reason.isEmpty())
        json.insert(QLatin1String("reason"), summary.reason);
    if (comparison) {
        json.insert(QLatin1String("disagree"), comparison->disagree());
        json.insert(QLatin1String("groups"), comparison->toJson(results));
    }
    if (summary.verifyAsked)
        json.insert(QLatin1String("verified"), summary.allVerified());
    return json;
}

QByteArray BroadcastJson::toCompactJson(const BroadcastSummary &summary, const QList<TargetResult> &results,
                                        const ResponseComparison *comparison, const std::vector<TargetForm> *forms)
{
    return toCompactJson(
        summary, results.size(), [&results](qsizetype i) -> const TargetResult & { return results.at(i); }, comparison, forms);
}

QByteArray BroadcastJson::toCompactJson(const BroadcastSummary &summary, qsizetype count, const TargetResultAt &resultAt,
                                        const ResponseComparison *comparison, const std::vector<TargetForm> *forms)
{
    // Each target's URL from its form when the caller has them (a broadcast does); without, once.
    QByteArrayList written;
    if (!forms) {
        written.reserve(count);
        for (qsizetype i = 0; i < count; ++i)
            written.append(resultAt(i).target.baseUrl.toString().toUtf8());
    }
    const std::function<QByteArrayView(qsizetype)> urlAt = [forms, &written](qsizetype i) {
        return forms ? QByteArrayView(forms->at(size_t(i)).urlText()) : QByteArrayView(written.at(i));
    };
    CompactJsonWriter out(estimateSize(summary, count, resultAt, comparison, urlAt));
    if (comparison) {
        out.literal("{\"disagree\":");
        out.boolean(comparison->disagree());
        out.literal(",\"groups\":");
        writeGroups(out, *comparison, urlAt);
        out.literal(",\"ok\":");
    } else {
        out.literal("{\"ok\":");
    }
    out.boolean(summary.policyMet);
    out.literal(",\"policy\":");
    out.string(summary.policy.toString());
    if (!summary.reason.isEmpty()) {
        out.literal(",\"reason\":");
        out.string(summary.reason);
    }
    out.literal(",\"summary\":{\"durationMs\":");
    out.number(summary.durationMs);
    out.literal(",\"failed\":");
    out.number(summary.failed);
    out.literal(",\"pending\":");
    out.number(summary.pending);
    out.literal(",\"succeeded\":");
    out.number(summary.succeeded);
    out.literal(",\"total\":");
    out.number(summary.total);
    out.literal("},\"targets\":[");
    for (qsizetype i = 0; i < count; ++i) {
        if (i > 0)
            out.raw(',');
        writeTarget(out, resultAt(i), urlAt(i));
    }
    out.raw(']');
    if (summary.verifyAsked) {
        out.literal(",\"verified\":");
        out.boolean(summary.allVerified());
    }
    out.raw('}');
    return out.take();
}

} // namespace herald
