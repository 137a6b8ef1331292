#include "broadcast/runreport.h"

#include "broadcast/broadcastjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace herald {

namespace {

QByteArray csvField(const QString &text)
{
    QByteArray field = text.toUtf8();
    if (!field.contains(',') && !field.contains('"') && !field.contains('\n') && !field.contains('\r'))
        return field;
    field.replace('"', "\"\"");
    return '"' + field + '"';
}

} // namespace

RunReport::RunReport(const BroadcastSummary &summary, const QList<TargetResult> &results, const ResponseComparison &comparison)
    : m_summary(summary)
    , m_results(results)
    , m_comparison(comparison)
{
}

QByteArray RunReport::toJson() const
{
    QJsonObject json = BroadcastJson::toJson(m_summary, m_results, &m_comparison);
    QJsonArray targets = json.value(QLatin1String("targets")).toArray();
    for (qsizetype i = 0; i < targets.size(); ++i) {
        QJsonObject target = targets.at(i).toObject();
        target.insert(QLatin1String("group"), m_comparison.groupOf(static_cast<int>(i)));
        targets.replace(i, target);
    }
    json.insert(QLatin1String("targets"), targets);
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

QByteArray RunReport::toCsv() const
{
    QByteArray out = "target,outcome,status,latency_ms,attempts,error,group\r\n";
    for (qsizetype i = 0; i < m_results.size(); ++i) {
        const TargetResult &result = m_results.at(i);
        const int group = m_comparison.groupOf(static_cast<int>(i));
        out += csvField(result.target.baseUrl.toString()) + ',' + csvField(targetOutcomeName(result.outcome)) + ','
               + (result.status > 0 ? QByteArray::number(result.status) : QByteArray()) + ','
               + QByteArray::number(result.latencyMs) + ',' + QByteArray::number(result.attempts.size()) + ','
               + csvField(result.error) + ',' + (group >= 0 ? QByteArray::number(group) : QByteArray()) + "\r\n";
    }
    return out;
}

bool RunReport::write(const QString &fileName, QString *error) const
{
    const bool json = fileName.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    if (!json && !fileName.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)) {
        if (error)
            *error = QStringLiteral("report %1: the name must end in .json or .csv").arg(fileName);
        return false;
    }
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) || file.write(json ? toJson() : toCsv()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("report %1: %2").arg(fileName, file.errorString());
        return false;
    }
    return true;
}

} // namespace herald
