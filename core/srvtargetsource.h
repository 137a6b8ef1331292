#pragma once

#include "targetsource.h"
#include "targetsourcespec.h"

#include <QTimer>

class QDnsLookup;

namespace herald {

// The SRV records of a name (_http._tcp.service...), each target on its own port, ordered by
// priority, then weight (heaviest first), then name. Same refresh and failure rules as
// DnsTargetSource; asks the system's nameservers unless the spec names one.
class SrvTargetSource : public TargetSource
{
    Q_OBJECT
public:
    explicit SrvTargetSource(const TargetSourceSpec &spec, QObject *parent = nullptr);

    QList<Target> targets() const override { return m_targets; }
    bool isResolved() const override { return !m_targets.isEmpty(); }
    QString description() const override;

public Q_SLOTS:
    void refresh() override;

private:
    void onLookupFinished(QDnsLookup *lookup);

    TargetSourceSpec m_spec;
    QList<Target> m_targets;
    QTimer m_timer;
    bool m_lookupRunning = false;
    bool m_refreshQueued = false;
};

} // namespace herald
