#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace herald {

// A folder of one JSON object per file, named after what it holds (profiles/NAME.json,
// groups/NAME.json): listing, reading with errors a person can fix by line, and writing whole
// files that never leave a half-written one behind. The stores decide what a valid name and a
// valid object are; this only keeps the files.
class JsonFileDirectory
{
public:
    explicit JsonFileDirectory(QString directory);

    const QString &path() const { return m_directory; }
    QString pathFor(const QString &name) const;
    // The names of the *.json files that `isValidName` accepts, sorted; hidden files too, since a
    // valid name may start with '.'.
    QStringList names(const std::function<bool(const QString &)> &isValidName) const;
    // "FILE: line N: invalid JSON: …" or "FILE: must be a JSON object {...}" on failure.
    static bool read(const QString &path, QJsonObject *json, QString *error);
    // Creates the folder when needed; the old file stays whole until the new one is complete.
    static bool write(const QString &path, const QByteArray &bytes, QString *error);
    // Removes `name`'s file; `what` ("profile", "group") names it in the error.
    bool remove(const QString &name, const QString &what, QString *error) const;

private:
    QString m_directory;
};

} // namespace herald
