#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace herald::test {

// A `herald relay` agent child process replaying one Redis stream to one endpoint.
class RelayProcess
{
public:
    ~RelayProcess();
    // Starts the agent as consumer group `name`; true once it says it is replaying. `environment`
    // adds to the test's own (HERALD_RELAY_TIMEOUT, say).
    bool start(const QString &redisUrl, const QString &endpoint, const QString &name, const QStringList &extra = {},
               const QProcessEnvironment &environment = {});
    quint16 adminPort() const { return m_adminPort; }
    // SIGTERM, then the exit code once it ended (-1 if it did not within `timeoutMs`, then killed);
    // events are processed while it waits.
    int terminate(int timeoutMs = 10000);
    void kill();
    QByteArray errorOutput();

private:
    QProcess m_process;
    QByteArray m_stderr;
    quint16 m_adminPort = 0;
};

} // namespace herald::test
