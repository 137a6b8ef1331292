#include "broadcast/dryrun.h"

#include "broadcast/targetrequest.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace herald {

DryRun DryRun::plan(const BroadcastRequest &request, const QList<Target> &targets, const HeaderPolicy &policy,
                    const BroadcastOptions &options)
{
    DryRun run;
    const QByteArray hash = QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex();
    for (const Target &target : targets) {
        Entry entry;
        entry.target = target;
        entry.request = TargetRequest::make(request, target, policy, options);
        // Both transports frame a body with Content-Length (the policy drops the client's own).
        if (entry.request.sendBody)
            entry.request.headers.append({"Content-Length", QByteArray::number(entry.request.body.size())});
        entry.bodySha256 = hash;
        run.m_entries.append(entry);
    }
    return run;
}

bool DryRun::parseFlag(const QByteArray &value, bool *dryRun, QString *error)
{
    const QByteArray text = value.trimmed().toLower();
    if (text == "1" || text == "true" || text == "yes") {
        *dryRun = true;
    } else if (text.isEmpty() || text == "0" || text == "false" || text == "no") {
        *dryRun = false;
    } else {
        if (error)
            *error = QStringLiteral("%1: expected 1 or 0, not \"%2\"").arg(QLatin1String(header), QString::fromLatin1(value));
        return false;
    }
    return true;
}

QJsonObject DryRun::toJson() const
{
    QJsonArray targets;
    for (const Entry &entry : m_entries) {
        QJsonArray headers;
        for (const HttpHeader &header : entry.request.headers)
            headers.append(QJsonArray{QString::fromLatin1(header.first), QString::fromUtf8(header.second)});
        targets.append(QJsonObject{{QLatin1String("target"), entry.target.baseUrl.toString()},
                                   {QLatin1String("method"), QString::fromLatin1(entry.request.method)},
                                   {QLatin1String("url"), QString::fromUtf8(entry.request.url().toEncoded())},
                                   {QLatin1String("headers"), headers},
                                   {QLatin1String("bodyBytes"), entry.request.body.size()},
                                   {QLatin1String("bodySha256"), QString::fromLatin1(entry.bodySha256)}});
    }
    return {{QLatin1String("dryRun"), true}, {QLatin1String("targets"), targets}};
}

CurlCommand DryRun::curlFor(int index, bool verifyPeer) const
{
    const Entry &entry = m_entries.at(index);
    CurlCommand command;
    command.method = entry.request.method;
    command.url = entry.request.url().toEncoded();
    command.body = entry.request.body;
    command.hasBody = entry.request.sendBody;
    command.http2 = entry.request.http2;
    command.maxTimeMs = entry.request.timeoutMs;
    command.insecure = !verifyPeer;
    const TargetTls *tls = entry.request.tls.get();
    if (tls && entry.request.url().scheme() == QLatin1String("https")) {
        command.insecure = !tls->verifyPeer(verifyPeer);
        command.caFile = tls->caFile;
        command.certFile = tls->clientCertFile;
        command.keyFile = tls->clientKeyFile;
        if (!tls->serverName.isEmpty()) {
            command.url = tls->urlWithServerName(entry.request.url()).toEncoded();
            command.connectTo = tls->curlConnectTo(entry.request.url());
        }
    }
    // curl frames the body itself.
    for (const HttpHeader &header : entry.request.headers) {
        if (header.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
            command.headers.append(header);
    }
    return command;
}

} // namespace herald
