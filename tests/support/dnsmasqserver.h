#pragma once

#include <QHostAddress>
#include <QProcess>
#include <QStringList>

namespace herald::test {

// A real dnsmasq from Debian answering on 127.0.0.77:53 with the records a test gives it, and
// nothing else (no upstream, no /etc/hosts). Records change by restarting it. Qt 6.4's QDnsLookup
// cannot use another port, so this needs root, which tests and CI have here.
class DnsmasqServer
{
public:
    ~DnsmasqServer();
    static bool isInstalled();
    static QHostAddress address() { return QHostAddress(QStringLiteral("127.0.0.77")); }

    // hostRecords: "name,address"; srvRecords: "_service._tcp.name,target,port,priority,weight".
    bool start(const QStringList &hostRecords, const QStringList &srvRecords, QString *error);
    void stop();

private:
    QProcess m_process;
};

} // namespace herald::test
