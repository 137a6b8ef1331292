#include "relay/relayentry.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace herald {

QList<QByteArray> RelayEntry::toFields() const
{
    QJsonArray headers;
    for (const HttpHeader &header : request.headers)
        headers.append(QJsonArray{QString::fromLatin1(header.first), QString::fromLatin1(header.second)});
    return {"method",  request.method,
            "path",    request.pathAndQuery,
            "headers", QJsonDocument(headers).toJson(QJsonDocument::Compact),
            "body",    request.body, // Redis strings are binary safe: no encoding needed
            "origin",  origin,
            "time",    QByteArray::number(timeMs),
            "client",  request.clientAddress.toLatin1()};
}

bool RelayEntry::fromFields(const QByteArray &id, const QList<QByteArray> &fields, RelayEntry *entry)
{
    RelayEntry result;
    result.id = id;
    bool hasMethod = false;
    bool hasPath = false;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
        const QByteArray &name = fields.at(i);
        const QByteArray &value = fields.at(i + 1);
        if (name == "method") {
            result.request.method = value;
            hasMethod = true;
        } else if (name == "path") {
            result.request.pathAndQuery = value;
            hasPath = true;
        } else if (name == "headers") {
            const QJsonArray headers = QJsonDocument::fromJson(value).array();
            for (const QJsonValue &header : headers) {
                const QJsonArray pair = header.toArray();
                result.request.headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
            }
        } else if (name == "body") {
            result.request.body = value;
        } else if (name == "origin") {
            result.origin = value;
        } else if (name == "time") {
            result.timeMs = value.toLongLong();
        } else if (name == "client") {
            result.request.clientAddress = QString::fromLatin1(value);
        }
    }
    if (!hasMethod || !hasPath || !result.request.validate().isEmpty())
        return false;
    *entry = result;
    return true;
}

} // namespace herald
