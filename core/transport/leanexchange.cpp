#include "transport/leanexchange.h"

#include "transport/leantransport.h"

#include <cstring>

namespace herald {

LeanExchange::LeanExchange(LeanTransport *transport, QObject *context, bool pooled)
    : m_transport(transport)
    , m_context(context)
    , m_pooled(pooled)
{
}

LeanExchange::~LeanExchange()
{
    abort();
}

void LeanExchange::start(const TransportRequest &request, TransportCallReceiver *receiver, int tag)
{
    m_receiver = receiver;
    m_tag = tag;
    m_active = true;
    m_retried = false;
    m_bodyLimit = request.bodyLimit;
    m_keepAllHeaders = request.keepAllHeaders;
    m_keptHeaders = request.keptHeaders;
    m_starting = true;
    LeanTransport *transport = m_transport;
    m_deadline = transport->m_deadlines.add(transport->m_deadlines.nowMs() + qMax(0, request.timeoutMs), this);
    m_hasDeadline = true;
    m_wire = transport->m_wires.wireFor(request);
    const QByteArray origin = request.origin();
    LeanEndpointPtr endpoint = transport->m_resolver.known(origin);
    if (!endpoint) {
        // A pooled exchange outlives its use: the answer is for this use only.
        LeanExchange *self = this;
        const quint64 generation = m_generation;
        endpoint = transport->m_resolver.resolve(origin, m_context,
                                                 [self, generation](const LeanEndpointPtr &resolved, const QString &error) {
                                                     if (self->m_generation == generation)
                                                         self->onResolved(resolved, error);
                                                 });
    }
    if (endpoint)
        onResolved(endpoint, {});
    m_starting = false;
}

void LeanExchange::abort()
{
    if (!m_active || !m_transport)
        return;
    m_active = false;
    m_transport->cancelDeferred(this);
    dropConnection();
    clearDeadline();
    if (m_pooled)
        m_transport->recycle(this);
}

void LeanExchange::detach()
{
    m_active = false;
    m_hasDeadline = false;
    if (m_connection)
        m_connection->exchange = nullptr;
    m_connection = nullptr;
    m_transport = nullptr;
}

void LeanExchange::onResolved(const LeanEndpointPtr &endpoint, const QString &error)
{
    if (!m_active || !m_transport)
        return;
    if (!endpoint) {
        fail(TransportError::HostNotFound, error);
        return;
    }
    m_endpoint = endpoint;
    attach(false);
}

void LeanExchange::attach(bool fresh)
{
    LeanTransport *transport = m_transport;
    LeanConnection *connection = fresh ? nullptr : transport->m_pool.take(m_endpoint->address);
    if (!connection) {
        int error = 0;
        connection = transport->openConnection(m_endpoint->address, &error);
        if (!connection) {
            fail(TransportError::Refused,
                 QStringLiteral("Failed to connect: %1").arg(QString::fromLocal8Bit(std::strerror(error))));
            return;
        }
    }
    m_connection = connection;
    connection->exchange = this;
    static const QByteArray none;
    const QByteArray *parts[] = {&m_wire.requestLine, m_wire.needsHostLine ? &m_endpoint->hostLine : &none, &m_wire.headers,
                                 &m_wire.body};
    onProgress(connection->begin(parts, 4, m_wire.head, m_bodyLimit, m_keepAllHeaders ? nullptr : &m_keptHeaders));
}

void LeanExchange::onProgress(LeanConnection::Progress progress)
{
    if (progress == LeanConnection::Progress::Pending || !m_connection)
        return;
    LeanConnection *connection = m_connection;
    m_connection = nullptr;
    connection->exchange = nullptr;
    if (progress == LeanConnection::Progress::Complete) {
        const TransportResponse response = std::move(connection->parser().response());
        // Back to the pool before the receiver hears: it may send the next request on it.
        m_transport->release(connection, connection->reusable());
        finish(response);
        return;
    }
    const bool stale = connection->closedBeforeAnswer() && connection->wasReused();
    const TransportError error = connection->error();
    const QString message = connection->errorString();
    m_transport->closeConnection(connection);
    if (stale && !m_retried) {
        m_retried = true;
        attach(true);
        return;
    }
    fail(error, message);
}

void LeanExchange::onTimeout()
{
    if (!m_active)
        return;
    dropConnection(); // half an answer: the connection cannot carry another request
    fail(TransportError::Timeout, QStringLiteral("no complete answer within the attempt timeout"));
}

void LeanExchange::fail(TransportError error, const QString &message)
{
    TransportResponse response;
    response.error = error;
    response.errorString = message;
    finish(response);
}

void LeanExchange::finish(const TransportResponse &response)
{
    clearDeadline();
    if (m_starting) {
        // Failed inside start(): the caller learns of it on the next event-loop turn.
        m_transport->defer(this, response);
        return;
    }
    deliver(response);
}

void LeanExchange::deliver(const TransportResponse &response)
{
    m_active = false;
    TransportCallReceiver *receiver = m_receiver;
    const int tag = m_tag;
    if (m_pooled)
        m_transport->recycle(this);
    // Nothing of `this` is touched from here: the receiver may start its next exchange on it.
    receiver->transportCallFinished(tag, response);
}

void LeanExchange::dropConnection()
{
    if (!m_connection)
        return;
    m_connection->exchange = nullptr;
    if (m_transport)
        m_transport->closeConnection(m_connection);
    m_connection = nullptr;
}

void LeanExchange::clearDeadline()
{
    if (m_hasDeadline && m_transport)
        m_transport->m_deadlines.remove(m_deadline);
    m_hasDeadline = false;
}

} // namespace herald
