#include "dnsresponder.h"

#include <QtEndian>

#include <utility>

namespace herald::test {

namespace {

void appendUint16(QByteArray *out, quint16 value)
{
    out->append(static_cast<char>(value >> 8));
    out->append(static_cast<char>(value & 0xff));
}

} // namespace

DnsResponder::DnsResponder(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QUdpSocket::readyRead, this, &DnsResponder::onReadyRead);
}

bool DnsResponder::start(QString *error)
{
    QList<QHostAddress> candidates{QHostAddress(QStringLiteral("127.0.0.79"))};
    for (int i = 1; i <= 8; ++i)
        candidates.append(QHostAddress(QStringLiteral("127.0.79.%1").arg(i)));
    for (const QHostAddress &address : candidates) {
        if (m_socket.bind(address, 53))
            return true;
    }
    *error = QStringLiteral("DnsResponder: no 127.0.0.79 or 127.0.79.x address could bind port 53: %1").arg(m_socket.errorString());
    return false;
}

void DnsResponder::onReadyRead()
{
    while (m_socket.hasPendingDatagrams()) {
        const QNetworkDatagram datagram = m_socket.receiveDatagram();
        if (m_held)
            m_waiting.append(datagram);
        else
            answerDatagram(datagram);
    }
}

void DnsResponder::release()
{
    m_held = false;
    for (const QNetworkDatagram &datagram : std::exchange(m_waiting, {}))
        answerDatagram(datagram);
}

void DnsResponder::answerDatagram(const QNetworkDatagram &datagram)
{
    const QByteArray answer = reply(datagram.data());
    if (answer.isEmpty())
        return;
    ++m_queries;
    // Not makeReply(): its IP_PKTINFO leaves the source to the kernel, which picks 127.0.0.1,
    // and the resolver's socket, connected to this address, drops an answer from another.
    m_socket.writeDatagram(answer, datagram.senderAddress(), static_cast<quint16>(datagram.senderPort()));
}

QByteArray DnsResponder::reply(const QByteArray &query) const
{
    // Header (12 bytes), then one question: labels up to a zero byte, type, class.
    if (query.size() < 17)
        return {};
    int end = 12;
    while (end < query.size() && query.at(end) != 0)
        end += 1 + static_cast<quint8>(query.at(end));
    if (end + 5 > query.size())
        return {};
    const QByteArray question = query.mid(12, end + 5 - 12);
    const quint16 type = qFromBigEndian<quint16>(query.constData() + end + 1);
    const quint8 code = m_failures.value(type, NoError);
    const QList<QHostAddress> records = code == NoError ? m_answers.value(type) : QList<QHostAddress>();

    QByteArray out = query.left(2); // the id
    // QR, the query's opcode and RD, then RA and the response code.
    out.append(static_cast<char>(0x80 | (query.at(2) & 0x79)));
    out.append(static_cast<char>(0x80 | code));
    appendUint16(&out, 1);
    appendUint16(&out, static_cast<quint16>(records.size()));
    appendUint16(&out, 0);
    appendUint16(&out, 0);
    out.append(question);
    for (const QHostAddress &address : records) {
        appendUint16(&out, 0xc00c); // the question's name
        appendUint16(&out, type);
        appendUint16(&out, 1);                       // IN
        out.append(QByteArray::fromHex("00000005")); // TTL 5 s
        if (type == A) {
            appendUint16(&out, 4);
            const quint32 v4 = address.toIPv4Address();
            for (int shift = 24; shift >= 0; shift -= 8)
                out.append(static_cast<char>((v4 >> shift) & 0xff));
        } else {
            appendUint16(&out, 16);
            const Q_IPV6ADDR v6 = address.toIPv6Address();
            out.append(reinterpret_cast<const char *>(v6.c), 16);
        }
    }
    return out;
}

} // namespace herald::test
