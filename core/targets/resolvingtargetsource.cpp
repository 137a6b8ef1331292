#include "targets/resolvingtargetsource.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDns, "herald.dns")

namespace herald {

ResolvingTargetSource::ResolvingTargetSource(const TargetSourceSpec &spec, QObject *parent)
    : TargetSource(parent)
    , m_spec(spec)
{
    connect(&m_timer, &QTimer::timeout, this, &ResolvingTargetSource::refresh);
    if (m_spec.refreshIntervalMs > 0)
        m_timer.start(m_spec.refreshIntervalMs);
}

void ResolvingTargetSource::refresh()
{
    if (m_lookupRunning) {
        m_refreshQueued = true;
        return;
    }
    m_lookupRunning = true;
    startLookup();
}

void ResolvingTargetSource::finishLookup(const QList<Target> &targets, const QString &error)
{
    m_lookupRunning = false;
    m_lastError = error;
    if (!error.isEmpty()) {
        qCWarning(lcDns).noquote() << error << "- keeping" << m_targets.size() << "targets";
        Q_EMIT errorOccurred(error);
    } else if (targets != m_targets) {
        qCInfo(lcDns).noquote() << m_spec.name << "now has" << targets.size() << "targets";
        m_targets = targets;
        Q_EMIT targetsChanged();
    }
    Q_EMIT refreshed();
    if (m_refreshQueued) {
        m_refreshQueued = false;
        refresh();
    }
}

} // namespace herald
