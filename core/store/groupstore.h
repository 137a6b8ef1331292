#pragma once

#include "store/targetgroup.h"

#include <QString>
#include <QStringList>

namespace herald {

// Target groups as one JSON file each (<name>.json) in the groups directory beside the profiles
// (StoreLocation), so every face finds what another saved. Writes are atomic (QSaveFile).
class GroupStore
{
public:
    // An empty directory means defaultDirectory(), never the file system root.
    explicit GroupStore(const QString &directory = defaultDirectory());
    static QString defaultDirectory();
    // The groups folder next to a profile folder, as StoreLocation lays them out.
    static QString besideProfiles(const QString &profileDirectory);

    QString directory() const { return m_directory; }
    QString pathFor(const QString &name) const;
    // Sorted; every <name>.json with a valid name, including files that fail to load.
    QStringList names() const;
    // Errors start with the file's path, then the line (bad JSON) or the field and the problem;
    // an unknown name is `unknown group 'x' (known: a, b)`.
    bool load(const QString &name, TargetGroup *group, QString *error) const;
    // Validates first, so the store never holds a file that load() would refuse.
    bool save(const TargetGroup &group, QString *error);
    bool remove(const QString &name, QString *error);
    // Stores the file's group under its "name"; refuses to replace one unless overwrite is set.
    bool importFile(const QString &path, TargetGroup *imported, QString *error, bool overwrite = false);

private:
    static bool readFile(const QString &path, const QString &name, TargetGroup *group, QString *error);
    QString m_directory;
};

} // namespace herald
