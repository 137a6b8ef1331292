#include "transport/qnamcall.h"

#include <QNetworkReply>

namespace herald {

static TransportError mapError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::NoError:
        return TransportError::None;
    case QNetworkReply::ConnectionRefusedError:
        return TransportError::Refused;
    case QNetworkReply::HostNotFoundError:
        return TransportError::HostNotFound;
    case QNetworkReply::TimeoutError:
        return TransportError::Timeout;
    case QNetworkReply::SslHandshakeFailedError:
        return TransportError::Tls;
    case QNetworkReply::RemoteHostClosedError:
        return TransportError::ConnectionClosed;
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        return TransportError::Protocol;
    case QNetworkReply::OperationCanceledError:
        return TransportError::Cancelled;
    default:
        return TransportError::Other;
    }
}

// Whether a reply that has a status is the backend's answer. Qt reports a 400 answer as
// ProtocolInvalidOperationError, which is an answer (http-error 400, as curl says), while a
// connection closed early or a garbled reply is not, whatever status was read before.
static bool isAnswer(QNetworkReply::NetworkError error)
{
    if (error == QNetworkReply::ProtocolInvalidOperationError)
        return true;
    const TransportError mapped = mapError(error);
    return mapped != TransportError::ConnectionClosed && mapped != TransportError::Protocol;
}

QnamCall::QnamCall(QNetworkReply *reply, const TransportRequest &request, QObject *parent)
    : TransportCall(parent)
    , m_reply(reply)
    , m_bodyLimit(request.bodyLimit)
{
    reply->setParent(this);
    connect(reply, &QNetworkReply::readyRead, this, &QnamCall::readBody);
    connect(reply, &QNetworkReply::finished, this, &QnamCall::onFinished);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5% early
    connect(&m_timer, &QTimer::timeout, this, &QnamCall::onTimeout);
    m_timer.start(request.timeoutMs);
}

QnamCall::~QnamCall()
{
    abort();
}

void QnamCall::abort()
{
    m_done = true;
    m_timer.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void QnamCall::readBody()
{
    // Read everything so the connection stays reusable, keep only the first bodyLimit bytes.
    while (m_reply->bytesAvailable() > 0) {
        const QByteArray chunk = m_reply->read(64 * 1024);
        m_response.bodyBytes += chunk.size();
        const qint64 room = m_bodyLimit - m_response.body.size();
        if (room > 0)
            m_response.body.append(chunk.left(room));
    }
}

void QnamCall::onTimeout()
{
    m_timedOut = true;
    m_reply->abort(); // emits finished synchronously
}

void QnamCall::onFinished()
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    readBody();
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (m_timedOut) {
        m_response.error = TransportError::Timeout;
        m_response.errorString = QStringLiteral("no complete answer within the attempt timeout");
    } else if (status.isValid() && status.toInt() > 0 && isAnswer(m_reply->error())) {
        m_response.status = status.toInt();
        m_response.reason = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
        const auto pairs = m_reply->rawHeaderPairs();
        m_response.headers.reserve(pairs.size());
        for (const auto &pair : pairs)
            m_response.headers.append(pair);
    } else {
        m_response.error = mapError(m_reply->error());
        m_response.errorString = m_reply->errorString();
        if (m_response.error == TransportError::None) {
            m_response.error = TransportError::Protocol;
            m_response.errorString = QStringLiteral("answer without an HTTP status");
        }
    }
    m_reply->deleteLater();
    deliver(m_response);
}

} // namespace herald
