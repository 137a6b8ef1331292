#pragma once

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QTcpServer>

#include <chrono>
#include <memory>

namespace herald::test {

// A userspace TCP relay that adds latency where the kernel cannot (no sch_netem): every connection
// accepted is forwarded to one upstream address, and every chunk read on either side is held for
// the delay before it is written to the other side, the end of a stream included, so a request and
// its answer each cross one delay. Event-driven (a QTimer per direction), never sleeping or blocking.
class DelayRelay : public QObject
{
    Q_OBJECT
public:
    DelayRelay(const QHostAddress &upstreamAddress, quint16 upstreamPort, std::chrono::milliseconds delay,
               QObject *parent = nullptr);
    ~DelayRelay() override;

    // Listens in the network namespace of the calling thread at the time of the call.
    bool listen(const QHostAddress &address, quint16 port = 0);
    quint16 port() const { return m_server.serverPort(); }
    std::chrono::milliseconds delay() const { return m_delay; }
    // Connections accepted so far, and chunks forwarded after their delay (both directions).
    int connectionCount() const { return m_connections; }
    int chunksForwarded() const { return m_chunks; }

private:
    class Link;
    void onNewConnection();

    QTcpServer m_server;
    QHostAddress m_upstreamAddress;
    quint16 m_upstreamPort;
    std::chrono::milliseconds m_delay;
    int m_connections = 0;
    int m_chunks = 0;
};

} // namespace herald::test
