#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace herald {

// Where a settings table's values come from besides the flags: the JSON config file and the
// process environment. Kept out of the SettingsTable template so it is compiled once.
class SettingsSources
{
public:
    // Reads a JSON object from path into *values; a key not in knownKeys is refused.
    // Returns "" or an error naming the file (and the key).
    static QString readFile(const QString &path, const QStringList &knownKeys, QJsonObject *values);
    // A file value as the text a flag would carry: numbers without exponent, booleans as true/false.
    static QString fileText(const QJsonValue &value);
    static QHash<QString, QString> processEnvironment();
};

} // namespace herald
