#include "serve/bearertoken.h"

namespace herald {

bool BearerToken::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Compare every byte of the longer input whatever the lengths; differences accumulate.
    const qsizetype length = qMax(a.size(), b.size());
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < length; ++i) {
        const unsigned char left = i < a.size() ? static_cast<unsigned char>(a.at(i)) : 0;
        const unsigned char right = i < b.size() ? static_cast<unsigned char>(b.at(i)) : 0;
        difference |= left ^ right;
    }
    return difference == 0;
}

bool BearerToken::matches(const HttpHeaders &headers, const QByteArray &expected)
{
    if (expected.isEmpty())
        return false;
    const QByteArray value = headerValue(headers, "Authorization").trimmed();
    if (value.size() < 7 || qstrnicmp(value.constData(), "Bearer ", 7) != 0)
        return false;
    return constantTimeEquals(value.mid(7).trimmed(), expected);
}

} // namespace herald
