#pragma once

#include "targets/targetsource.h"

#include <QList>

namespace herald {

struct TargetSourceSpec;

// Several sources as one (a profile or a command naming several groups, some resolved by DNS or
// SRV): the union of their targets without duplicates. It counts as resolved only when every part
// is, so a group whose lookup fails stops the broadcast instead of silently shrinking it.
class UnionTargetSource : public TargetSource
{
    Q_OBJECT
public:
    UnionTargetSource(const QList<TargetSourceSpec> &specs, QObject *parent = nullptr);

    QList<Target> targets() const override;
    bool isResolved() const override;
    QString description() const override;

public Q_SLOTS:
    // refreshed() follows once every part has answered.
    void refresh() override;

private:
    void onPartRefreshed();

    QList<TargetSource *> m_parts;
    int m_waiting = 0;
};

} // namespace herald
