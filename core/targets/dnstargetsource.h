#pragma once

#include "targets/resolvingtargetsource.h"

#include <QHostAddress>

class QDnsLookup;
class QHostInfo;

namespace herald {

// Every A and AAAA record of a name, each on the configured port: a Kubernetes headless
// service's pods. Asks the system resolver (/etc/hosts and search domains work) unless the spec
// names a nameserver. Re-resolves on an interval; a failed lookup keeps the last good set.
class DnsTargetSource : public ResolvingTargetSource
{
    Q_OBJECT
public:
    explicit DnsTargetSource(const TargetSourceSpec &spec, QObject *parent = nullptr);

    QString description() const override;

private:
    void startLookup() override;
    void lookupWithSystemResolver();
    void onHostInfo(const QHostInfo &info);
    void lookupWithNameserver();
    void onRecordLookupFinished(QDnsLookup *lookup);
    // silentServer: the nameserver, when neither query got a clear answer from it.
    void finishAddressLookup(const QList<QHostAddress> &addresses, const QString &error, const QString &silentServer = {});

    // The A and AAAA queries of one nameserver lookup, gathered until both have answered.
    int m_pendingQueries = 0;
    int m_answeredQueries = 0;
    QList<QHostAddress> m_found;
    QStringList m_queryErrors;
};

} // namespace herald
