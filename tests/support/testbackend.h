#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

#include <memory>

class QTcpSocket;

namespace herald::test {

struct RecordedRequest
{
    QByteArray method;
    QByteArray target; // path and query as on the request line
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const;
};

// A real HTTP/1.1 server on loopback for tests: records every request byte for byte and answers
// as told, including the faults a broadcaster must survive (stalls, resets, garbage).
class TestBackend : public QObject
{
    Q_OBJECT
public:
    // NeverRead: accepts connections and reads nothing from them, so the sender's buffers fill.
    enum class Behaviour { Answer, Stall, StallBody, Reset, ResetMidBody, Garbage, CloseAfterAnswer, NeverRead };

    explicit TestBackend(QObject *parent = nullptr);
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    // HTTPS instead of HTTP, with a PEM certificate and key.
    bool listenTls(const QString &certificateFile, const QString &keyFile);
    void close();
    quint16 port() const { return m_server ? m_server->serverPort() : 0; }
    QString url() const;

    // Statuses answered in turn; the last one repeats.
    void setStatuses(const QList<int> &statuses) { m_statuses = statuses; }
    void setBehaviour(Behaviour behaviour) { m_behaviour = behaviour; }
    void setResponseBody(const QByteArray &body) { m_body = body; }
    // Answer this long after the request arrived (a slow but healthy backend).
    void setDelayMs(int delayMs) { m_delayMs = delayMs; }
    void setResponseHeaders(const QList<QPair<QByteArray, QByteArray>> &headers) { m_extraHeaders = headers; }

    QList<RecordedRequest> requests() const { return m_requests; }
    int requestCount() const { return m_requests.size(); }
    int connectionCount() const { return m_connections; }

Q_SIGNALS:
    void requestReceived();

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    bool parseOne(QTcpSocket *socket, QByteArray &buffer);
    void answer(QTcpSocket *socket, const RecordedRequest &request);

    void adopt(std::unique_ptr<QTcpServer> server);

    std::unique_ptr<QTcpServer> m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<int> m_statuses = {200};
    Behaviour m_behaviour = Behaviour::Answer;
    QByteArray m_body = "ok\n";
    QList<QPair<QByteArray, QByteArray>> m_extraHeaders;
    QList<RecordedRequest> m_requests;
    int m_connections = 0;
    int m_delayMs = 0;
};

} // namespace herald::test
