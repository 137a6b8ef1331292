#pragma once

#include "targets/targetsource.h"
#include "targets/targetsourcespec.h"

#include <QTimer>

namespace herald {

// What DNS and SRV sources share: the spec, the interval timer, one lookup at a time (a refresh
// asked for meanwhile runs once, right after it), and how a lookup's result is taken in: a failure
// keeps the last good set and is reported, a success replaces the set when it changed.
class ResolvingTargetSource : public TargetSource
{
    Q_OBJECT
public:
    QList<Target> targets() const override { return m_targets; }
    bool isResolved() const override { return !m_targets.isEmpty(); }

public Q_SLOTS:
    void refresh() final;

protected:
    ResolvingTargetSource(const TargetSourceSpec &spec, QObject *parent);
    // Starts one lookup; it ends with exactly one call to finishLookup().
    virtual void startLookup() = 0;
    // `error` empty: `targets` is the new set. Otherwise the last good set stays.
    void finishLookup(const QList<Target> &targets, const QString &error);

    const TargetSourceSpec m_spec;

private:
    QList<Target> m_targets;
    QTimer m_timer;
    bool m_lookupRunning = false;
    bool m_refreshQueued = false;
};

} // namespace herald
