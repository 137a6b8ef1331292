#include "rawhttpclient.h"

#include <QHostAddress>
#include <QSslSocket>

namespace herald::test {

QByteArray RawHttpResponse::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

RawHttpClient::RawHttpClient(QObject *parent)
    : QObject(parent)
    , m_socket(std::make_unique<QSslSocket>())
{
    connect(m_socket.get(), &QSslSocket::readyRead, this, &RawHttpClient::onReadyRead);
    connect(m_socket.get(), &QSslSocket::disconnected, this, &RawHttpClient::onClosed);
    connect(m_socket.get(), &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        m_error = error;
        onClosed();
    });
    // The listener's certificates in tests are self-signed.
    connect(m_socket.get(), &QSslSocket::sslErrors, m_socket.get(), [this] { m_socket->ignoreSslErrors(); });
}

RawHttpClient::~RawHttpClient()
{
    m_socket->disconnect(this);
    m_socket->abort();
}

void RawHttpClient::connectToPort(quint16 port, bool tls)
{
    if (tls)
        m_socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    else
        m_socket->connectToHost(QHostAddress::LocalHost, port);
}

void RawHttpClient::send(const QByteArray &bytes)
{
    m_methods.append(bytes.left(bytes.indexOf(' ')));
    m_socket->write(bytes);
}

void RawHttpClient::disconnectGracefully()
{
    m_socket->disconnectFromHost();
}

void RawHttpClient::abort()
{
    m_socket->disconnect(this); // our own doing: nothing more to read or report
    m_socket->abort();
    m_closed = true;
}

bool RawHttpClient::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

quint16 RawHttpClient::localPort() const
{
    return m_socket->localPort();
}

void RawHttpClient::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    m_received += bytes;
    m_unparsed += bytes;
    while (parseOne(false))
        Q_EMIT responseReceived();
}

void RawHttpClient::onClosed()
{
    if (m_closed)
        return;
    onReadyRead();
    if (parseOne(true)) // a body delimited by the end of the connection
        Q_EMIT responseReceived();
    m_closed = true;
    Q_EMIT closed();
}

bool RawHttpClient::parseOne(bool atEnd)
{
    const qsizetype headEnd = m_unparsed.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    RawHttpResponse response;
    response.head = m_unparsed.left(headEnd);
    const QList<QByteArray> lines = response.head.split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    response.status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            response.headers.append({lines[i].left(colon), lines[i].mid(colon + 1).trimmed()});
    }
    const bool bodiless = m_methods.value(m_responses.size()) == "HEAD" || response.status < 200 || response.status == 204
                          || response.status == 304;
    const QByteArray length = response.header("Content-Length");
    qsizetype bodySize = 0;
    if (!bodiless && !length.isEmpty())
        bodySize = length.toLongLong();
    else if (!bodiless && !atEnd)
        return false; // delimited by the end of the connection: wait for it
    else if (!bodiless)
        bodySize = m_unparsed.size() - headEnd - 4;
    if (m_unparsed.size() < headEnd + 4 + bodySize)
        return false;
    response.body = m_unparsed.mid(headEnd + 4, bodySize);
    m_unparsed.remove(0, headEnd + 4 + bodySize);
    m_responses.append(response);
    return true;
}

} // namespace herald::test
