#include "testbackend.h"

#include <QFile>
#include <QPointer>
#include <QSslKey>
#include <QSslServer>
#include <QTcpSocket>
#include <QTimer>

namespace herald::test {

QByteArray RecordedRequest::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

TestBackend::TestBackend(QObject *parent)
    : QObject(parent)
{
}

void TestBackend::adopt(std::unique_ptr<QTcpServer> server)
{
    m_server = std::move(server);
    // A QSslServer announces a connection once its handshake is done.
    connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this, &TestBackend::onNewConnection);
}

bool TestBackend::listen(const QHostAddress &address, quint16 port)
{
    adopt(std::make_unique<QTcpServer>());
    return m_server->listen(address, port);
}

bool TestBackend::listenTls(const QString &certificateFile, const QString &keyFile)
{
    QFile certificate(certificateFile);
    QFile key(keyFile);
    if (!certificate.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly))
        return false;
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(QSslCertificate(certificate.readAll(), QSsl::Pem));
    configuration.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa, QSsl::Pem));
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    auto server = std::make_unique<QSslServer>();
    server->setSslConfiguration(configuration);
    adopt(std::move(server));
    return m_server->listen(QHostAddress::LocalHost);
}

void TestBackend::close()
{
    if (m_server)
        m_server->close();
    for (auto it = m_buffers.begin(); it != m_buffers.end(); ++it)
        it.key()->abort();
}

QString TestBackend::url() const
{
    QString host = m_server->serverAddress().toString();
    if (m_server->serverAddress().protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3")
        .arg(qobject_cast<QSslServer *>(m_server.get()) ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(port());
}

void TestBackend::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        ++m_connections;
        socket->setParent(this);
        m_buffers.insert(socket, {});
        if (m_behaviour == Behaviour::NeverRead) {
            socket->setReadBufferSize(1); // Qt stops reading once it holds a byte: the kernel buffers fill
            continue;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void TestBackend::onReadyRead(QTcpSocket *socket)
{
    auto it = m_buffers.find(socket);
    if (it == m_buffers.end())
        return;
    it->append(socket->readAll());
    while (m_buffers.contains(socket) && parseOne(socket, m_buffers[socket])) {
    }
}

bool TestBackend::parseOne(QTcpSocket *socket, QByteArray &buffer)
{
    const int headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3) {
        socket->abort();
        return false;
    }
    RecordedRequest request;
    request.method = requestLine.at(0);
    request.target = requestLine.at(1);
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).endsWith('\r') ? lines.at(i).chopped(1) : lines.at(i);
        const int colon = line.indexOf(':');
        if (colon > 0)
            request.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    int consumed = headerEnd + 4;
    const QByteArray transferEncoding = request.header("Transfer-Encoding").toLower();
    if (transferEncoding.contains("chunked")) {
        QByteArray body;
        int pos = consumed;
        while (true) {
            const int lineEnd = buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const int size = buffer.mid(pos, lineEnd - pos).split(';').first().trimmed().toInt(&ok, 16);
            if (!ok) {
                socket->abort();
                return false;
            }
            pos = lineEnd + 2;
            if (size == 0) {
                const int trailerEnd = buffer.indexOf("\r\n", pos);
                if (trailerEnd < 0)
                    return false;
                pos = trailerEnd + 2;
                break;
            }
            if (buffer.size() < pos + size + 2)
                return false;
            body.append(buffer.mid(pos, size));
            pos += size + 2;
        }
        request.body = body;
        consumed = pos;
    } else {
        const int length = request.header("Content-Length").toInt();
        if (buffer.size() < consumed + length)
            return false;
        request.body = buffer.mid(consumed, length);
        consumed += length;
    }
    buffer.remove(0, consumed);
    m_requests.append(request);
    Q_EMIT requestReceived();
    if (m_delayMs > 0) {
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(m_delayMs, this, [this, guard, request] {
            if (guard)
                answer(guard, request);
        });
    } else {
        answer(socket, request);
    }
    return true;
}

void TestBackend::answer(QTcpSocket *socket, const RecordedRequest &request)
{
    const int status = m_statuses.at(qMin(m_requests.size(), m_statuses.size()) - 1);
    switch (m_behaviour) {
    case Behaviour::Stall:
        return;
    case Behaviour::Reset:
        socket->abort();
        return;
    case Behaviour::Garbage:
        socket->write("this is not HTTP at all\r\n\r\n");
        socket->disconnectFromHost();
        return;
    default:
        break;
    }
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + " Status\r\n";
    for (const auto &header : m_extraHeaders)
        response += header.first + ": " + header.second + "\r\n";
    response += "X-Backend-Port: " + QByteArray::number(port()) + "\r\n";
    const bool head = request.method == "HEAD";
    response += "Content-Length: " + QByteArray::number(m_body.size()) + "\r\n\r\n";
    if (m_behaviour == Behaviour::StallBody || m_behaviour == Behaviour::ResetMidBody) {
        socket->write(response + m_body.left(1));
        socket->flush();
        if (m_behaviour == Behaviour::ResetMidBody)
            socket->abort();
        return;
    }
    if (!head)
        response += m_body;
    socket->write(response);
    if (m_behaviour == Behaviour::CloseAfterAnswer)
        socket->disconnectFromHost();
}

} // namespace herald::test
