#pragma once

#include "profile.h"

#include <QString>
#include <QStringList>

namespace herald {

// Profiles as one readable JSON file each (<name>.json) in a directory, by default the user's
// config location. Writes are atomic (QSaveFile): a crash never leaves half a profile.
class ProfileStore
{
public:
    explicit ProfileStore(const QString &directory = defaultDirectory());
    static QString defaultDirectory();

    QString directory() const { return m_directory; }
    QString pathFor(const QString &name) const;
    QStringList names() const;
    bool load(const QString &name, Profile *profile, QString *error) const;
    // Errors start with the file's path, then the field and the problem.
    static bool loadFile(const QString &path, Profile *profile, QString *error);
    bool save(const Profile &profile, QString *error);
    bool remove(const QString &name, QString *error);
    bool rename(const QString &from, const QString &to, QString *error);
    bool importFile(const QString &path, Profile *imported, QString *error, bool overwrite = false);
    bool exportTo(const QString &name, const QString &path, QString *error) const;

private:
    static bool writeFile(const QString &path, const Profile &profile, QString *error);
    QString m_directory;
};

} // namespace herald
