#include "broadcast/broadcastrequest.h"

namespace herald {

QString BroadcastRequest::validate() const
{
    if (!isHttpToken(method))
        return QStringLiteral("method '%1' is not an HTTP token").arg(QString::fromLatin1(method));
    if (!pathAndQuery.startsWith('/'))
        return QStringLiteral("path '%1' must start with '/'").arg(QString::fromLatin1(pathAndQuery));
    for (const char c : pathAndQuery) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return QStringLiteral("path contains a space or control character");
    }
    for (const HttpHeader &header : headers) {
        if (!isHttpToken(header.first))
            return QStringLiteral("header name '%1' is not a token").arg(QString::fromLatin1(header.first));
        if (header.second.contains('\r') || header.second.contains('\n') || header.second.contains('\0'))
            return QStringLiteral("header '%1' has CR, LF or NUL in its value").arg(QString::fromLatin1(header.first));
    }
    return {};
}

} // namespace herald
