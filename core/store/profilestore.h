#pragma once

#include "store/profile.h"

#include <QString>
#include <QStringList>

namespace herald {

// Profiles as one readable JSON file each (<name>.json) in a directory, by default the user's
// config location. Writes are atomic (QSaveFile): a crash never leaves half a profile.
class ProfileStore
{
public:
    // An empty directory means defaultDirectory(), never the file system root.
    explicit ProfileStore(const QString &directory = defaultDirectory());
    static QString defaultDirectory();

    QString directory() const { return m_directory; }
    QString pathFor(const QString &name) const;
    // Sorted; every <name>.json with a valid name, including files that fail to load.
    QStringList names() const;
    bool load(const QString &name, Profile *profile, QString *error) const;
    // Any file, e.g. `herald send --profile ./x.json`. Errors start with the file's path, then the
    // field and the problem. A file without "name" takes its file name.
    static bool loadFile(const QString &path, Profile *profile, QString *error);
    // Validates first, so the store never holds a file that load() would refuse.
    bool save(const Profile &profile, QString *error);
    bool remove(const QString &name, QString *error);
    // Refuses to replace an existing profile.
    bool rename(const QString &from, const QString &to, QString *error);
    // Stores the file's profile under its "name"; refuses to replace one unless overwrite is set.
    bool importFile(const QString &path, Profile *imported, QString *error, bool overwrite = false);
    bool exportTo(const QString &name, const QString &path, QString *error) const;

private:
    static bool readObject(const QString &path, QJsonObject *json, QString *error);
    static bool writeFile(const QString &path, const Profile &profile, QString *error);
    QString m_directory;
};

} // namespace herald
