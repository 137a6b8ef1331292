#pragma once

#include <QProcess>
#include <QTemporaryDir>

namespace herald::test {

// A real varnishd from Debian on a loopback port, caching one backend and accepting PURGE from
// 127.0.0.1: the cache Herald exists to purge. Every answer says X-Cache: HIT or MISS. Stopped in
// the destructor.
class VarnishServer
{
public:
    // Allowed: PURGE purges. Refused: answered 405. Ignored: answered 200 and nothing is purged
    // (a cache whose purge silently does nothing, which only a check after it can tell).
    enum class Purge { Allowed, Refused, Ignored };

    ~VarnishServer();
    void setPurge(Purge purge) { m_purge = purge; }
    static bool isInstalled();
    // Starts varnishd in front of 127.0.0.1:backendPort; returns false with *error when it does not come up.
    bool start(quint16 backendPort, QString *error);
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    Purge m_purge = Purge::Allowed;
};

} // namespace herald::test
