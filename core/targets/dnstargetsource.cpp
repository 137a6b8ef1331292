#include "targets/dnstargetsource.h"

#include "targets/targetlistbuilder.h"

#include <QDnsLookup>
#include <QFutureWatcher>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QPromise>
#include <QThreadPool>

#include <algorithm>
#include <memory>

// Defined with the other resolving sources in resolvingtargetsource.cpp.
Q_DECLARE_LOGGING_CATEGORY(lcDns)

namespace herald {

namespace {

// IPv4 before IPv6, each in numeric order, so the target order never depends on the resolver.
bool addressLess(const QHostAddress &a, const QHostAddress &b)
{
    const bool aIsV4 = a.protocol() == QAbstractSocket::IPv4Protocol;
    const bool bIsV4 = b.protocol() == QAbstractSocket::IPv4Protocol;
    if (aIsV4 != bIsV4)
        return aIsV4;
    const Q_IPV6ADDR x = a.toIPv6Address();
    const Q_IPV6ADDR y = b.toIPv6Address();
    return std::lexicographical_compare(x.c, x.c + 16, y.c, y.c + 16);
}

} // namespace

DnsTargetSource::DnsTargetSource(const TargetSourceSpec &spec, QObject *parent)
    : ResolvingTargetSource(spec, parent)
{
}

QString DnsTargetSource::description() const
{
    return QStringLiteral("DNS %1:%2").arg(m_spec.name).arg(m_spec.port);
}

void DnsTargetSource::startLookup()
{
    if (m_spec.nameserver.isNull())
        lookupWithSystemResolver();
    else
        lookupWithNameserver();
}

void DnsTargetSource::lookupWithSystemResolver()
{
    // Not QHostInfo::lookupHost(): it answers from Qt's process-wide 60 s cache, which would hide
    // a changed record set (and repeat a failure) for a minute whatever the refresh interval.
    // fromName() always asks getaddrinfo(), so it runs on a pool thread.
    auto promise = std::make_shared<QPromise<QHostInfo>>();
    auto *watcher = new QFutureWatcher<QHostInfo>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        if (watcher->future().resultCount() > 0)
            onHostInfo(watcher->result());
        else
            finishAddressLookup({}, QStringLiteral("the lookup was abandoned"));
    });
    watcher->setFuture(promise->future());
    QThreadPool::globalInstance()->start([promise, name = m_spec.name] {
        promise->start();
        promise->addResult(QHostInfo::fromName(name));
        promise->finish();
    });
}

void DnsTargetSource::onHostInfo(const QHostInfo &info)
{
    switch (info.error()) {
    case QHostInfo::NoError:
        finishAddressLookup(info.addresses(), QString());
        break;
    case QHostInfo::HostNotFound:
        finishAddressLookup({}, QString());
        break;
    case QHostInfo::UnknownError:
        finishAddressLookup({}, info.errorString());
        break;
    }
}

void DnsTargetSource::lookupWithNameserver()
{
    m_pendingQueries = 2;
    m_answeredQueries = 0;
    m_found.clear();
    m_queryErrors.clear();
    for (const QDnsLookup::Type type : {QDnsLookup::A, QDnsLookup::AAAA}) {
        auto *lookup = new QDnsLookup(type, m_spec.name, m_spec.nameserver, this);
        connect(lookup, &QDnsLookup::finished, this, [this, lookup] { onRecordLookupFinished(lookup); });
        lookup->lookup();
    }
}

void DnsTargetSource::onRecordLookupFinished(QDnsLookup *lookup)
{
    lookup->deleteLater();
    switch (lookup->error()) {
    case QDnsLookup::NoError:
        ++m_answeredQueries;
        for (const QDnsHostAddressRecord &record : lookup->hostAddressRecords())
            m_found.append(record.value());
        break;
    case QDnsLookup::NotFoundError: // NXDOMAIN
        ++m_answeredQueries;
        break;
    case QDnsLookup::InvalidReplyError:
        // Qt 6.4 says this both for an answer without records of the type (an IPv4-only name's
        // AAAA query) and for no answer at all, so it is only "nothing of this type" here.
        break;
    default:
        m_queryErrors.append(
            QStringLiteral("%1 query: %2")
                .arg(lookup->type() == QDnsLookup::A ? QStringLiteral("A") : QStringLiteral("AAAA"), lookup->errorString()));
        break;
    }
    if (--m_pendingQueries > 0)
        return;
    m_queryErrors.sort(); // A before AAAA, whichever answered first
    if (!m_found.isEmpty()) {
        // A and AAAA are separate questions: a server that refuses or fails one of them (many
        // refuse AAAA) has still answered the other, and those pods are all there is to reach.
        if (!m_queryErrors.isEmpty())
            qCWarning(lcDns).noquote() << "DNS" << m_spec.name
                                       << "kept the records of the other query:" << m_queryErrors.join(QLatin1String("; "));
        finishAddressLookup(m_found, QString());
    } else if (!m_queryErrors.isEmpty()) {
        finishAddressLookup({}, m_queryErrors.join(QLatin1String("; ")));
    } else if (m_found.isEmpty() && m_answeredQueries == 0)
        finishAddressLookup({}, QString(), m_spec.nameserver.toString());
    else
        finishAddressLookup(m_found, QString());
}

void DnsTargetSource::finishAddressLookup(const QList<QHostAddress> &found, const QString &error, const QString &silentServer)
{
    QList<QHostAddress> addresses = found;
    std::sort(addresses.begin(), addresses.end(), addressLess);
    QList<QPair<QString, int>> endpoints;
    for (const QHostAddress &address : std::as_const(addresses))
        endpoints.append({address.toString(), m_spec.port});
    const QList<Target> targets = TargetListBuilder::build(m_spec, endpoints);

    QString problem;
    if (!error.isEmpty())
        problem = QStringLiteral("DNS lookup of %1 failed: %2").arg(m_spec.name, error);
    else if (addresses.isEmpty() && !silentServer.isEmpty())
        problem = QStringLiteral("%1 has no A or AAAA records, or %2 did not answer").arg(m_spec.name, silentServer);
    else if (addresses.isEmpty())
        problem = QStringLiteral("%1 has no A or AAAA records").arg(m_spec.name);
    else if (targets.isEmpty())
        problem = QStringLiteral("%1 resolved, but %2://ADDRESS:%3%4 is not a valid target")
                      .arg(m_spec.name, m_spec.scheme)
                      .arg(m_spec.port)
                      .arg(m_spec.pathPrefix);
    finishLookup(targets, problem);
}

} // namespace herald
