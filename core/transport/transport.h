#pragma once

#include "transport/transportrequest.h"
#include "util/httpheaders.h"

#include <QObject>

namespace herald {

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
