#pragma once

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QNetworkDatagram>
#include <QUdpSocket>

namespace herald::test {

// A real, tiny DNS server over UDP on a loopback address, port 53 (Qt 6.4's QDnsLookup asks no
// other port), that answers every name with what the test set for each query type: records, or
// an error code such as REFUSED or SERVFAIL. dnsmasq cannot answer one type and refuse the
// other for the same name; this can, so a test can fail the AAAA query and keep the A one.
class DnsResponder : public QObject
{
    Q_OBJECT

public:
    enum Type : quint16 { A = 1, AAAA = 28 };
    enum ResponseCode : quint8 { NoError = 0, ServerFailure = 2, Refused = 5 };

    explicit DnsResponder(QObject *parent = nullptr);

    // Binds 127.0.0.79 (or the next free 127.0.79.x); false with *error if none could be bound.
    bool start(QString *error);
    QHostAddress address() const { return m_socket.localAddress(); }

    // What a query of this type gets: these addresses, or this error code without records.
    void answer(Type type, const QList<QHostAddress> &addresses) { m_answers.insert(type, addresses); }
    void fail(Type type, ResponseCode code) { m_failures.insert(type, code); }
    int queriesAnswered() const { return m_queries; }
    // While held, queries are kept unanswered (a slow resolver); release() answers them, as set then.
    void hold() { m_held = true; }
    void release();
    int queriesHeld() const { return static_cast<int>(m_waiting.size()); }

private:
    void onReadyRead();
    void answerDatagram(const QNetworkDatagram &datagram);
    QByteArray reply(const QByteArray &query) const;

    QUdpSocket m_socket;
    QHash<quint16, QList<QHostAddress>> m_answers;
    QHash<quint16, quint8> m_failures;
    int m_queries = 0;
    bool m_held = false;
    QList<QNetworkDatagram> m_waiting;
};

} // namespace herald::test
