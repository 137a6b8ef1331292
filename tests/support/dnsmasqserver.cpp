#include "dnsmasqserver.h"

#include <QDnsLookup>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

namespace herald::test {

static const char *const dnsmasq = "/usr/sbin/dnsmasq";

DnsmasqServer::~DnsmasqServer()
{
    stop();
}

bool DnsmasqServer::isInstalled()
{
    return QFile::exists(QLatin1String(dnsmasq));
}

void DnsmasqServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000))
        m_process.kill();
    m_process.waitForFinished(2000);
}

bool DnsmasqServer::start(const QStringList &hostRecords, const QStringList &srvRecords, QString *error)
{
    stop();
    QStringList arguments = {QStringLiteral("--no-daemon"), QStringLiteral("--no-resolv"), QStringLiteral("--no-hosts"),
                             QStringLiteral("--bind-interfaces"), QStringLiteral("--listen-address=") + address().toString(),
                             QStringLiteral("--port=53"), QStringLiteral("--user=root"), QStringLiteral("--pid-file="),
                             QStringLiteral("--conf-file=/dev/null"), QStringLiteral("--cache-size=0")};
    for (const QString &record : hostRecords)
        arguments.append(QStringLiteral("--host-record=") + record);
    for (const QString &record : srvRecords)
        arguments.append(QStringLiteral("--srv-host=") + record);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QLatin1String(dnsmasq), arguments);
    if (!m_process.waitForStarted(5000)) {
        *error = m_process.errorString();
        return false;
    }
    // Ready once it answers a query: REFUSED or NXDOMAIN prove it listens; "invalid reply"
    // means nothing answered yet.
    for (int attempt = 0; attempt < 50; ++attempt) {
        QDnsLookup probe(QDnsLookup::A, QStringLiteral("probe.invalid"), address());
        QSignalSpy finished(&probe, &QDnsLookup::finished);
        probe.lookup();
        if (finished.wait(3000)
            && (probe.error() == QDnsLookup::NoError || probe.error() == QDnsLookup::NotFoundError
                || probe.error() == QDnsLookup::ServerRefusedError))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QTest::qWait(100);
    }
    *error = QStringLiteral("dnsmasq did not answer: ") + QString::fromLocal8Bit(m_process.readAll());
    return false;
}

} // namespace herald::test
