#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QLockFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace herald::test {

// A real dnsmasq (Debian's dnsmasq-base) on a loopback address, port 53, answering only for the
// records a test gives it: names under .test that it does not know get NXDOMAIN, others REFUSED.
// Records change by rewriting its config file and restarting it. Port 53 because Qt 6.4's
// QDnsLookup cannot ask another port, so it needs root (or CAP_NET_BIND_SERVICE).
class DnsmasqServer
{
public:
    struct Records
    {
        QStringList hosts; // "name,address": one A or AAAA record each (--host-record)
        QStringList srv;   // "_http._tcp.name,target,port,priority,weight" (--srv-host)
        QStringList txt;   // "name,text": a name that exists without address records (--txt-record)
    };

    DnsmasqServer();
    ~DnsmasqServer();
    DnsmasqServer(const DnsmasqServer &) = delete;
    DnsmasqServer &operator=(const DnsmasqServer &) = delete;

    // Why no dnsmasq can run here (not installed, port 53 not bindable), or an empty string.
    static QString unavailableReason();

    // Starts with these records, or restarts with them; returns once it answers queries.
    bool start(const Records &records, QString *error);
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    // Where it listens: 127.0.0.77 unless another test process (a parallel run from another build
    // directory) holds that; kept across restarts.
    QHostAddress address() const { return m_address; }
    QStringList arguments() const;
    // Everything it printed (startup, --log-queries), for failure messages.
    QString log() const { return QString::fromLocal8Bit(m_log); }

private:
    bool claimAddressAndLaunch(QString *error);
    bool writeConfig(const Records &records, QString *error);
    bool launch(QString *error);
    bool waitUntilAnswering(QString *error);

    // Declared so that the process goes first and the config, log and lock outlive it.
    QTemporaryDir m_dir;
    QByteArray m_log;
    QHostAddress m_address;
    // Held while this object lives, so a parallel test process never takes the address
    // during one of our restarts.
    std::unique_ptr<QLockFile> m_addressLock;
    QProcess m_process;
};

} // namespace herald::test
