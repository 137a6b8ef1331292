#pragma once

#include "http/httpmessage.h"

#include <QJsonObject>
#include <QString>

namespace herald {

// The small answers every face builds by hand otherwise: plain text and JSON, each ending in a newline.
class HttpResponses
{
public:
    static HttpServerResponse text(int status, const QString &text);
    static HttpServerResponse json(int status, const QJsonObject &body);
    // The same answer from a document already written as compact JSON; taken by value so that a
    // document moved in gets its newline in place (BroadcastJson::toCompactJson leaves room for it).
    static HttpServerResponse json(int status, QByteArray compactJson);
    // `response` with one more header, for refusals that carry Retry-After or WWW-Authenticate.
    static HttpServerResponse withHeader(HttpServerResponse response, const QByteArray &name, const QByteArray &value);
};

} // namespace herald
