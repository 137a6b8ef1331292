#pragma once

#include "targets/targettls.h"

#include <QList>
#include <QString>
#include <QUrl>

namespace herald {

// One backend a broadcast reaches: a base URL (scheme, host, port, optional path prefix and query).
struct Target
{
    QUrl baseUrl;
    // Send HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1; opt-in per target.
    bool http2 = false;
    // Per-target TLS (CA, client certificate, SNI name, verification) from the spec that made this
    // target; null for most targets, so a plain one costs nothing per request.
    TargetTlsPtr tls;

    // Parses "http://host:port[/prefix][?query]" or "host:port" (http assumed). Returns an invalid
    // Target and sets *error when the text is not a usable base URL.
    static Target parse(const QString &text, QString *error);
    static QList<Target> parseList(const QString &commaOrSpaceSeparated, QString *error);

    bool isValid() const { return baseUrl.isValid() && !baseUrl.host().isEmpty(); }
    // Stable identity used for circuit breakers and metrics: scheme://host:port/prefix[?query].
    QString key() const;
    // The URL for a request path (which may carry a query) under this target's prefix; with
    // exactPath, the target's own path instead (FanOut's targets are whole URLs). Either way the
    // client's query is kept, after the target's own query if it has one.
    QUrl urlFor(const QByteArray &pathAndQuery, bool exactPath = false) const;

    bool operator==(const Target &other) const { return key() == other.key() && http2 == other.http2 && sameTls(tls, other.tls); }
};

} // namespace herald
