#include "transport/leanresolver.h"

#include <QHostAddress>
#include <QHostInfo>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace herald {

static constexpr qint64 kNameTtlMs = 60 * 1000;
static constexpr int kMaxCached = 4096;

static QByteArray socketAddress(const QHostAddress &address, int port)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        in.sin_port = htons(quint16(port));
        in.sin_addr.s_addr = htonl(v4);
        return QByteArray(reinterpret_cast<const char *>(&in), sizeof in);
    }
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(quint16(port));
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    std::memcpy(&in6.sin6_addr, v6.c, sizeof v6.c);
    in6.sin6_scope_id = address.scopeId().toUInt();
    return QByteArray(reinterpret_cast<const char *>(&in6), sizeof in6);
}

// As curl writes it: the port only when the URL names one other than the scheme's.
static QByteArray hostLineFor(const QUrl &url)
{
    const QByteArray name = url.host(QUrl::FullyEncoded).toLatin1();
    QByteArray line = "Host: ";
    line += name.contains(':') ? '[' + name + ']' : name;
    const int defaultPort = url.scheme() == QLatin1String("https") ? 443 : 80;
    if (url.port(defaultPort) != defaultPort)
        line += ':' + QByteArray::number(url.port());
    line += "\r\n";
    return line;
}

LeanResolver::LeanResolver(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
}

LeanEndpointPtr LeanResolver::known(const QByteArray &origin) const
{
    const auto cached = m_cache.constFind(origin);
    if (cached != m_cache.constEnd() && (cached->expiresMs < 0 || cached->expiresMs > m_clock.elapsed()))
        return cached->endpoint;
    return nullptr;
}

LeanEndpointPtr LeanResolver::resolve(const QByteArray &origin, QObject *context, Callback done)
{
    if (LeanEndpointPtr endpoint = known(origin))
        return endpoint;

    const QUrl url = QUrl::fromEncoded(origin, QUrl::TolerantMode);
    const QString host = url.host();
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    const QByteArray hostLine = hostLineFor(url);
    QHostAddress literal;
    if (literal.setAddress(host)) {
        auto endpoint = std::make_shared<LeanEndpoint>(LeanEndpoint{socketAddress(literal, port), hostLine});
        remember(origin, {endpoint, -1});
        return endpoint;
    }
    QList<Waiter> &waiters = m_waiting[origin];
    waiters.append({context, std::move(done)});
    if (waiters.size() == 1) {
        QHostInfo::lookupHost(host, this,
                              [this, origin, port, hostLine](const QHostInfo &info) { onLookedUp(origin, port, hostLine, info); });
    }
    return nullptr;
}

void LeanResolver::onLookedUp(const QByteArray &key, int port, const QByteArray &hostLine, const QHostInfo &info)
{
    LeanEndpointPtr endpoint;
    QString error;
    const QList<QHostAddress> addresses = info.addresses();
    if (info.error() != QHostInfo::NoError || addresses.isEmpty()) {
        error = QStringLiteral("Could not resolve host: %1").arg(info.hostName());
    } else {
        // IPv4 first, as most fleets listen there; the first answer otherwise.
        QHostAddress chosen = addresses.first();
        for (const QHostAddress &address : addresses) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol) {
                chosen = address;
                break;
            }
        }
        endpoint = std::make_shared<LeanEndpoint>(LeanEndpoint{socketAddress(chosen, port), hostLine});
        remember(key, {endpoint, m_clock.elapsed() + kNameTtlMs});
    }
    const QList<Waiter> waiters = m_waiting.take(key);
    for (const Waiter &waiter : waiters) {
        if (waiter.context)
            waiter.done(endpoint, error);
    }
}

void LeanResolver::remember(const QByteArray &key, const Cached &cached)
{
    if (m_cache.size() >= kMaxCached)
        m_cache.clear(); // pods that came and went; the live ones are looked up again
    m_cache.insert(key, cached);
}

} // namespace herald
