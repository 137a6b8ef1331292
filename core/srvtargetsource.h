#pragma once

#include "targetsource.h"
#include "targetsourcespec.h"

#include <QTimer>

namespace herald {

// The SRV records of a name (_http._tcp.service...), each target with its own port; sorted by
// priority, then weight. Same refresh and failure rules as DnsTargetSource.
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
    TargetSourceSpec m_spec;
    QList<Target> m_targets;
    QTimer m_timer;
    bool m_lookupRunning = false;
    bool m_refreshQueued = false;
};

} // namespace herald
