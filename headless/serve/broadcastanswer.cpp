#include "serve/broadcastanswer.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcastjson.h"
#include "http/httpresponses.h"
#include "policy/headerpolicy.h"

#include <QJsonArray>
#include <QJsonObject>

namespace herald {

HttpServerResponse BroadcastAnswer::decided(const Broadcast &broadcast)
{
    const BroadcastSummary summary = broadcast.summary();
    if (summary.policy.kind != OutcomePolicy::Kind::First || broadcast.decidingIndex() < 0) {
        const QList<TargetResult> results = broadcast.results();
        const ResponseComparison comparison = ResponseComparison::compare(results, broadcast.options().compareHeaders);
        return HttpResponses::json(summary.isSuccess() ? 200 : 502, BroadcastJson::toCompactJson(summary, results, &comparison));
    }
    const TargetResult &winner = broadcast.result(broadcast.decidingIndex());
    HttpServerResponse response;
    response.status = winner.status;
    for (const HttpHeader &header : winner.responseHeaders) {
        if (!HeaderPolicy::isHopByHop(header.first) && header.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
            response.headers.append(header);
    }
    response.headers.append({"X-Herald-Target", winner.target.baseUrl.toEncoded()});
    response.body = winner.responseBody;
    return response;
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
