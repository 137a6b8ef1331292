#include "delayrelay.h"

#include <QTcpSocket>
#include <QTimer>

#include <deque>

namespace herald::test {

// One relayed connection: the accepted socket, the socket to the upstream, and one delay line each way.
class DelayRelay::Link : public QObject
{
public:
    Link(DelayRelay *relay, QTcpSocket *client)
        : QObject(relay)
        , m_relay(relay)
        , m_client(client)
        , m_upstream(new QTcpSocket(this))
        , m_toUpstream(this, client, m_upstream)
        , m_toClient(this, m_upstream, client)
    {
        m_client->setParent(this);
        m_clock.start();
        for (Line *line : {&m_toUpstream, &m_toClient}) {
            connect(line->from, &QTcpSocket::readyRead, this, [this, line] { take(*line); });
            connect(line->from, &QTcpSocket::disconnected, this, [this, line] { end(*line); });
            connect(line->from, &QTcpSocket::errorOccurred, this, [this, line] {
                if (line->from->state() != QAbstractSocket::ConnectedState) {
                    end(*line);
                    flush(m_toUpstream); // an upstream that never connected takes nothing more
                }
            });
            line->timer.setTimerType(Qt::PreciseTimer);
            line->timer.setSingleShot(true);
            connect(&line->timer, &QTimer::timeout, this, [this, line] { deliver(*line); });
        }
        connect(m_upstream, &QTcpSocket::connected, this, [this] {
            m_upstreamConnected = true;
            flush(m_toUpstream);
        });
        m_upstream->connectToHost(m_relay->m_upstreamAddress, m_relay->m_upstreamPort);
        take(m_toUpstream); // bytes that came with the connection
    }
    ~Link() override
    {
        // The sockets are children, deleted after the delay lines: no more signals into them.
        m_client->disconnect(this);
        m_upstream->disconnect(this);
    }

private:
    struct Line
    {
        Line(QObject *owner, QTcpSocket *from, QTcpSocket *to)
            : from(from)
            , to(to)
            , timer(owner)
        {
        }
        QTcpSocket *from;
        QTcpSocket *to;
        QTimer timer;
        std::deque<std::pair<qint64, QByteArray>> held; // due time, bytes; empty bytes: end of stream
        QByteArray ready;                               // due, waiting for the upstream connection
        bool ended = false;                             // end of stream read
        bool endReady = false;                          // end of stream due
        bool done = false;                              // end of stream delivered
    };

    void take(Line &line)
    {
        if (line.ended)
            return;
        const QByteArray bytes = line.from->readAll();
        if (!bytes.isEmpty())
            hold(line, bytes);
    }
    void end(Line &line)
    {
        take(line);
        if (line.ended)
            return;
        line.ended = true;
        hold(line, {});
    }
    void hold(Line &line, const QByteArray &bytes)
    {
        line.held.emplace_back(m_clock.elapsed() + m_relay->m_delay.count(), bytes);
        if (!line.timer.isActive())
            arm(line);
    }
    void arm(Line &line)
    {
        if (!line.held.empty())
            line.timer.start(int(qMax<qint64>(0, line.held.front().first - m_clock.elapsed())));
    }
    void deliver(Line &line)
    {
        while (!line.held.empty() && line.held.front().first <= m_clock.elapsed()) {
            if (line.held.front().second.isEmpty())
                line.endReady = true;
            else
                line.ready += line.held.front().second;
            line.held.pop_front();
            ++m_relay->m_chunks;
        }
        flush(line);
        arm(line);
    }
    // Writes what is due, once the other side can take it; passes the end of the stream on after it.
    void flush(Line &line)
    {
        const bool writable = line.to != m_upstream || m_upstreamConnected;
        if (writable && line.to->state() == QAbstractSocket::ConnectedState && !line.ready.isEmpty())
            line.to->write(line.ready);
        if (writable || line.to->state() != QAbstractSocket::ConnectingState)
            line.ready.clear();
        if (line.endReady && !line.done && (writable || line.to->state() == QAbstractSocket::UnconnectedState)) {
            line.done = true;
            line.to->disconnectFromHost(); // after the bytes written above
        }
        if (m_toUpstream.done && m_toClient.done)
            deleteLater();
    }

    DelayRelay *m_relay;
    QTcpSocket *m_client;
    QTcpSocket *m_upstream;
    Line m_toUpstream;
    Line m_toClient;
    QElapsedTimer m_clock;
    bool m_upstreamConnected = false;
};

DelayRelay::DelayRelay(const QHostAddress &upstreamAddress, quint16 upstreamPort, std::chrono::milliseconds delay, QObject *parent)
    : QObject(parent)
    , m_upstreamAddress(upstreamAddress)
    , m_upstreamPort(upstreamPort)
    , m_delay(delay)
{
    connect(&m_server, &QTcpServer::newConnection, this, &DelayRelay::onNewConnection);
}

DelayRelay::~DelayRelay() = default;

bool DelayRelay::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

void DelayRelay::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        ++m_connections;
        new Link(this, client);
    }
}

} // namespace herald::test
