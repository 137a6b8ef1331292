#include "broadcast/broadcastjson.h"

#include <QJsonArray>

#include <algorithm>
#include <cstdio>

namespace herald {

namespace {

bool needsEscape(QByteArrayView utf8)
{
    for (const char c : utf8) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
            return true;
    }
    return false;
}

void appendUtf8(QByteArray &out, QByteArrayView utf8)
{
    out += '"';
    // Most strings (URLs, outcome names, digests) have nothing to escape: one append, not one per byte.
    if (!needsEscape(utf8)) {
        out += utf8;
        out += '"';
        return;
    }
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
                out += escaped;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendString(QByteArray &out, const QString &text)
{
    appendUtf8(out, text.toUtf8());
}

// Keys are written in QJsonObject's (sorted) order, so both forms are byte for byte the same.
void appendKey(QByteArray &out, const char *key, bool first = false)
{
    if (!first)
        out += ',';
    out += '"';
    out += key;
    out += "\":";
}

// {"bodySha256", "bodySha256Before", "headers", "status"}: the keys in QJsonObject's order.
// {"Name":"value",...} sorted by name, as QJsonObject orders keys, so both writers give the same bytes.
void appendHeaderObject(QByteArray &out, const QList<HttpHeader> &list)
{
    QList<QPair<QString, QString>> headers;
    for (const HttpHeader &header : list)
        headers.append({QString::fromLatin1(header.first), QString::fromUtf8(header.second)});
    std::sort(headers.begin(), headers.end());
    out += '{';
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (i > 0)
            out += ',';
        appendString(out, headers.at(i).first);
        out += ':';
        appendString(out, headers.at(i).second);
    }
    out += '}';
}

void appendEvidence(QByteArray &out, const VerifyResult &verify)
{
    out += '{';
    bool first = true;
    if (!verify.bodySha256.isEmpty()) {
        appendKey(out, "bodySha256", first);
        appendString(out, QString::fromLatin1(verify.bodySha256));
        first = false;
    }
    if (!verify.bodySha256Before.isEmpty()) {
        appendKey(out, "bodySha256Before", first);
        appendString(out, QString::fromLatin1(verify.bodySha256Before));
        first = false;
    }
    appendKey(out, "headers", first);
    appendHeaderObject(out, verify.headers);
    appendKey(out, "status");
    out += QByteArray::number(verify.status);
    out += '}';
}

void appendVerification(QByteArray &out, const VerifyResult &verify)
{
    appendKey(out, "verified");
    out += verify.verified ? "true" : "false";
    if (!verify.verified && !verify.error.isEmpty()) {
        appendKey(out, "verifyError");
        appendString(out, verify.error);
    }
    if (verify.status > 0) {
        appendKey(out, "verifyEvidence");
        appendEvidence(out, verify);
    }
}

void appendTarget(QByteArray &out, const TargetResult &result, const QByteArray &url)
{
    out += '{';
    bool first = true;
    if (result.attempts.size() > 1) {
        appendKey(out, "attemptLog", true);
        first = false;
        out += '[';
        for (qsizetype i = 0; i < result.attempts.size(); ++i) {
            const AttemptRecord &attempt = result.attempts.at(i);
            out += i == 0 ? "{" : ",{";
            bool firstField = true;
            if (!attempt.error.isEmpty()) {
                appendKey(out, "error", true);
                appendString(out, attempt.error);
                firstField = false;
            }
            appendKey(out, "latencyMs", firstField);
            out += QByteArray::number(attempt.latencyMs);
            appendKey(out, "startedMs");
            out += QByteArray::number(attempt.startedMs);
            if (attempt.status > 0) {
                appendKey(out, "status");
                out += QByteArray::number(attempt.status);
            }
            out += '}';
        }
        out += ']';
    }
    appendKey(out, "attempts", first);
    out += QByteArray::number(result.attempts.size());
    if (!result.error.isEmpty()) {
        appendKey(out, "error");
        appendString(out, result.error);
    }
    appendKey(out, "latencyMs");
    out += QByteArray::number(result.latencyMs);
    appendKey(out, "outcome");
    appendString(out, targetOutcomeName(result.outcome));
    appendKey(out, "state");
    appendString(out, targetStateName(result.state));
    if (result.status > 0) {
        appendKey(out, "status");
        out += QByteArray::number(result.status);
    }
    appendKey(out, "target");
    appendUtf8(out, url);
    if (result.verify.asked)
        appendVerification(out, result.verify);
    out += '}';
}

void appendGroups(QByteArray &out, const ResponseComparison &comparison, const QByteArrayList &urls)
{
    out += '[';
    bool firstGroup = true;
    for (const ResponseComparison::Group &group : comparison.groups()) {
        out += firstGroup ? "{" : ",{";
        firstGroup = false;
        if (group.status > 0) {
            appendKey(out, "bodyBytes", true);
            out += QByteArray::number(group.bodyBytes);
            appendKey(out, "bodySha256");
            appendString(out, QString::fromLatin1(group.bodySha256));
            appendKey(out, "headers");
            appendHeaderObject(out, group.headers);
            appendKey(out, "status");
            out += QByteArray::number(group.status);
        } else {
            appendKey(out, "outcome", true);
            appendString(out, targetOutcomeName(group.outcome));
        }
        appendKey(out, "targets");
        out += '[';
        for (qsizetype i = 0; i < group.members.size(); ++i) {
            if (i > 0)
                out += ',';
            appendUtf8(out, urls.at(group.members.at(i)));
        }
        out += "]}";
    }
    out += ']';
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
    // Each target's URL once, from its form when the caller has them (a broadcast does).
    QByteArrayList urls;
    urls.reserve(results.size());
    for (qsizetype i = 0; i < results.size(); ++i)
        urls.append(forms ? forms->at(i).urlText() : results.at(i).target.baseUrl.toString().toUtf8());
    QByteArray out;
    out.reserve(160 + 160 * results.size());
    out += '{';
    if (comparison) {
        appendKey(out, "disagree", true);
        out += comparison->disagree() ? "true" : "false";
        appendKey(out, "groups");
        appendGroups(out, *comparison, urls);
    }
    appendKey(out, "ok", comparison == nullptr);
    out += summary.policyMet ? "true" : "false";
    appendKey(out, "policy");
    appendString(out, summary.policy.toString());
    if (!summary.reason.isEmpty()) {
        appendKey(out, "reason");
        appendString(out, summary.reason);
    }
    appendKey(out, "summary");
    appendKey(out.append('{'), "durationMs", true);
    out += QByteArray::number(summary.durationMs);
    appendKey(out, "failed");
    out += QByteArray::number(summary.failed);
    appendKey(out, "pending");
    out += QByteArray::number(summary.pending);
    appendKey(out, "succeeded");
    out += QByteArray::number(summary.succeeded);
    appendKey(out, "total");
    out += QByteArray::number(summary.total);
    out += '}';
    appendKey(out, "targets");
    out += '[';
    for (qsizetype i = 0; i < results.size(); ++i) {
        if (i > 0)
            out += ',';
        appendTarget(out, results.at(i), urls.at(i));
    }
    out += ']';
    if (summary.verifyAsked) {
        appendKey(out, "verified");
        out += summary.allVerified() ? "true" : "false";
    }
    out += '}';
    return out;
}

} // namespace herald
