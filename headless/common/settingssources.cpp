#include "common/settingssources.h"

#include <QFile>
#include <QLocale>
#include <QJsonDocument>
#include <QJsonValue>
#include <QProcessEnvironment>

#include <cmath>

namespace herald {

QString SettingsSources::readFile(const QString &path, const QStringList &knownKeys, QJsonObject *values)
{
    QFile input(path);
    if (!input.open(QIODevice::ReadOnly))
        return QStringLiteral("config file %1: %2").arg(path, input.errorString());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(input.readAll(), &parseError);
    if (!document.isObject() && parseError.error == QJsonParseError::NoError)
        return QStringLiteral("config file %1: not a JSON object").arg(path);
    if (!document.isObject())
        return QStringLiteral("config file %1: not a JSON object (%2 at offset %3)")
            .arg(path, parseError.errorString())
            .arg(parseError.offset);
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!knownKeys.contains(it.key()))
            return QStringLiteral("config file %1: unknown key \"%2\"").arg(path, it.key());
    }
    *values = object;
    return {};
}

QString SettingsSources::fileText(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (number == std::floor(number) && std::fabs(number) < 1e15) // 1000000, not 1e+06
            return QString::number(static_cast<qint64>(number));
        return QString::number(number, 'g', QLocale::FloatingPointShortest);
    }
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

QHash<QString, QString> SettingsSources::processEnvironment()
{
    QHash<QString, QString> map;
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &key : environment.keys())
        map.insert(key, environment.value(key));
    return map;
}

} // namespace herald
