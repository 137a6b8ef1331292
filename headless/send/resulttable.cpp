#include "send/resulttable.h"

#include <algorithm>

namespace herald {

namespace {

// "yes (200, X-Cache: MISS)" or "no: header:X-Cache=MISS: the value is 'HIT' (200, X-Cache: HIT)"
QString verifiedCell(const VerifyResult &verify)
{
    QStringList seen;
    if (verify.status > 0)
        seen.append(QString::number(verify.status));
    for (const HttpHeader &header : verify.headers)
        seen.append(QString::fromLatin1(header.first) + QStringLiteral(": ") + QString::fromUtf8(header.second));
    const QString evidence = seen.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(seen.join(QStringLiteral(", ")));
    return verify.verified ? QStringLiteral("yes") + evidence : QStringLiteral("no: ") + verify.error + evidence;
}

} // namespace

QString ResultTable::summaryLine(const BroadcastSummary &summary)
{
    QString line = QStringLiteral("%1/%2 ok").arg(summary.succeeded).arg(summary.total);
    if (summary.failed > 0)
        line += QStringLiteral(", %1 failed").arg(summary.failed);
    if (summary.pending > 0)
        line += QStringLiteral(", %1 pending").arg(summary.pending);
    if (summary.verifyAsked)
        line += QStringLiteral(", %1 verified").arg(summary.verified);
    line += QStringLiteral(", %1 ms").arg(summary.durationMs);
    return line;
}

QString ResultTable::render(const BroadcastRequest &request, const BroadcastSummary &summary, const QList<TargetResult> &results)
{
    QStringList headings = {QStringLiteral("TARGET"),  QStringLiteral("OUTCOME"),  QStringLiteral("CODE"),
                            QStringLiteral("LATENCY"), QStringLiteral("ATTEMPTS"), QStringLiteral("ERROR")};
    if (summary.verifyAsked)
        headings.append(QStringLiteral("VERIFIED"));
    QList<QStringList> rows;
    for (const TargetResult &result : results) {
        rows.append({result.target.baseUrl.toString(), targetOutcomeName(result.outcome),
                     result.status > 0 ? QString::number(result.status) : QStringLiteral("-"),
                     QStringLiteral("%1 ms").arg(result.latencyMs), QString::number(result.attempts.size()), result.error});
        if (summary.verifyAsked)
            rows.last().append(verifiedCell(result.verify));
    }
    QList<int> widths;
    for (int column = 0; column < headings.size(); ++column) {
        int width = headings.at(column).size();
        for (const QStringList &row : rows)
            width = std::max(width, static_cast<int>(row.at(column).size()));
        widths.append(width);
    }
    const auto line = [&](const QStringList &cells) {
        QString text;
        for (int column = 0; column < cells.size(); ++column) {
            const bool numeric = column >= 2 && column <= 4;
            const QString cell = numeric ? cells.at(column).rightJustified(widths.at(column))
                                         : cells.at(column).leftJustified(widths.at(column));
            text += (column ? QStringLiteral("  ") : QString()) + cell;
        }
        return text.trimmed() + QLatin1Char('\n');
    };
    QString text = line(headings);
    for (const QStringList &row : rows)
        text += line(row);
    text += QStringLiteral("%1 %2: %3 - policy %4 %5")
                .arg(QString::fromLatin1(request.method), QString::fromLatin1(request.pathAndQuery), summaryLine(summary),
                     summary.policy.toString(), summary.policyMet ? QStringLiteral("met") : QStringLiteral("not met"));
    if (!summary.policyMet && !summary.reason.isEmpty())
        text += QStringLiteral(" (%1)").arg(summary.reason);
    return text + QLatin1Char('\n');
}

} // namespace herald
