#include "nghttpserver.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

namespace herald::test {

NghttpServer::NghttpServer()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

NghttpServer::~NghttpServer()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

bool NghttpServer::isAvailable()
{
    return !QStandardPaths::findExecutable(QStringLiteral("nghttpd")).isEmpty();
}

bool NghttpServer::addFile(const QString &name, const QByteArray &content)
{
    QFile file(m_docroot.filePath(name));
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

bool NghttpServer::start(QString *error, const QString &certificateFile, const QString &keyFile)
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    m_port = probe.serverPort();
    probe.close();
    QStringList arguments = {QStringLiteral("-v"), QStringLiteral("-a"), QStringLiteral("127.0.0.1"),
                             QStringLiteral("-d"), m_docroot.path(),     QString::number(m_port)};
    if (certificateFile.isEmpty())
        arguments.prepend(QStringLiteral("--no-tls"));
    else
        arguments << keyFile << certificateFile;
    m_process.start(QStringLiteral("nghttpd"), arguments);
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("nghttpd did not start: ") + m_process.errorString();
        return false;
    }
    // Up when it accepts a connection (it prints nothing until then that says so for sure).
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(200))
            return true;
        m_process.waitForReadyRead(50);
    }
    *error = QStringLiteral("nghttpd is not listening on port %1: %2").arg(m_port).arg(QString::fromLocal8Bit(log()));
    return false;
}

QByteArray NghttpServer::log()
{
    m_log += m_process.readAll();
    return m_log;
}

} // namespace herald::test
