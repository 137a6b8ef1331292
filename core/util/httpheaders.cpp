#include "util/httpheaders.h"

namespace herald {

namespace {

bool sameName(const QByteArray &name, QByteArrayView wanted)
{
    return name.size() == wanted.size() && name.compare(wanted, Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray headerValue(const HttpHeaders &headers, QByteArrayView name)
{
    for (const HttpHeader &header : headers) {
        if (sameName(header.first, name))
            return header.second;
    }
    return {};
}

bool hasHeader(const HttpHeaders &headers, QByteArrayView name)
{
    for (const HttpHeader &header : headers) {
        if (sameName(header.first, name))
            return true;
    }
    return false;
}

void removeHeader(HttpHeaders &headers, QByteArrayView name)
{
    if (hasHeader(headers, name))
        headers.removeIf([&](const HttpHeader &header) { return sameName(header.first, name); });
}

bool isHttpToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    static const QByteArray extra("!#$%&'*+-.^_`|~");
    for (const char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !extra.contains(c))
            return false;
    }
    return true;
}

bool parseHeaderLine(const QByteArray &line, HttpHeader *header)
{
    const int colon = line.indexOf(':');
    if (colon <= 0)
        return false;
    const QByteArray name = line.left(colon).trimmed();
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (!isHttpToken(name) || value.contains('\r') || value.contains('\n'))
        return false;
    *header = {name, value};
    return true;
}

} // namespace herald
