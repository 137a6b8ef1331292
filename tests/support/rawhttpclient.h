#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>

#include <memory>

class QSslSocket;

namespace herald::test {

// One response as RawHttpClient parsed it off the wire.
struct RawHttpResponse
{
    int status = 0;
    QByteArray head; // status line and header lines, as received
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const;
};

// A test client for one connection (plain or TLS) that sends any bytes at all, malformed requests
// included, and parses the responses that come back. It never blocks: tests wait on its signals
// or with QTRY_*. A send() that starts with "HEAD " counts as a HEAD request: its answer has no body.
class RawHttpClient : public QObject
{
    Q_OBJECT
public:
    explicit RawHttpClient(QObject *parent = nullptr);
    ~RawHttpClient() override;

    // To 127.0.0.1; bytes sent before the connection is up are buffered until it is.
    void connectToPort(quint16 port, bool tls = false);
    void send(const QByteArray &bytes);
    void disconnectGracefully(); // FIN
    void abort();                // RST

    bool isConnected() const;
    // The server closed or reset the connection (or refused it): no more responses will come.
    bool isClosed() const { return m_closed; }
    QAbstractSocket::SocketError error() const { return m_error; }
    quint16 localPort() const;
    QByteArray received() const { return m_received; }
    QList<RawHttpResponse> responses() const { return m_responses; }

Q_SIGNALS:
    void responseReceived();
    void closed();

private:
    void onReadyRead();
    void onClosed();
    bool parseOne(bool atEnd);

    std::unique_ptr<QSslSocket> m_socket;
    QByteArray m_received;
    QByteArray m_unparsed;
    QList<QByteArray> m_methods; // first token of each send(), to know which answers are bodiless
    QList<RawHttpResponse> m_responses;
    bool m_closed = false;
    QAbstractSocket::SocketError m_error = QAbstractSocket::UnknownSocketError;
};

} // namespace herald::test
