#pragma once

#include <QByteArrayList>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>

namespace herald::test {

// A real redis-server from Debian on a free loopback port, with its data (AOF) in a temporary
// directory; it can be stopped and started again on the same port and data.
class RedisServer
{
public:
    ~RedisServer();
    static bool isInstalled();
    bool start(QString *error);
    // Requires AUTH with this password from the next start on.
    void setPassword(const QString &password) { m_password = password; }
    void stop();
    // SIGSTOP and SIGCONT: a Redis that keeps its connections open but answers nothing.
    void pause();
    void resume();
    quint16 port() const { return m_port; }
    QString url() const
    {
        return m_password.isEmpty() ? QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port)
                                    : QStringLiteral("redis://:%1@127.0.0.1:%2/0").arg(m_password).arg(m_port);
    }
    // Runs redis-cli with `arguments` and returns its output (for checks such as XLEN).
    QByteArray cli(const QStringList &arguments) const;
    // XINFO GROUPS of the "herald" stream for one group (name, pending, last-delivered-id...);
    // empty when the group does not exist.
    QHash<QByteArray, QByteArray> groupInfo(const QByteArray &group) const;
    // The group has read the "herald" stream's last entry and acknowledged everything it read:
    // nothing is left for its agent to deliver or replay.
    bool caughtUp(const QByteArray &group) const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_password;
};

} // namespace herald::test
