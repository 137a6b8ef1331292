#include "dnsmasqserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDnsLookup>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>

#include <csignal>

#include <sys/prctl.h>

namespace herald::test {

namespace {

const QString program = QStringLiteral("/usr/sbin/dnsmasq");
const int startTimeoutMs = 10000;

// 127.0.0.77 first; the others only when a parallel test run already holds it.
QList<QHostAddress> candidateAddresses()
{
    QList<QHostAddress> addresses = {QHostAddress(QStringLiteral("127.0.0.77"))};
    for (int i = 1; i <= 8; ++i)
        addresses.append(QHostAddress(QStringLiteral("127.0.77.%1").arg(i)));
    return addresses;
}

// Without binding anything: a probe socket could steal the port from a parallel test run's
// dnsmasq in the middle of its restart.
bool mayBindPort53()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            bool ok = false;
            const qulonglong capabilities = line.startsWith("CapEff:") ? line.mid(7).trimmed().toULongLong(&ok, 16) : 0;
            if (ok && (capabilities & (1ULL << 10))) // CAP_NET_BIND_SERVICE
                return true;
        }
    }
    QFile sysctl(QStringLiteral("/proc/sys/net/ipv4/ip_unprivileged_port_start"));
    return sysctl.open(QIODevice::ReadOnly) && sysctl.readAll().trimmed().toInt() <= 53;
}

} // namespace

DnsmasqServer::DnsmasqServer()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // If the test dies without its destructor (a ctest timeout), dnsmasq must not outlive it.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    QObject::connect(&m_process, &QProcess::readyRead, &m_process, [this] { m_log += m_process.readAll(); });
}

DnsmasqServer::~DnsmasqServer()
{
    stop();
}

QString DnsmasqServer::unavailableReason()
{
    if (!QFileInfo(program).isExecutable())
        return QStringLiteral("dnsmasq is not installed (%1, Debian package dnsmasq-base)").arg(program);
    if (!mayBindPort53())
        return QStringLiteral("dnsmasq needs port 53, which this user may not bind "
                              "(Qt 6.4's QDnsLookup cannot ask another port): run as root");
    return {};
}

QStringList DnsmasqServer::arguments() const
{
    return {QStringLiteral("--no-daemon"),       // foreground, keeps root, no pid file
            QStringLiteral("--log-facility=-"),  // stderr only, not syslog
            QStringLiteral("--no-resolv"),       // no upstream servers
            QStringLiteral("--no-hosts"),        // nothing from /etc/hosts
            QStringLiteral("--bind-interfaces"), // only this address, so others may run beside it
            QStringLiteral("--listen-address=") + m_address.toString(),
            QStringLiteral("--port=53"),
            QStringLiteral("--local=/test/"), // unknown .test names: NXDOMAIN, not REFUSED
            QStringLiteral("--cache-size=0"),
            QStringLiteral("--log-queries"),
            QStringLiteral("--conf-file=") + m_dir.filePath(QStringLiteral("dnsmasq.conf"))};
}

bool DnsmasqServer::start(const Records &records, QString *error)
{
    stop();
    if (!writeConfig(records, error))
        return false;
    if (m_address.isNull())
        return claimAddressAndLaunch(error) && waitUntilAnswering(error);
    return launch(error) && waitUntilAnswering(error);
}

bool DnsmasqServer::claimAddressAndLaunch(QString *error)
{
    for (const QHostAddress &address : candidateAddresses()) {
        auto lock = std::make_unique<QLockFile>(
            QDir::temp().filePath(QStringLiteral("herald-dnsmasq-%1.lock").arg(address.toString())));
        if (!lock->tryLock(0))
            continue; // another test process uses it
        m_address = address;
        if (launch(error)) {
            m_addressLock = std::move(lock);
            return true;
        }
        m_address.clear();
        if (!m_log.contains("Address already in use"))
            return false;
        // Something other than a Herald test holds it: try the next one.
    }
    if (error->isEmpty())
        *error = QStringLiteral("every loopback address for dnsmasq is in use");
    return false;
}

void DnsmasqServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool DnsmasqServer::writeConfig(const Records &records, QString *error)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: ") + m_dir.errorString();
        return false;
    }
    QByteArray config;
    for (const QString &record : records.hosts)
        config += "host-record=" + record.toUtf8() + '\n';
    for (const QString &record : records.srv)
        config += "srv-host=" + record.toUtf8() + '\n';
    for (const QString &record : records.txt)
        config += "txt-record=" + record.toUtf8() + '\n';
    QFile file(m_dir.filePath(QStringLiteral("dnsmasq.conf")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(config) != config.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

// Starts dnsmasq and waits for its "started" line, which it prints after binding its sockets.
bool DnsmasqServer::launch(QString *error)
{
    m_log.clear();
    m_process.start(program, arguments());
    if (!m_process.waitForStarted(startTimeoutMs)) {
        *error = QStringLiteral("cannot run %1: %2").arg(program, m_process.errorString());
        return false;
    }
    const QDeadlineTimer deadline(startTimeoutMs);
    for (;;) {
        m_log += m_process.readAll();
        if (m_log.contains("started, version"))
            return true;
        if (m_process.state() == QProcess::NotRunning || deadline.hasExpired()) {
            stop();
            *error = QStringLiteral("dnsmasq did not start on %1:53: %2").arg(m_address.toString(), log());
            return false;
        }
        m_process.waitForReadyRead(int(deadline.remainingTime()));
    }
}

// One real query proves it answers: a name under .test it does not know must get NXDOMAIN.
bool DnsmasqServer::waitUntilAnswering(QString *error)
{
    QDnsLookup probe(QDnsLookup::A, QStringLiteral("dnsmasq-ready.test"), m_address);
    QSignalSpy finished(&probe, &QDnsLookup::finished);
    probe.lookup();
    if (finished.wait(startTimeoutMs) && probe.error() == QDnsLookup::NotFoundError)
        return true;
    *error = QStringLiteral("dnsmasq on %1:53 does not answer (%2): %3").arg(m_address.toString(), probe.errorString(), log());
    stop();
    return false;
}

} // namespace herald::test
