#pragma once

#include "broadcast/broadcastplan.h"
#include "store/groupstore.h"
#include "store/profile.h"
#include "targets/target.h"
#include "targets/targetsource.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace herald {

// The GUI's way from the composer to a broadcast: the composer's state and the parameter values
// the operator typed go to the core's BroadcastPlan, then the plan's targets are resolved once.
class SendFlow : public QObject
{
    Q_OBJECT
public:
    // `groups`: where the composer's and the profiles' group names are looked up.
    explicit SendFlow(const GroupStore &groups, QObject *parent = nullptr);

    // Returns "" when resolving has begun, else why not (naming the parameter or field).
    QString begin(const Profile &composed, const QHash<QString, QString> &typed);
    // The plan's verdict without resolving or sending: "" or why begin() would refuse.
    QString check(const Profile &composed, const QHash<QString, QString> &typed) const;
    bool isBusy() const { return m_source; }
    // Resolves `spec` once for the targets view, without a broadcast.
    void refresh(const TargetSourceSpec &spec);

Q_SIGNALS:
    void resolving(const QString &description);
    // Once per begin(): the targets as resolved (maybe none) and "" or why they could not be.
    void resolved(const herald::BroadcastPlan &plan, const QList<herald::Target> &targets, const QString &error);
    void refreshed(const QList<herald::Target> &targets, const QString &description, const QString &error);

private:
    QString makePlan(const Profile &composed, const QHash<QString, QString> &typed, BroadcastPlan *plan) const;

    const GroupStore m_groups;
    QPointer<TargetSource> m_source;
};

} // namespace herald
