#include "sendflow.h"

namespace herald {

SendFlow::SendFlow(const GroupStore &groups, QObject *parent)
    : QObject(parent)
    , m_groups(groups)
{
}

QString SendFlow::check(const Profile &composed, const QHash<QString, QString> &typed) const
{
    BroadcastPlan unused;
    return makePlan(composed, typed, &unused);
}

QString SendFlow::makePlan(const Profile &composed, const QHash<QString, QString> &typed, BroadcastPlan *plan) const
{
    PlanInput input;
    input.profile = composed;
    input.groupStore = m_groups;
    // The panel may still hold fields of parameters the operator has since edited away.
    const QStringList used = composed.parameters();
    for (auto it = typed.cbegin(); it != typed.cend(); ++it) {
        if (used.contains(it.key()))
            input.values.insert(it.key(), it.value());
    }
    input.noTargetsHint = tr("enter URLs, a DNS name:port or an SRV name, or check a group");
    QString error;
    return BroadcastPlan::make(input, plan, &error) ? QString() : error;
}

QString SendFlow::begin(const Profile &composed, const QHash<QString, QString> &typed)
{
    BroadcastPlan plan;
    const QString error = makePlan(composed, typed, &plan);
    if (!error.isEmpty())
        return error;
    TargetSource *source = plan.createSource(this);
    m_source = source;
    Q_EMIT resolving(source->description());
    connect(source, &TargetSource::refreshed, this, [this, source, plan] {
        source->deleteLater();
        m_source = nullptr;
        Q_EMIT resolved(plan, source->targets(), source->isResolved() ? QString() : source->lastError());
    });
    source->refresh();
    return {};
}

void SendFlow::refresh(const TargetSourceSpec &spec)
{
    TargetSource *source = TargetSource::create(spec, this);
    connect(source, &TargetSource::refreshed, this, [this, source] {
        source->deleteLater();
        Q_EMIT refreshed(source->targets(), source->description(), source->isResolved() ? QString() : source->lastError());
    });
    source->refresh();
}

} // namespace herald
