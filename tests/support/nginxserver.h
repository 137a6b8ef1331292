#pragma once

#include <QProcess>
#include <QTemporaryDir>

namespace herald::test {

// A real nginx from Debian on a free loopback port, running the server blocks a test gives it
// (for TLS and mTLS backends: ssl_verify_client answers like a production backend). Stopped in
// the destructor.
class NginxServer
{
public:
    ~NginxServer();
    static bool isInstalled();
    // Starts nginx with `serverBlocks` inside http {}; every "{port}" in them becomes the port it
    // listens on. Returns false with *error (nginx's own message) when it does not come up.
    bool start(const QString &serverBlocks, QString *error);
    quint16 port() const { return m_port; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace herald::test
