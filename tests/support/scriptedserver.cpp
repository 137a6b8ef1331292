#include "scriptedserver.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace herald::test {

ScriptedServer::ScriptedServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ScriptedServer::onNewConnection);
}

ScriptedServer::~ScriptedServer()
{
    // The sockets are the server's children and go after m_buffers: they must not reach it.
    const QList<QTcpSocket *> sockets = m_server.findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets)
        socket->disconnect(this);
}

bool ScriptedServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost);
}

QString ScriptedServer::url(const QString &path) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
}

void ScriptedServer::closeConnections()
{
    const QList<QTcpSocket *> sockets = m_buffers.keys();
    for (QTcpSocket *socket : sockets)
        socket->disconnectFromHost();
}

void ScriptedServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        ++m_accepts;
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void ScriptedServer::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray &line : buffer.left(end).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        m_requests.append(buffer.left(end + 4 + length));
        buffer.remove(0, end + 4 + length);
        const ScriptedReply next = m_replies.isEmpty()    ? ScriptedReply{}
                                   : m_replies.size() > 1 ? m_replies.takeFirst()
                                                          : m_replies.first();
        Q_EMIT requestReceived();
        reply(socket, next);
        if (!m_buffers.contains(socket))
            return;
    }
}

void ScriptedServer::reply(QTcpSocket *socket, const ScriptedReply &reply)
{
    if (reply.silent)
        return;
    if (reply.closeOnRequest) {
        socket->disconnectFromHost();
        return;
    }
    if (reply.dribble) {
        dribble(socket, reply.bytes, 0, reply.after);
        return;
    }
    socket->write(reply.bytes);
    finish(socket, reply.after);
}

void ScriptedServer::dribble(QTcpSocket *socket, const QByteArray &bytes, int from, ScriptedReply::After after)
{
    if (from >= bytes.size()) {
        finish(socket, after);
        return;
    }
    socket->write(bytes.mid(from, 1));
    socket->flush();
    QPointer<QTcpSocket> alive(socket);
    QTimer::singleShot(2, this, [this, alive, bytes, from, after] {
        if (alive)
            dribble(alive, bytes, from + 1, after);
    });
}

void ScriptedServer::finish(QTcpSocket *socket, ScriptedReply::After after)
{
    if (after == ScriptedReply::After::Close)
        socket->disconnectFromHost();
    else if (after == ScriptedReply::After::Reset)
        socket->abort();
}

} // namespace herald::test
