#include "historymodel.h"

#include "requestsummary.h"
#include "statusicons.h"

namespace herald {

void HistoryModel::setEntries(const QList<HistoryEntry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const HistoryEntry &entry = m_entries.at(index.row());
    if (role == Qt::DecorationRole && index.column() == OutcomeColumn)
        return StatusIcons::byName(entry.summary.policyMet ? QStringLiteral("ok") : QStringLiteral("failed"));
    if (role == Qt::ToolTipRole && (index.column() == HeadersColumn || index.column() == BodyColumn))
        return RequestSummary::text(entry.request);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return entry.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case FaceColumn:
        return entry.origin;
    case MethodColumn:
        return QString::fromLatin1(entry.request.method);
    case PathColumn:
        return QString::fromUtf8(entry.request.pathAndQuery);
    case HeadersColumn:
        return RequestSummary::headers(entry.request, QStringLiteral("; "));
    case BodyColumn:
        return RequestSummary::body(entry.request);
    case ProfileColumn:
        return entry.profile;
    case TargetsColumn:
        return QStringLiteral("%1/%2 ok").arg(entry.summary.succeeded).arg(entry.summary.total);
    case OutcomeColumn:
        return entry.outcomeText();
    case DurationColumn:
        return QStringLiteral("%1 ms").arg(entry.summary.durationMs);
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList titles = {tr("Time"), tr("Face"),    tr("Method"),  tr("Path"),    tr("Headers"),
                                       tr("Body"), tr("Profile"), tr("Targets"), tr("Outcome"), tr("Duration")};
    return titles.value(section);
}

} // namespace herald
