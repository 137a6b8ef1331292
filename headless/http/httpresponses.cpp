#include "http/httpresponses.h"

#include <QJsonDocument>

namespace herald {

HttpServerResponse HttpResponses::text(int status, const QString &text)
{
    HttpServerResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    response.body = text.toUtf8() + '\n';
    return response;
}

HttpServerResponse HttpResponses::json(int status, const QJsonObject &body)
{
    return json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpServerResponse HttpResponses::json(int status, QByteArray compactJson)
{
    HttpServerResponse response;
    response.status = status;
    response.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
    compactJson += '\n';
    response.body = std::move(compactJson);
    return response;
}

HttpServerResponse HttpResponses::withHeader(HttpServerResponse response, const QByteArray &name, const QByteArray &value)
{
    response.headers.append(HttpHeader{name, value});
    return response;
}

} // namespace herald
