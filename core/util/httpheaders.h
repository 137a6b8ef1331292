#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace herald {

// Ordered HTTP header list. Names keep their case as received; lookups ignore case.
using HttpHeader = QPair<QByteArray, QByteArray>;
using HttpHeaders = QList<HttpHeader>;

QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name);
bool hasHeader(const HttpHeaders &headers, const QByteArray &name);
void removeHeader(HttpHeaders &headers, const QByteArray &name);
// Parses "Name: value" (as given to -H); returns false when there is no colon or the name is not a token.
bool parseHeaderLine(const QByteArray &line, HttpHeader *header);
// True when text is an RFC 9110 token (methods and header names).
bool isHttpToken(const QByteArray &text);

} // namespace herald
