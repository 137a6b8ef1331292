#include "serve/broadcastanswer.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcastjson.h"
#include "http/httpresponses.h"
#include "policy/headerpolicy.h"

#include <QJsonArray>
#include <QJsonObject>

namespace herald {

HttpServerResponse BroadcastAnswer::decided(const Broadcast &broadcast, bool winner, qint64 winnerMaxBody)
{
    const BroadcastSummary summary = broadcast.summary();
    if (!winner) {
        // The results are read where the broadcast keeps them, not copied into a list first.
        return HttpResponses::json(summary.isSuccess() ? 200 : 502,
                                   BroadcastJson::toCompactJson(summary, broadcast.targetCount(), broadcast.resultAt(),
                                                                &broadcast.comparison(), &broadcast.targetForms()));
    }
    if (!summary.policyMet || broadcast.decidingIndex() < 0)
        return noWinner(broadcast, summary);
    const TargetResult &won = broadcast.result(broadcast.decidingIndex());
    if (won.responseBytes > winnerMaxBody || won.responseBytes > won.responseBody.size())
        return HttpResponses::withHeader(HttpResponses::text(502, QStringLiteral(
                                                                      "the winning answer from %1 has a %2-byte body, over HERALD_ANSWER_MAX_BODY "
                                                                      "(%3 bytes); it is not passed back cut short")
                                                                      .arg(won.target.baseUrl.toString())
                                                                      .arg(won.responseBytes)
                                                                      .arg(winnerMaxBody)),
                                         "X-Herald-Target", won.target.baseUrl.toEncoded());
    HttpServerResponse response;
    response.status = won.status;
    for (const HttpHeader &header : won.responseHeaders) {
        if (!HeaderPolicy::isHopByHop(header.first) && header.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
            response.headers.append(header);
    }
    response.headers.append({"X-Herald-Target", won.target.baseUrl.toEncoded()});
    response.body = won.responseBody;
    return response;
}

// The seed's "all backend requests failed", with what each target did instead.
HttpServerResponse BroadcastAnswer::noWinner(const Broadcast &broadcast, const BroadcastSummary &summary)
{
    QStringList outcomes;
    for (int i = 0; i < broadcast.targetCount(); ++i) {
        const TargetResult &result = broadcast.result(i);
        const QString what = !result.isDone()    ? QStringLiteral("pending")
                             : result.status > 0 ? QStringLiteral("HTTP %1").arg(result.status)
                                                 : targetOutcomeName(result.outcome);
        outcomes.append(QStringLiteral("%1: %2").arg(result.target.baseUrl.toString(), what));
    }
    // The summary's own reason is only written once every target is done, after the decision.
    const QString reason = summary.total == 0       ? QStringLiteral("no targets")
                           : summary.succeeded == 0 ? QStringLiteral("no target answered 2xx")
                                                    : QStringLiteral("policy %1 not met: %2 of %3 targets succeeded, it needs %4")
                                                          .arg(summary.policy.toString())
                                                          .arg(summary.succeeded)
                                                          .arg(summary.total)
                                                          .arg(summary.policy.required(summary.total));
    return HttpResponses::text(502, QStringLiteral("%1 (%2)").arg(reason, outcomes.join(QStringLiteral(", "))));
}

HttpServerResponse BroadcastAnswer::queued(const QString &id, const QByteArray &location, int targetCount)
{
    return HttpResponses::withHeader(HttpResponses::json(202, {{QLatin1String("accepted"), true},
                                                               {QLatin1String("id"), id},
                                                               {QLatin1String("targets"), targetCount}}),
                                     "Location", location);
}

HttpServerResponse BroadcastAnswer::published(const QByteArray &id, const QByteArray &location)
{
    return HttpResponses::withHeader(HttpResponses::json(202, {{QLatin1String("accepted"), true},
                                                               {QLatin1String("id"), QString::fromLatin1(id)}}),
                                     "Location", location);
}

HttpServerResponse BroadcastAnswer::notPublished(const QByteArray &error)
{
    return HttpResponses::withHeader(HttpResponses::text(503, QStringLiteral(
                                                                  "not accepted: the relay's Redis did not store the request (%1)")
                                                                  .arg(QString::fromUtf8(error))),
                                     "Retry-After", "1");
}

HttpServerResponse BroadcastAnswer::echo(const BroadcastRequest &request, bool full, bool header)
{
    HttpServerResponse response;
    if (full) {
        // As FanOut's: each header name to the list of its values.
        QJsonObject headers;
        for (const HttpHeader &h : request.headers) {
            const QString name = QString::fromLatin1(h.first);
            QJsonArray values = headers.value(name).toArray();
            values.append(QString::fromLatin1(h.second));
            headers.insert(name, values);
        }
        response = HttpResponses::json(200, {{QLatin1String("headers"), headers},
                                             {QLatin1String("body"), QString::fromUtf8(request.body)}});
    } else {
        response = HttpResponses::json(202, {{QLatin1String("status"), QLatin1String("echoed")}});
    }
    if (header)
        response.headers.append(HttpHeader("X-Echo-Mode", "active"));
    return response;
}

} // namespace herald
