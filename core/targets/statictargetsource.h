#pragma once

#include "targets/targetsource.h"

namespace herald {

// A fixed list of targets, changed only through setTargets() (the admin API, the GUI).
class StaticTargetSource : public TargetSource
{
    Q_OBJECT
public:
    explicit StaticTargetSource(const QList<Target> &targets, QObject *parent = nullptr);

    QList<Target> targets() const override { return m_targets; }
    bool isResolved() const override { return !m_targets.isEmpty(); }
    QString description() const override;
    void setTargets(const QList<Target> &targets);

public Q_SLOTS:
    void refresh() override;

private:
    QList<Target> m_targets;
};

} // namespace herald
