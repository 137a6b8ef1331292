#pragma once

#include "targets/target.h"

#include <QObject>

namespace herald {

struct TargetSourceSpec;

// A live set of targets. Static lists never change on their own; DNS and SRV sources
// re-resolve on an interval and on refresh(), keep the last good set when a lookup fails,
// and report the failure.
class TargetSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Makes the source a spec describes (StaticTargetSource, DnsTargetSource or SrvTargetSource).
    static TargetSource *create(const TargetSourceSpec &spec, QObject *parent);
    // One source for several specs: create(spec) for one, a UnionTargetSource for more.
    static TargetSource *create(const QList<TargetSourceSpec> &specs, QObject *parent);

    virtual QList<Target> targets() const = 0;
    // True once a lookup has produced at least one target.
    virtual bool isResolved() const = 0;
    virtual QString description() const = 0;
    QString lastError() const { return m_lastError; }

public Q_SLOTS:
    // Resolves again now; refreshed() follows, on a later event-loop turn.
    virtual void refresh() = 0;

Q_SIGNALS:
    // After every refresh attempt, successful or not.
    void refreshed();
    // When a refresh changed the set of targets.
    void targetsChanged();
    // When a refresh failed; the previous set stays in use.
    void errorOccurred(const QString &message);

protected:
    QString m_lastError;
};

} // namespace herald
