#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QProcessEnvironment>

#include <memory>

class QNetworkAccessManager;

namespace herald::test {

struct HttpReply
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString error;
    QByteArray header(const QByteArray &name) const;
};

// A real `herald serve` child process on a loopback port chosen by the kernel, and a client for it.
class ServeProcess
{
public:
    ServeProcess();
    ~ServeProcess();

    // From the next start on, the process runs in a UTS namespace of its own (unshare --uts) under
    // this host name: a second "pod" on the same machine. Needs root (canSetHostName()).
    void setHostName(const QString &name) { m_hostName = name; }
    static bool canSetHostName();
    // Starts `herald serve` with `environment` on 127.0.0.1:0; true once it printed its port.
    bool start(const QProcessEnvironment &environment, const QStringList &extraArguments = {});
    quint16 port() const { return m_port; }
    quint16 adminPort() const { return m_adminPort; }
    quint16 metricsPort() const { return m_metricsPort; } // HERALD_METRICS_LISTEN / METRICS_ADDR
    QProcess &process() { return *m_process; }
    QByteArray errorOutput();
    // Sends SIGTERM and waits for the exit; returns the exit code or -1.
    int terminate(int timeoutMs = 15000);

    HttpReply send(const QByteArray &method, const QByteArray &pathAndQuery,
                   const QList<QPair<QByteArray, QByteArray>> &headers = {}, const QByteArray &body = {}, quint16 port = 0,
                   int timeoutMs = 20000);

private:
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QNetworkAccessManager> m_client;
    QByteArray m_stderr;
    quint16 m_port = 0;
    quint16 m_adminPort = 0;
    quint16 m_metricsPort = 0;
    QString m_hostName;
};

} // namespace herald::test
