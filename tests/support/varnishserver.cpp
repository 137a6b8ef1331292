#include "varnishserver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace herald::test {

static const char *const varnishd = "/usr/sbin/varnishd";

VarnishServer::~VarnishServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool VarnishServer::isInstalled()
{
    return QFile::exists(QLatin1String(varnishd));
}

bool VarnishServer::start(quint16 backendPort, QString *error)
{
    {
        QTcpServer probe; // a free port for varnishd, released before it binds
        probe.listen(QHostAddress::LocalHost);
        m_port = probe.serverPort();
    }
    const QString vcl = m_dir.filePath(QStringLiteral("test.vcl"));
    QFile file(vcl);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    const char *purge = m_purge == Purge::Refused   ? "return (synth(405, \"Not allowed\"));"
                        : m_purge == Purge::Ignored ? "return (synth(200, \"Purged\"));"
                                                    : "return (purge);";
    file.write(QStringLiteral("vcl 4.1;\n"
                              "backend default { .host = \"127.0.0.1\"; .port = \"%1\"; }\n"
                              "acl purgers { \"127.0.0.1\"; }\n"
                              "sub vcl_recv {\n"
                              "  if (req.method == \"PURGE\") {\n"
                              "    if (client.ip !~ purgers) { return (synth(405, \"Not allowed\")); }\n"
                              "    %2\n"
                              "  }\n"
                              "}\n"
                              "sub vcl_deliver {\n"
                              "  if (obj.hits > 0) { set resp.http.X-Cache = \"HIT\"; }\n"
                              "  else { set resp.http.X-Cache = \"MISS\"; }\n"
                              "}\n")
                   .arg(backendPort)
                   .arg(QLatin1String(purge))
                   .toUtf8());
    file.close();
    // -j none: no privilege separation, so the work directory in /tmp stays usable as root.
    m_process.start(QLatin1String(varnishd),
                    {QStringLiteral("-F"), QStringLiteral("-j"), QStringLiteral("none"), QStringLiteral("-n"),
                     m_dir.filePath(QStringLiteral("work")), QStringLiteral("-a"), QStringLiteral("127.0.0.1:%1").arg(m_port),
                     QStringLiteral("-f"), vcl, QStringLiteral("-s"), QStringLiteral("malloc,16m"), QStringLiteral("-T"),
                     QStringLiteral("none")});
    if (!m_process.waitForStarted(5000)) {
        *error = m_process.errorString();
        return false;
    }
    // Ready once it accepts connections (VCL compilation takes a moment).
    bool accepted = false;
    const bool ended = QTest::qWaitFor(
        [this, &accepted] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            accepted = socket.waitForConnected(100);
            return accepted || m_process.state() == QProcess::NotRunning;
        },
        20000);
    if (ended && accepted)
        return true;
    *error = QStringLiteral("varnishd did not start: ") + QString::fromLocal8Bit(m_process.readAll());
    return false;
}

} // namespace herald::test
