#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace herald::test {

// What a ScriptedServer does with one request: exact bytes back, then keep, close or reset.
struct ScriptedReply
{
    enum class After { KeepOpen, Close, Reset };
    QByteArray bytes;
    After after = After::KeepOpen;
    bool dribble = false;        // one byte per write, a few ms apart: every read gets a fragment
    bool closeOnRequest = false; // close as the request arrives, without a byte of answer
    bool silent = false;         // never answer (for timeouts)
};

// An HTTP/1.1 server on 127.0.0.1 that answers each request (read up to the blank line and
// the Content-Length body) with the next scripted reply, byte for byte, malformed ones
// included; the last reply repeats. Counts accepted connections and keeps each request raw.
class ScriptedServer : public QObject
{
    Q_OBJECT
public:
    explicit ScriptedServer(QObject *parent = nullptr);
    ~ScriptedServer() override;
    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString &path = QStringLiteral("/")) const;
    void setReplies(const QList<ScriptedReply> &replies) { m_replies = replies; }
    int acceptCount() const { return m_accepts; }
    QList<QByteArray> requests() const { return m_requests; }
    // Closes every connection the server holds (an idle-timeout sweep).
    void closeConnections();

Q_SIGNALS:
    void requestReceived();

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void reply(QTcpSocket *socket, const ScriptedReply &reply);
    void dribble(QTcpSocket *socket, const QByteArray &bytes, int from, ScriptedReply::After after);
    static void finish(QTcpSocket *socket, ScriptedReply::After after);

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<ScriptedReply> m_replies;
    QList<QByteArray> m_requests;
    int m_accepts = 0;
};

} // namespace herald::test
