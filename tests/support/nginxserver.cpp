#include "nginxserver.h"

#include "reservedport.h"

#include <QFile>
#include <QTcpSocket>
#include <QTest>

namespace herald::test {

static const char *const nginx = "/usr/sbin/nginx";

NginxServer::~NginxServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool NginxServer::isInstalled()
{
    return QFile::exists(QLatin1String(nginx));
}

bool NginxServer::start(const QString &serverBlocks, QString *error)
{
    ReservedPort reserved; // a port no test beside this one takes before nginx binds it
    m_port = reserved.port();
    const QString dir = m_dir.path();
    // One process in the foreground, every path in the temporary directory: nothing of the
    // machine's nginx (its /var/lib/nginx temp paths, its pid file) is touched.
    const QString config = QStringLiteral("daemon off;\nmaster_process off;\nworker_processes 1;\n"
                                          "pid %1/nginx.pid;\nerror_log stderr warn;\n"
                                          "events { worker_connections 64; }\n"
                                          "http {\n  access_log off;\n"
                                          "  client_body_temp_path %1/body; proxy_temp_path %1/proxy;\n"
                                          "  fastcgi_temp_path %1/fcgi; uwsgi_temp_path %1/uwsgi; scgi_temp_path %1/scgi;\n"
                                          "%2\n}\n")
                               .arg(dir, QString(serverBlocks).replace(QLatin1String("{port}"), QString::number(m_port)));
    QFile file(m_dir.filePath(QStringLiteral("nginx.conf")));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0) {
        *error = file.errorString();
        return false;
    }
    file.close();
    reserved.release();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QLatin1String(nginx), {QStringLiteral("-e"), QStringLiteral("stderr"), QStringLiteral("-p"), dir,
                                           QStringLiteral("-c"), file.fileName()});
    if (!m_process.waitForStarted(5000)) {
        *error = m_process.errorString();
        return false;
    }
    bool accepted = false;
    const bool ended = QTest::qWaitFor(
        [this, &accepted] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            accepted = socket.waitForConnected(100);
            return accepted || m_process.state() == QProcess::NotRunning;
        },
        10000);
    if (ended && accepted)
        return true;
    *error = QStringLiteral("nginx did not start: ") + QString::fromLocal8Bit(m_process.readAll());
    return false;
}

} // namespace herald::test
