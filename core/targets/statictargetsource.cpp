#include "targets/statictargetsource.h"

namespace herald {

StaticTargetSource::StaticTargetSource(const QList<Target> &targets, QObject *parent)
    : TargetSource(parent)
    , m_targets(targets)
{
    if (m_targets.isEmpty())
        m_lastError = QStringLiteral("the static target list is empty");
}

QString StaticTargetSource::description() const
{
    return QStringLiteral("%1 static target(s)").arg(m_targets.size());
}

void StaticTargetSource::setTargets(const QList<Target> &targets)
{
    if (targets == m_targets)
        return;
    m_targets = targets;
    m_lastError = m_targets.isEmpty() ? QStringLiteral("the static target list is empty") : QString();
    Q_EMIT targetsChanged();
}

void StaticTargetSource::refresh()
{
    // Nothing to look up; still answer on a later turn, as every source does.
    QMetaObject::invokeMethod(this, &TargetSource::refreshed, Qt::QueuedConnection);
}

} // namespace herald
