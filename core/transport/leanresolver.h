#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>

class QHostInfo;

namespace herald {

// Where a target's requests go: the socket address (the connection pool's key) and the Host
// line curl would send for its URL.
struct LeanEndpoint
{
    QByteArray address;  // a sockaddr_in or sockaddr_in6, as bytes
    QByteArray hostLine; // "Host: name[:port]\r\n"
};
using LeanEndpointPtr = std::shared_ptr<const LeanEndpoint>;

// Turns a URL's host and port into an endpoint without blocking: IP literals at once, names
// through QHostInfo::lookupHost, answers kept for a minute in a small cache.
class LeanResolver : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const LeanEndpointPtr &endpoint, const QString &error)>;

    explicit LeanResolver(QObject *parent = nullptr);
    // The endpoint of an origin (scheme://host[:port], TransportRequest::origin()) when it is
    // known now; otherwise nullptr, and `done` runs later (never inside this call) unless
    // `context` is gone by then. Only a miss parses the origin.
    LeanEndpointPtr resolve(const QByteArray &origin, QObject *context, Callback done);
    // The endpoint when it is known now, else nullptr: the hot path asks first, so a known
    // origin costs no callback.
    LeanEndpointPtr known(const QByteArray &origin) const;

private:
    struct Cached
    {
        LeanEndpointPtr endpoint;
        qint64 expiresMs = -1; // -1: an IP literal, never stale
    };
    struct Waiter
    {
        QPointer<QObject> context;
        Callback done;
    };
    void onLookedUp(const QByteArray &key, int port, const QByteArray &hostLine, const QHostInfo &info);
    void remember(const QByteArray &key, const Cached &cached);

    QHash<QByteArray, Cached> m_cache; // by origin
    QHash<QByteArray, QList<Waiter>> m_waiting;
    QElapsedTimer m_clock;
};

} // namespace herald
