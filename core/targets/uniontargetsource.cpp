#include "targets/uniontargetsource.h"

#include "targets/targetsourcespec.h"

#include <QSet>

#include <algorithm>

namespace herald {

UnionTargetSource::UnionTargetSource(const QList<TargetSourceSpec> &specs, QObject *parent)
    : TargetSource(parent)
{
    for (const TargetSourceSpec &spec : specs) {
        TargetSource *part = TargetSource::create(spec, this);
        connect(part, &TargetSource::refreshed, this, &UnionTargetSource::onPartRefreshed);
        connect(part, &TargetSource::targetsChanged, this, &TargetSource::targetsChanged);
        connect(part, &TargetSource::errorOccurred, this, &TargetSource::errorOccurred);
        m_parts.append(part);
    }
}

QList<Target> UnionTargetSource::targets() const
{
    QList<Target> all;
    QSet<QString> seen;
    for (const TargetSource *part : m_parts) {
        for (const Target &target : part->targets()) {
            if (!seen.contains(target.key())) {
                seen.insert(target.key());
                all.append(target);
            }
        }
    }
    return all;
}

bool UnionTargetSource::isResolved() const
{
    return !m_parts.isEmpty()
           && std::all_of(m_parts.cbegin(), m_parts.cend(), [](const TargetSource *part) { return part->isResolved(); });
}

QString UnionTargetSource::description() const
{
    QStringList parts;
    for (const TargetSource *part : m_parts)
        parts.append(part->description());
    return parts.join(QStringLiteral(" + "));
}

void UnionTargetSource::refresh()
{
    if (m_waiting > 0)
        return; // the running round answers for this call too
    m_waiting = static_cast<int>(m_parts.size());
    if (m_parts.isEmpty())
        QMetaObject::invokeMethod(this, &TargetSource::refreshed, Qt::QueuedConnection);
    for (TargetSource *part : m_parts)
        part->refresh();
}

void UnionTargetSource::onPartRefreshed()
{
    if (m_waiting == 0 || --m_waiting > 0)
        return;
    QStringList errors;
    for (const TargetSource *part : m_parts) {
        if (!part->isResolved())
            errors.append(QStringLiteral("%1: %2").arg(part->description(), part->lastError().isEmpty() ? QStringLiteral("no answer")
                                                                                                        : part->lastError()));
    }
    m_lastError = errors.join(QStringLiteral("; "));
    Q_EMIT refreshed();
}

} // namespace herald
