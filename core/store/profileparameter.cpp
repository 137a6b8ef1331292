#include "store/profileparameter.h"

#include <QRegularExpression>
#include <QStringList>

namespace herald {

namespace {

const QStringList &knownKeys()
{
    static const QStringList keys = {QStringLiteral("description"), QStringLiteral("pattern"), QStringLiteral("default"),
                                     QStringLiteral("allowEmpty")};
    return keys;
}

bool fail(QString *problem, const QString &text)
{
    if (problem)
        *problem = text;
    return false;
}

bool matchesWhole(const QString &pattern, const QString &value)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(value).hasMatch();
}

} // namespace

bool ProfileParameter::fromJson(const QString &name, const QJsonValue &json, ProfileParameter *parameter, QString *problem)
{
    const QString prefix = QStringLiteral("parameter \"%1\": ").arg(name);
    if (!json.isObject())
        return fail(problem, prefix + QStringLiteral("must be an object such as {\"pattern\": \"^[0-9]+$\"} or {}"));
    const QJsonObject object = json.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!knownKeys().contains(it.key()))
            return fail(problem,
                        prefix
                            + QStringLiteral("unknown key \"%1\" (known: %2)").arg(it.key(), knownKeys().join(QStringLiteral(", "))));
    }
    ProfileParameter result;
    result.name = name;
    for (const char *key : {"description", "pattern", "default"}) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (!value.isUndefined() && !value.isString())
            return fail(problem, prefix + QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
    }
    result.description = object.value(QLatin1String("description")).toString();
    result.pattern = object.value(QLatin1String("pattern")).toString();
    result.hasDefault = object.contains(QLatin1String("default"));
    result.defaultValue = object.value(QLatin1String("default")).toString();
    const QJsonValue allowEmpty = object.value(QLatin1String("allowEmpty"));
    if (!allowEmpty.isUndefined() && !allowEmpty.isBool())
        return fail(problem, prefix + QStringLiteral("\"allowEmpty\" must be true or false"));
    result.allowEmpty = allowEmpty.toBool();
    if (!result.pattern.isEmpty()) {
        const QRegularExpression regex(result.pattern);
        if (!regex.isValid())
            return fail(problem, prefix
                                     + QStringLiteral("\"pattern\" '%1' is not a regular expression: %2 at offset %3")
                                           .arg(result.pattern, regex.errorString())
                                           .arg(regex.patternErrorOffset()));
        if (result.hasDefault && !matchesWhole(result.pattern, result.defaultValue))
            return fail(problem, prefix
                                     + QStringLiteral("the default '%1' does not match the pattern %2")
                                           .arg(result.defaultValue, result.pattern));
    }
    *parameter = result;
    return true;
}

QJsonObject ProfileParameter::toJson() const
{
    QJsonObject json;
    if (!description.isEmpty())
        json.insert(QLatin1String("description"), description);
    if (!pattern.isEmpty())
        json.insert(QLatin1String("pattern"), pattern);
    if (hasDefault)
        json.insert(QLatin1String("default"), defaultValue);
    if (allowEmpty)
        json.insert(QLatin1String("allowEmpty"), true);
    return json;
}

bool ProfileParameter::resolve(const std::optional<QString> &given, QString *value, QString *error) const
{
    const QString prefix = QStringLiteral("parameter \"%1\": ").arg(name);
    const bool empty = !given || given->isEmpty();
    if (empty && hasDefault) {
        *value = defaultValue;
        return true;
    }
    if (empty && !allowEmpty)
        return fail(error, prefix
                               + (given ? QStringLiteral("the value is empty; a value is required")
                                        : QStringLiteral("a value is required")));
    *value = given.value_or(QString());
    // An allowed empty value is exactly what was declared, so it needs no pattern.
    if (!value->isEmpty() && !pattern.isEmpty() && !matchesWhole(pattern, *value))
        return fail(error, prefix + QStringLiteral("'%1' does not match the pattern %2").arg(*value, pattern));
    return true;
}

} // namespace herald
