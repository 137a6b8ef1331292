#pragma once

#include "targets/targettls.h"
#include "util/httpheaders.h"

#include <QByteArrayList>
#include <QObject>
#include <QUrl>

namespace herald {

// One HTTP exchange as the broadcast logic sees it, free of any client library's types.
struct TransportRequest
{
    QByteArray method;
    QUrl url;
    HttpHeaders headers;
    QByteArray body;       // shared, never copied per target
    bool sendBody = false; // frame a body (with Content-Length) even when it is empty
    int timeoutMs = 5000;  // whole attempt, connect to last byte
    bool http2 = false;    // h2c with prior knowledge for http://, ALPN h2 for https://
    int bodyLimit = 4096;  // bytes of the response body kept; the rest is read and dropped
    TargetTlsPtr tls;      // the target's own TLS settings for https://; null: the transport's defaults
    // The response headers the caller reads: all of them, or only those named in keptHeaders
    // (any case). A transport may keep more; lean keeps no other, which saves two allocations
    // per header on the listener's hot path.
    bool keepAllHeaders = true;
    QByteArrayList keptHeaders;
};

enum class TransportError { None, Timeout, Refused, HostNotFound, Tls, ConnectionClosed, Protocol, Cancelled, Other };

struct TransportResponse
{
    TransportError error = TransportError::None;
    QString errorString;
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
    QByteArray body;      // at most bodyLimit bytes
    qint64 bodyBytes = 0; // total received
};

// A request under way; emits finished() exactly once, unless aborted first.
class TransportCall : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Stops the exchange; finished() is not emitted afterwards.
    virtual void abort() = 0;

Q_SIGNALS:
    void finished(const herald::TransportResponse &response);
};

// Sends HTTP requests. Two implementations are planned: QNAM (default) and libcurl for the listener.
class Transport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual TransportCall *send(const TransportRequest &request, QObject *parent) = 0;
};

} // namespace herald

Q_DECLARE_METATYPE(herald::TransportResponse)
