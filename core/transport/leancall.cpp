#include "transport/leancall.h"

#include "transport/leantransport.h"

#include <cstring>

namespace herald {

LeanCall::LeanCall(LeanTransport *transport, const TransportRequest &request, QObject *parent)
    : TransportCall(parent)
    , m_transport(transport)
    , m_timeoutMs(request.timeoutMs)
    , m_bodyLimit(request.bodyLimit)
    , m_keepAllHeaders(request.keepAllHeaders)
    , m_keptHeaders(request.keptHeaders)
{
}

LeanCall::~LeanCall()
{
    abort();
}

void LeanCall::abort()
{
    m_aborted = true;
    if (m_ended)
        return;
    m_ended = true;
    dropConnection();
    if (m_hasDeadline && m_transport)
        m_transport->m_deadlines.remove(m_deadline);
    m_hasDeadline = false;
}

void LeanCall::detach()
{
    m_ended = true;
    m_hasDeadline = false;
    if (m_connection)
        m_connection->call = nullptr;
    m_connection = nullptr;
    m_transport = nullptr;
}

void LeanCall::start(const TransportRequest &request)
{
    m_starting = true;
    LeanTransport *transport = m_transport;
    m_deadline = transport->m_deadlines.add(transport->m_deadlines.nowMs() + qMax(0, m_timeoutMs), this);
    m_hasDeadline = true;
    m_wire = transport->m_wires.wireFor(request);
    const QByteArray origin = request.origin();
    LeanEndpointPtr endpoint = transport->m_resolver.known(origin);
    if (!endpoint) {
        QPointer<LeanCall> self(this);
        endpoint = transport->m_resolver.resolve(origin, this, [self](const LeanEndpointPtr &resolved, const QString &error) {
            if (self)
                self->onResolved(resolved, error);
        });
    }
    if (endpoint)
        onResolved(endpoint, {});
    m_starting = false;
}

void LeanCall::onResolved(const LeanEndpointPtr &endpoint, const QString &error)
{
    if (m_ended || !m_transport)
        return;
    if (!endpoint) {
        fail(TransportError::HostNotFound, error);
        return;
    }
    m_endpoint = endpoint;
    attach(false);
}

void LeanCall::attach(bool fresh)
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
    connection->call = this;
    static const QByteArray none;
    const QByteArray *parts[] = {&m_wire.requestLine, m_wire.needsHostLine ? &m_endpoint->hostLine : &none, &m_wire.headers,
                                 &m_wire.body};
    onProgress(connection->begin(parts, 4, m_wire.head, m_bodyLimit, m_keepAllHeaders ? nullptr : &m_keptHeaders));
}

void LeanCall::onProgress(LeanConnection::Progress progress)
{
    if (progress == LeanConnection::Progress::Pending || !m_connection)
        return;
    LeanConnection *connection = m_connection;
    m_connection = nullptr;
    connection->call = nullptr;
    if (progress == LeanConnection::Progress::Complete) {
        const TransportResponse response = std::move(connection->parser().response());
        // Back to the pool before finished(): a slot may send the next request on it.
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

void LeanCall::onTimeout()
{
    if (m_ended)
        return;
    dropConnection(); // half an answer: the connection cannot carry another request
    fail(TransportError::Timeout, QStringLiteral("no complete answer within the attempt timeout"));
}

void LeanCall::fail(TransportError error, const QString &message)
{
    TransportResponse response;
    response.error = error;
    response.errorString = message;
    finish(response);
}

void LeanCall::finish(const TransportResponse &response)
{
    m_ended = true;
    if (m_hasDeadline && m_transport)
        m_transport->m_deadlines.remove(m_deadline);
    m_hasDeadline = false;
    if (!m_starting) {
        deliver(response);
        return;
    }
    // Failed inside send(): the caller connects to finished() once send() has returned.
    QMetaObject::invokeMethod(
        this,
        [this, response] {
            if (!m_aborted)
                deliver(response);
        },
        Qt::QueuedConnection);
}

void LeanCall::dropConnection()
{
    if (!m_connection)
        return;
    m_connection->call = nullptr;
    if (m_transport)
        m_transport->closeConnection(m_connection);
    m_connection = nullptr;
}

} // namespace herald
