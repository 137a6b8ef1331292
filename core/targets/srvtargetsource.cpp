#include "targets/srvtargetsource.h"

#include "targets/targetlistbuilder.h"

#include <QDnsLookup>

#include <algorithm>

namespace herald {

namespace {

bool recordLess(const QDnsServiceRecord &a, const QDnsServiceRecord &b)
{
    if (a.priority() != b.priority())
        return a.priority() < b.priority();
    if (a.weight() != b.weight())
        return a.weight() > b.weight();
    if (a.target() != b.target())
        return a.target() < b.target();
    return a.port() < b.port();
}

} // namespace

SrvTargetSource::SrvTargetSource(const TargetSourceSpec &spec, QObject *parent)
    : ResolvingTargetSource(spec, parent)
{
}

QString SrvTargetSource::description() const
{
    return QStringLiteral("SRV %1").arg(m_spec.name);
}

void SrvTargetSource::startLookup()
{
    auto *lookup = m_spec.nameserver.isNull() ? new QDnsLookup(QDnsLookup::SRV, m_spec.name, this)
                                              : new QDnsLookup(QDnsLookup::SRV, m_spec.name, m_spec.nameserver, this);
    connect(lookup, &QDnsLookup::finished, this, [this, lookup] { onLookupFinished(lookup); });
    lookup->lookup();
}

void SrvTargetSource::onLookupFinished(QDnsLookup *lookup)
{
    lookup->deleteLater();
    QList<QDnsServiceRecord> records = lookup->serviceRecords();
    std::sort(records.begin(), records.end(), recordLess);
    QList<QPair<QString, int>> endpoints;
    for (const QDnsServiceRecord &record : std::as_const(records)) {
        QString host = record.target();
        if (host.endsWith(QLatin1Char('.')))
            host.chop(1);
        if (!host.isEmpty()) // "." means "no service here" (RFC 2782)
            endpoints.append({host, record.port()});
    }
    const QList<Target> targets = TargetListBuilder::build(m_spec, endpoints);

    QString problem;
    switch (lookup->error()) {
    case QDnsLookup::NoError:
    case QDnsLookup::NotFoundError: // NXDOMAIN
        problem = endpoints.isEmpty() ? QStringLiteral("%1 has no SRV records").arg(m_spec.name) : QString();
        break;
    case QDnsLookup::InvalidReplyError:
        // Qt 6.4 says this both for an answer without SRV records and for no answer at all.
        problem = QStringLiteral("%1 has no SRV records, or %2 did not answer")
                      .arg(m_spec.name,
                           m_spec.nameserver.isNull() ? QStringLiteral("the nameserver") : m_spec.nameserver.toString());
        break;
    default:
        problem = QStringLiteral("SRV lookup of %1 failed: %2").arg(m_spec.name, lookup->errorString());
        break;
    }
    if (problem.isEmpty() && targets.isEmpty())
        problem = QStringLiteral("%1 resolved, but %2://HOST:PORT%3 is not a valid target")
                      .arg(m_spec.name, m_spec.scheme, m_spec.pathPrefix);

    finishLookup(targets, problem);
}

} // namespace herald
