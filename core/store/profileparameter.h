#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace herald {

// How a profile declares one {parameter}: required unless it has a default or allows an empty
// value, optionally restricted to a pattern. An undeclared parameter is a required one.
struct ProfileParameter
{
    QString name;
    QString description;
    QString pattern;      // empty: any value; else the whole value must match (anchored)
    QString defaultValue; // used when the value is missing or empty, if hasDefault
    bool hasDefault = false;
    bool allowEmpty = false;

    // {"pattern": "...", "default": "...", "allowEmpty": true, "description": "..."}. Unknown keys,
    // a bad regular expression and a default that does not match the pattern are errors.
    static bool fromJson(const QString &name, const QJsonValue &json, ProfileParameter *parameter, QString *problem);
    // Only the keys that are set.
    QJsonObject toJson() const;
    // The value to fill in from the one given (nullopt: none given), or an error naming the
    // parameter: `parameter "prefix": a value is required`.
    bool resolve(const std::optional<QString> &given, QString *value, QString *error) const;
};

} // namespace herald
