#pragma once

#include "transport/transportrequest.h"
#include "util/httpheaders.h"

#include <QObject>
#include <QPointer>

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

class TransportCall;

// Told of a call's end by a plain virtual call: a broadcast's attempts, one per target, set one
// instead of connecting to finished(), which would allocate a slot object per attempt.
class TransportCallReceiver
{
public:
    // `tag` is what setReceiver() was given. The receiver may deleteLater() the call, not delete it.
    virtual void transportCallFinished(int tag, const TransportResponse &response) = 0;

protected:
    ~TransportCallReceiver() = default;
};

// A request under way; emits finished() exactly once, unless aborted first.
class TransportCall : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Stops the exchange; finished() is not emitted afterwards.
    virtual void abort() = 0;
    // Also tells `receiver` of the end, with `tag`, right after finished().
    void setReceiver(TransportCallReceiver *receiver, int tag)
    {
        m_receiver = receiver;
        m_tag = tag;
    }
    // deleteLater() once the end is delivered: Transport::start()'s calls have no other owner.
    void setDeleteWhenDone(bool deleteWhenDone) { m_deleteWhenDone = deleteWhenDone; }

Q_SIGNALS:
    void finished(const herald::TransportResponse &response);

protected:
    // What an implementation calls instead of emitting finished() itself.
    void deliver(const TransportResponse &response)
    {
        Q_EMIT finished(response);
        if (m_receiver)
            m_receiver->transportCallFinished(m_tag, response);
        if (m_deleteWhenDone)
            deleteLater();
    }

private:
    TransportCallReceiver *m_receiver = nullptr;
    int m_tag = 0;
    bool m_deleteWhenDone = false;
};

class Transport;

// An exchange begun by Transport::start(): the means to abort it, valid until its receiver is
// told of its end (the receiver drops it then). Empty: none.
struct TransportTicket
{
    QPointer<Transport> transport; // a transport that is gone takes its exchanges with it
    quintptr id = 0;
    quint64 generation = 0; // for a transport that reuses what carries its exchanges

    explicit operator bool() const { return id != 0; }
    // Stops the exchange; the receiver is not told. The ticket is empty afterwards.
    void abort();
};

// Sends HTTP requests: QNAM (the GUI's), libcurl's multi interface and the lean HTTP/1.1 client
// (the faces' default), which RoutingTransport and ThreadedTransport combine.
class Transport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual TransportCall *send(const TransportRequest &request, QObject *parent) = 0;
    // The hot path, one per target of a broadcast: the end goes to `receiver` with `tag`, never
    // within this call, and the transport owns whatever carries the exchange. The lean transport
    // keeps no QObject, connection or std::function per exchange; this default makes a call with
    // send() and lets it delete itself, so every transport can be used the same way.
    virtual TransportTicket start(const TransportRequest &request, TransportCallReceiver *receiver, int tag);
    // What TransportTicket::abort() asks of the transport that issued the ticket.
    virtual void abort(quintptr id, quint64 generation);
};

} // namespace herald

Q_DECLARE_METATYPE(herald::TransportResponse)
