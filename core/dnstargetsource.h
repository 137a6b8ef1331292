#pragma once

#include "targetsource.h"
#include "targetsourcespec.h"

#include <QTimer>

class QDnsLookup;

namespace herald {

// Every A and AAAA record of a name, each on the configured port: a Kubernetes headless
// service's pods. Uses the system resolver (QHostInfo: /etc/hosts and search domains work) unless
// a nameserver is given (QDnsLookup). Re-resolves on an interval; a failed lookup keeps the last set.
class DnsTargetSource : public TargetSource
{
    Q_OBJECT
public:
    explicit DnsTargetSource(const TargetSourceSpec &spec, QObject *parent = nullptr);

    QList<Target> targets() const override { return m_targets; }
    bool isResolved() const override { return !m_targets.isEmpty(); }
    QString description() const override;

public Q_SLOTS:
    void refresh() override;

private:
    void lookupWithSystemResolver();
    void lookupWithNameserver();
    void onAddresses(const QStringList &addresses, const QString &error);

    TargetSourceSpec m_spec;
    QList<Target> m_targets;
    QTimer m_timer;
    int m_pendingLookups = 0;
    QStringList m_collected;
    QString m_collectedError;
    bool m_lookupRunning = false;
    bool m_refreshQueued = false;
};

} // namespace herald
