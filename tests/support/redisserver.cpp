#include "redisserver.h"

#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

namespace herald::test {

RedisServer::~RedisServer()
{
    stop();
}

bool RedisServer::isInstalled()
{
    return QFile::exists(QStringLiteral("/usr/bin/redis-server"));
}

bool RedisServer::start(QString *error)
{
    if (m_port == 0) {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        m_port = probe.serverPort();
    }
    QStringList extra;
    if (!m_password.isEmpty())
        extra = {QStringLiteral("--requirepass"), m_password};
    m_process.start(QStringLiteral("/usr/bin/redis-server"),
                    extra
                        + QStringList{QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                                      QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), m_dir.path(),
                                      QStringLiteral("--appendonly"), QStringLiteral("yes"), QStringLiteral("--appendfsync"),
                                      QStringLiteral("always"), QStringLiteral("--save"), QString(),
                                      QStringLiteral("--daemonize"), QStringLiteral("no")});
    if (!m_process.waitForStarted(5000)) {
        *error = m_process.errorString();
        return false;
    }
    bool answered = false;
    const bool ended = QTest::qWaitFor(
        [this, &answered] {
            answered = cli({QStringLiteral("PING")}).trimmed() == "PONG";
            return answered || m_process.state() == QProcess::NotRunning;
        },
        10000);
    if (ended && answered)
        return true;
    *error = QStringLiteral("redis-server did not answer: ") + QString::fromLocal8Bit(m_process.readAll());
    return false;
}

void RedisServer::pause()
{
    if (m_process.state() != QProcess::NotRunning)
        ::kill(static_cast<pid_t>(m_process.processId()), SIGSTOP);
}

void RedisServer::resume()
{
    if (m_process.state() != QProcess::NotRunning)
        ::kill(static_cast<pid_t>(m_process.processId()), SIGCONT);
}

void RedisServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    resume(); // a paused Redis would not see the SIGTERM
    m_process.terminate();
    if (!m_process.waitForFinished(10000))
        m_process.kill();
    m_process.waitForFinished(2000);
}

QByteArray RedisServer::cli(const QStringList &arguments) const
{
    QProcess cli;
    QStringList options = {QStringLiteral("-p"), QString::number(m_port)};
    if (!m_password.isEmpty())
        options += {QStringLiteral("--no-auth-warning"), QStringLiteral("-a"), m_password};
    cli.start(QStringLiteral("redis-cli"), options + arguments);
    cli.waitForFinished(5000);
    return cli.readAllStandardOutput();
}

QHash<QByteArray, QByteArray> RedisServer::groupInfo(const QByteArray &group) const
{
    const QList<QByteArray> lines = cli({QStringLiteral("XINFO"), QStringLiteral("GROUPS"), QStringLiteral("herald")}).split('\n');
    QHash<QByteArray, QByteArray> fields;
    for (int i = 0; i + 1 < lines.size(); i += 2) {
        if (lines.at(i) == "name") {
            if (fields.value("name") == group)
                break;
            fields.clear();
        }
        fields.insert(lines.at(i), lines.at(i + 1));
    }
    return fields.value("name") == group ? fields : QHash<QByteArray, QByteArray>();
}

bool RedisServer::caughtUp(const QByteArray &group) const
{
    const QHash<QByteArray, QByteArray> info = groupInfo(group);
    const QByteArray last = cli({QStringLiteral("XREVRANGE"), QStringLiteral("herald"), QStringLiteral("+"), QStringLiteral("-"),
                                 QStringLiteral("COUNT"), QStringLiteral("1")})
                                .split('\n')
                                .value(0);
    return !last.isEmpty() && info.value("pending") == "0" && info.value("last-delivered-id") == last;
}

} // namespace herald::test
