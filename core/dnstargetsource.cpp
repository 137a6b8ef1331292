#include "dnstargetsource.h"

#include "targetlistbuilder.h"

#include <QDnsLookup>
#include <QHostInfo>
#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcDns, "herald.dns")

namespace herald {

DnsTargetSource::DnsTargetSource(const TargetSourceSpec &spec, QObject *parent)
    : TargetSource(parent)
    , m_spec(spec)
{
    m_timer.setSingleShot(false);
    connect(&m_timer, &QTimer::timeout, this, &DnsTargetSource::refresh);
    if (m_spec.refreshIntervalMs > 0)
        m_timer.start(m_spec.refreshIntervalMs);
}

QString DnsTargetSource::description() const
{
    return QStringLiteral("DNS %1:%2").arg(m_spec.name).arg(m_spec.port);
}

void DnsTargetSource::refresh()
{
    // One lookup at a time; a refresh asked for meanwhile runs right after it.
    if (m_lookupRunning) {
        m_refreshQueued = true;
        return;
    }
    m_lookupRunning = true;
    if (m_spec.nameserver.isNull())
        lookupWithSystemResolver();
    else
        lookupWithNameserver();
}

void DnsTargetSource::lookupWithSystemResolver()
{
    QHostInfo::lookupHost(m_spec.name, this, [this](const QHostInfo &info) {
        QStringList addresses;
        for (const QHostAddress &address : info.addresses())
            addresses.append(address.toString());
        onAddresses(addresses, info.error() == QHostInfo::NoError ? QString() : info.errorString());
    });
}

void DnsTargetSource::lookupWithNameserver()
{
    m_pendingLookups = 2;
    m_collected.clear();
    m_collectedError.clear();
    for (const QDnsLookup::Type type : {QDnsLookup::A, QDnsLookup::AAAA}) {
        auto *lookup = new QDnsLookup(type, m_spec.name, m_spec.nameserver, this);
        connect(lookup, &QDnsLookup::finished, this, [this, lookup] {
            lookup->deleteLater();
            if (lookup->error() == QDnsLookup::NoError) {
                for (const QDnsHostAddressRecord &record : lookup->hostAddressRecords())
                    m_collected.append(record.value().toString());
            } else if (lookup->error() != QDnsLookup::NotFoundError) {
                m_collectedError = lookup->errorString();
            } else if (m_collectedError.isEmpty()) {
                m_collectedError = QStringLiteral("not found");
            }
            if (--m_pendingLookups == 0)
                onAddresses(m_collected, m_collected.isEmpty() ? m_collectedError : QString());
        });
        lookup->lookup();
    }
}

void DnsTargetSource::onAddresses(const QStringList &found, const QString &error)
{
    m_lookupRunning = false;
    QStringList addresses = found;
    std::sort(addresses.begin(), addresses.end());
    if (addresses.isEmpty()) {
        m_lastError = error.isEmpty() ? QStringLiteral("%1 has no A or AAAA records").arg(m_spec.name)
                                      : QStringLiteral("%1: %2").arg(m_spec.name, error);
        qCWarning(lcDns).noquote() << "lookup failed, keeping" << m_targets.size() << "targets:" << m_lastError;
        Q_EMIT errorOccurred(m_lastError);
    } else {
        m_lastError.clear();
        QList<QPair<QString, int>> endpoints;
        for (const QString &address : addresses)
            endpoints.append({address, m_spec.port});
        const QList<Target> targets = TargetListBuilder::build(m_spec, endpoints);
        if (targets != m_targets) {
            qCInfo(lcDns).noquote() << m_spec.name << "now has" << targets.size() << "targets";
            m_targets = targets;
            Q_EMIT targetsChanged();
        }
    }
    Q_EMIT refreshed();
    if (m_refreshQueued) {
        m_refreshQueued = false;
        refresh();
    }
}

} // namespace herald
