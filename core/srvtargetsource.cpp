#include "srvtargetsource.h"

#include "targetlistbuilder.h"

#include <QDnsLookup>
#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcDns)

namespace herald {

SrvTargetSource::SrvTargetSource(const TargetSourceSpec &spec, QObject *parent)
    : TargetSource(parent)
    , m_spec(spec)
{
    connect(&m_timer, &QTimer::timeout, this, &SrvTargetSource::refresh);
    if (m_spec.refreshIntervalMs > 0)
        m_timer.start(m_spec.refreshIntervalMs);
}

QString SrvTargetSource::description() const
{
    return QStringLiteral("SRV %1").arg(m_spec.name);
}

void SrvTargetSource::refresh()
{
    if (m_lookupRunning) {
        m_refreshQueued = true;
        return;
    }
    m_lookupRunning = true;
    auto *lookup = m_spec.nameserver.isNull() ? new QDnsLookup(QDnsLookup::SRV, m_spec.name, this)
                                              : new QDnsLookup(QDnsLookup::SRV, m_spec.name, m_spec.nameserver, this);
    connect(lookup, &QDnsLookup::finished, this, [this, lookup] {
        lookup->deleteLater();
        m_lookupRunning = false;
        QList<QDnsServiceRecord> records = lookup->serviceRecords();
        std::sort(records.begin(), records.end(), [](const QDnsServiceRecord &a, const QDnsServiceRecord &b) {
            if (a.priority() != b.priority())
                return a.priority() < b.priority();
            if (a.weight() != b.weight())
                return a.weight() > b.weight();
            return a.target() < b.target() || (a.target() == b.target() && a.port() < b.port());
        });
        if (lookup->error() != QDnsLookup::NoError || records.isEmpty()) {
            m_lastError = lookup->error() == QDnsLookup::NoError || lookup->error() == QDnsLookup::NotFoundError
                              ? QStringLiteral("%1 has no SRV records").arg(m_spec.name)
                              : QStringLiteral("%1: %2").arg(m_spec.name, lookup->errorString());
            qCWarning(lcDns).noquote() << "SRV lookup failed, keeping" << m_targets.size() << "targets:" << m_lastError;
            Q_EMIT errorOccurred(m_lastError);
        } else {
            m_lastError.clear();
            QList<QPair<QString, int>> endpoints;
            for (const QDnsServiceRecord &record : std::as_const(records)) {
                QString host = record.target();
                if (host.endsWith(QLatin1Char('.')))
                    host.chop(1);
                endpoints.append({host, record.port()});
            }
            const QList<Target> targets = TargetListBuilder::build(m_spec, endpoints);
            if (targets != m_targets) {
                m_targets = targets;
                Q_EMIT targetsChanged();
            }
        }
        Q_EMIT refreshed();
        if (m_refreshQueued) {
            m_refreshQueued = false;
            refresh();
        }
    });
    lookup->lookup();
}

} // namespace herald
