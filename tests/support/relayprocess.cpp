#include "relayprocess.h"

#include <QTest>

#include <csignal>

namespace herald::test {

RelayProcess::~RelayProcess()
{
    terminate();
}

bool RelayProcess::start(const QString &redisUrl, const QString &endpoint, const QString &name, const QStringList &extra,
                         const QProcessEnvironment &environment)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HERALD_INSTANCE_ID"), QStringLiteral("agent-") + name);
    env.insert(environment);
    m_process.setProcessEnvironment(env);
    QStringList arguments = {QStringLiteral("relay"), QStringLiteral("--redis"), redisUrl, QStringLiteral("--name"), name};
    if (!endpoint.isEmpty())
        arguments += {QStringLiteral("--endpoint"), endpoint};
    m_process.start(QStringLiteral(HERALD_BINARY), arguments + extra);
    if (!m_process.waitForStarted(5000))
        return false;
    QByteArray out;
    for (int i = 0; i < 100 && !out.contains("replaying stream"); ++i) {
        m_process.waitForReadyRead(100);
        out += m_process.readAllStandardOutput();
    }
    const int at = out.indexOf("admin listening on port ");
    if (at >= 0)
        m_adminPort = static_cast<quint16>(out.mid(at + 24, out.indexOf('\n', at) - at - 24).toUInt());
    return out.contains("replaying stream");
}

int RelayProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
    // The event loop keeps running meanwhile: the agent may be waiting for a backend of this process.
    if (QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs))
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    kill();
    return -1;
}

void RelayProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

QByteArray RelayProcess::errorOutput()
{
    m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

} // namespace herald::test
