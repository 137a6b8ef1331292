#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace herald::test {

// nghttp2's nghttpd (Debian's nghttp2-server) on 127.0.0.1: HTTP/2 only, h2c with prior
// knowledge, or TLS with ALPN h2 when given a certificate. Serves files from a temporary
// directory; with -v it logs every frame, so a test can see a request came over HTTP/2.
class NghttpServer
{
public:
    NghttpServer();
    ~NghttpServer();
    NghttpServer(const NghttpServer &) = delete;
    NghttpServer &operator=(const NghttpServer &) = delete;

    static bool isAvailable();
    // Plain h2c when certificateFile is empty. False with *error when it does not come up.
    bool start(QString *error, const QString &certificateFile = {}, const QString &keyFile = {});
    // A file served at /name.
    bool addFile(const QString &name, const QByteArray &content);
    quint16 port() const { return m_port; }
    // Everything nghttpd has printed so far (frames, headers received).
    QByteArray log();

private:
    QTemporaryDir m_docroot;
    QProcess m_process;
    QByteArray m_log;
    quint16 m_port = 0;
};

} // namespace herald::test
