#include "policy/headerpolicy.h"

#include "targets/targetform.h"

namespace herald {

QByteArrayList HeaderPolicy::defaultSensitiveHeaders()
{
    // Credentials meant for Herald itself must not travel on to every backend.
    return {"Proxy-Authorization", "Cookie"};
}

bool HeaderPolicy::isHopByHop(const QByteArray &name)
{
    static const QByteArrayList hopByHop = {"Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade"};
    if (name.size() >= 6 && qstrnicmp(name.constData(), "Proxy-", 6) == 0)
        return true;
    for (const QByteArray &hop : hopByHop) {
        if (name.compare(hop, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray HeaderPolicy::framingAlias(const QByteArray &name)
{
    if (!name.contains('_'))
        return {};
    QByteArray dashed = name;
    dashed.replace('_', '-');
    if (isHopByHop(dashed) || dashed.compare("Content-Length", Qt::CaseInsensitive) == 0
        || dashed.compare("Host", Qt::CaseInsensitive) == 0 || dashed.compare("Expect", Qt::CaseInsensitive) == 0)
        return dashed;
    return {};
}

QString HeaderPolicy::refusalFor(const HttpHeaders &headers) const
{
    for (const HttpHeader &header : headers) {
        const QByteArray &name = header.first;
        if (!name.contains('_'))
            continue;
        const QByteArray dashed = framingAlias(name);
        if (!dashed.isEmpty())
            return QStringLiteral("header '%1' would read as %2 on a backend that maps '_' to '-'")
                .arg(QString::fromLatin1(name), QString::fromLatin1(dashed));
        if (underscoreHeaders == UnderscoreHeaders::Refuse)
            return QStringLiteral("header '%1' has an underscore in its name (refused here)").arg(QString::fromLatin1(name));
    }
    return {};
}

bool HeaderPolicy::dropsUnderscoreName(const QByteArray &name) const
{
    // A framing alias is never forwarded, even by a face that did not refuse the request.
    return name.contains('_') && (underscoreHeaders != UnderscoreHeaders::Pass || !framingAlias(name).isEmpty());
}

bool HeaderPolicy::parseUnderscoreHeaders(const QString &text, UnderscoreHeaders *mode)
{
    for (const auto candidate : {UnderscoreHeaders::Drop, UnderscoreHeaders::Refuse, UnderscoreHeaders::Pass}) {
        if (text == underscoreHeadersName(candidate)) {
            *mode = candidate;
            return true;
        }
    }
    return false;
}

QString HeaderPolicy::underscoreHeadersName(UnderscoreHeaders mode)
{
    switch (mode) {
    case UnderscoreHeaders::Drop:
        return QStringLiteral("drop");
    case UnderscoreHeaders::Refuse:
        return QStringLiteral("refuse");
    case UnderscoreHeaders::Pass:
        break;
    }
    return QStringLiteral("pass");
}

QByteArray HeaderPolicy::viaToken() const
{
    return "herald-" + instanceId;
}

bool HeaderPolicy::isLoop(const BroadcastRequest &request) const
{
    QByteArray token; // made only when a Via header is there to compare with
    for (const HttpHeader &header : request.headers) {
        if (header.first.compare("Via", Qt::CaseInsensitive) != 0)
            continue;
        if (token.isEmpty())
            token = viaToken();
        for (const QByteArray &hop : header.second.split(',')) {
            const QByteArrayList parts = hop.trimmed().split(' ');
            if (parts.size() >= 2 && parts.at(1) == token)
                return true;
        }
    }
    return false;
}

HttpHeaders HeaderPolicy::outgoingHeaders(const BroadcastRequest &request, const Target &target) const
{
    bool targetHost = false;
    HttpHeaders out = commonHeaders(request, &targetHost);
    if (targetHost)
        out.prepend({"Host", TargetForm::hostHeaderOf(target.baseUrl)});
    return out;
}

HttpHeaders HeaderPolicy::commonHeaders(const BroadcastRequest &request, bool *targetHost) const
{
    // Headers named in Connection are hop-by-hop for this hop too (RFC 9110 7.6.1).
    QByteArrayList connectionNamed;
    for (const HttpHeader &header : request.headers) {
        if (header.first.compare("Connection", Qt::CaseInsensitive) == 0) {
            for (const QByteArray &name : header.second.split(','))
                connectionNamed.append(name.trimmed());
        }
    }
    const auto listed = [](const QByteArrayList &list, const QByteArray &name) {
        for (const QByteArray &entry : list) {
            if (entry.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    };

    HttpHeaders out;
    out.reserve(request.headers.size() + 3);
    QByteArray via;
    QByteArray forwardedFor;
    bool hasForwardedProto = false;
    for (const HttpHeader &header : request.headers) {
        const QByteArray &name = header.first;
        if (isHopByHop(name) || listed(connectionNamed, name) || listed(sensitiveHeaders, name) || dropsUnderscoreName(name))
            continue;
        // The transport frames the body itself; a stale length or an Expect would break it.
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0 || name.compare("Expect", Qt::CaseInsensitive) == 0)
            continue;
        if (name.compare("Host", Qt::CaseInsensitive) == 0) {
            if (hostMode == HostMode::TargetHost)
                continue;
        } else if (name.compare("Via", Qt::CaseInsensitive) == 0) {
            via = via.isEmpty() ? header.second : via + ", " + header.second;
            continue;
        } else if (name.compare("X-Forwarded-For", Qt::CaseInsensitive) == 0) {
            forwardedFor = forwardedFor.isEmpty() ? header.second : forwardedFor + ", " + header.second;
            continue;
        } else if (name.compare("X-Forwarded-Proto", Qt::CaseInsensitive) == 0) {
            hasForwardedProto = true;
        }
        out.append(header);
    }
    *targetHost = hostMode == HostMode::TargetHost || !hasHeader(out, "Host");
    if (!request.clientAddress.isEmpty()) {
        const QByteArray client = request.clientAddress.toLatin1();
        out.append({"X-Forwarded-For", forwardedFor.isEmpty() ? client : forwardedFor + ", " + client});
        if (!hasForwardedProto)
            out.append({"X-Forwarded-Proto", request.clientScheme});
    } else if (!forwardedFor.isEmpty()) {
        out.append({"X-Forwarded-For", forwardedFor});
    }
    const QByteArray hop = "1.1 " + viaToken();
    out.append({"Via", via.isEmpty() ? hop : via + ", " + hop});
    return out;
}

bool HeaderPolicy::parseHostMode(const QString &text, HostMode *mode)
{
    if (text == QLatin1String("preserve"))
        *mode = HostMode::Preserve;
    else if (text == QLatin1String("target"))
        *mode = HostMode::TargetHost;
    else
        return false;
    return true;
}

QString HeaderPolicy::hostModeName(HostMode mode)
{
    return mode == HostMode::Preserve ? QStringLiteral("preserve") : QStringLiteral("target");
}

} // namespace herald
