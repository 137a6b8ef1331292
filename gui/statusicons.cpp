#include "statusicons.h"

#include <QHash>

namespace herald {

QIcon StatusIcons::byName(const QString &name)
{
    // One QIcon per name, shared: a view asks for the icon of every changed row on every flush, and
    // building it from the path each time was most of the table's update cost with 1,000 targets.
    static QHash<QString, QIcon> icons;
    auto it = icons.find(name);
    if (it == icons.end())
        it = icons.insert(name, QIcon(QStringLiteral(":/herald/icons/%1.svg").arg(name)));
    return *it;
}

QIcon StatusIcons::icon(const TargetResult &result)
{
    switch (result.state) {
    case TargetState::Pending:
        return byName(QStringLiteral("pending"));
    case TargetState::Sending:
        return byName(QStringLiteral("sending"));
    case TargetState::Retrying:
        return byName(QStringLiteral("retrying"));
    case TargetState::Done:
        break;
    }
    switch (result.outcome) {
    case TargetOutcome::Ok:
        return byName(QStringLiteral("ok"));
    case TargetOutcome::CircuitOpen:
        return byName(QStringLiteral("circuit-open"));
    case TargetOutcome::Cancelled:
        return byName(QStringLiteral("cancelled"));
    default:
        return byName(QStringLiteral("failed"));
    }
}

QString StatusIcons::text(const TargetResult &result, qint64 elapsedMs)
{
    switch (result.state) {
    case TargetState::Pending:
        return QStringLiteral("pending");
    case TargetState::Sending:
        return QStringLiteral("sending");
    case TargetState::Retrying: {
        const qint64 seconds = qMax<qint64>(0, (result.retryAtMs - elapsedMs + 999) / 1000);
        return QStringLiteral("retrying in %1 s").arg(seconds);
    }
    case TargetState::Done:
        break;
    }
    switch (result.outcome) {
    case TargetOutcome::Ok:
        return QStringLiteral("ok");
    case TargetOutcome::CircuitOpen:
        return QStringLiteral("circuit open");
    case TargetOutcome::Cancelled:
        return QStringLiteral("cancelled");
    default:
        return QStringLiteral("failed: %1").arg(targetOutcomeName(result.outcome));
    }
}

QString StatusIcons::targetCount(qint64 count)
{
    return count == 1 ? QStringLiteral("1 target") : QStringLiteral("%1 targets").arg(count);
}

QString StatusIcons::byteCount(qint64 count)
{
    return count == 1 ? QStringLiteral("1 byte") : QStringLiteral("%1 bytes").arg(count);
}

QString StatusIcons::latency(const TargetResult &result)
{
    if (result.attempts.isEmpty()
        || (result.isDone() && (result.outcome == TargetOutcome::Cancelled || result.outcome == TargetOutcome::CircuitOpen)))
        return {};
    return QStringLiteral("%1 ms").arg(result.latencyMs);
}

} // namespace herald
