#include "store/targetgroup.h"

#include "store/profile.h"

#include <QStringList>

namespace herald {

namespace {

bool fieldError(QString *error, const QString &field, const QString &problem)
{
    if (error)
        *error = QStringLiteral("field \"%1\": %2").arg(field, problem);
    return false;
}

} // namespace

bool TargetGroup::isValidName(const QString &name)
{
    return Profile::isValidName(name);
}

bool TargetGroup::fromJson(const QJsonObject &json, TargetGroup *group, QString *error)
{
    const QStringList known = {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("targets")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return fieldError(error, it.key(), QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));
    }
    TargetGroup result;
    const QJsonValue name = json.value(QLatin1String("name"));
    if (!name.isString())
        return fieldError(error, QStringLiteral("name"),
                          name.isUndefined() ? QStringLiteral("is required") : QStringLiteral("must be a string"));
    result.name = name.toString();
    if (!isValidName(result.name))
        return fieldError(error, QStringLiteral("name"),
                          QStringLiteral("'%1' is not a group name: 1 to 100 letters, digits, '.', '_' or '-'").arg(result.name));
    if (json.contains(QLatin1String("description"))) {
        if (!json.value(QLatin1String("description")).isString())
            return fieldError(error, QStringLiteral("description"), QStringLiteral("must be a string"));
        result.description = json.value(QLatin1String("description")).toString();
    }
    const QJsonValue targets = json.value(QLatin1String("targets"));
    if (!targets.isObject())
        return fieldError(error, QStringLiteral("targets"),
                          targets.isUndefined()
                              ? QStringLiteral("is required")
                              : QStringLiteral("must be an object: {\"static\": [URL...]}, {\"dns\": \"name:port\"} or "
                                               "{\"srv\": \"name\"}"));
    QString problem;
    if (!TargetSourceSpec::fromJson(targets.toObject(), &result.targets, &problem))
        return fieldError(error, QStringLiteral("targets"), problem);
    if (result.targets.kind == TargetSourceSpec::Kind::Static && result.targets.targets.isEmpty())
        return fieldError(error, QStringLiteral("targets"), QStringLiteral("the static list is empty"));
    *group = result;
    return true;
}

QJsonObject TargetGroup::toJson() const
{
    QJsonObject json{{QLatin1String("name"), name}, {QLatin1String("targets"), targets.toJson()}};
    if (!description.isEmpty())
        json.insert(QLatin1String("description"), description);
    return json;
}

} // namespace herald
