#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace herald {

// Ordered HTTP header list. Names keep their case as received; lookups ignore case.
using HttpHeader = QPair<QByteArray, QByteArray>;
using HttpHeaders = QList<HttpHeader>;

// Names as views: a literal ("Content-Length") costs no allocation per call on the hot path.
QByteArray headerValue(const HttpHeaders &headers, QByteArrayView name);
bool hasHeader(const HttpHeaders &headers, QByteArrayView name);
// Leaves the list shared (not detached) when no header has that name.
void removeHeader(HttpHeaders &headers, QByteArrayView name);
// Parses "Name: value" (as given to -H); returns false when there is no colon or the name is not a token.
bool parseHeaderLine(const QByteArray &line, HttpHeader *header);
// True when text is an RFC 9110 token (methods and header names).
bool isHttpToken(const QByteArray &text);

} // namespace herald
