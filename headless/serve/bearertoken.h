#pragma once

#include "util/httpheaders.h"

namespace herald {

// Checks "Authorization: Bearer <token>" in constant time, so response timing reveals
// nothing about how much of a guessed token was right.
class BearerToken
{
public:
    static bool matches(const HttpHeaders &headers, const QByteArray &expected);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
};

} // namespace herald
