#include "store/groupstore.h"

#include "store/jsonfiledirectory.h"
#include "store/storelocation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace herald {

namespace {

bool storeError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

QString badName(const QString &name)
{
    return QStringLiteral("'%1' is not a group name (1 to 100 letters, digits, '.', '_' or '-')").arg(name);
}

} // namespace

GroupStore::GroupStore(const QString &directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : directory)
{
}

QString GroupStore::defaultDirectory()
{
    return StoreLocation().groupDirectory();
}

QString GroupStore::besideProfiles(const QString &profileDirectory)
{
    return QFileInfo(profileDirectory).dir().filePath(QStringLiteral("groups"));
}

QString GroupStore::pathFor(const QString &name) const
{
    return JsonFileDirectory(m_directory).pathFor(name);
}

QStringList GroupStore::names() const
{
    return JsonFileDirectory(m_directory).names(TargetGroup::isValidName);
}

// `name` empty: the file's own "name" (or its file name when it has none).
bool GroupStore::readFile(const QString &path, const QString &name, TargetGroup *group, QString *error)
{
    QJsonObject json;
    if (!JsonFileDirectory::read(path, &json, error))
        return false;
    // In the store the file name is the group's identity, as for profiles.
    if (!name.isEmpty())
        json.insert(QLatin1String("name"), name);
    else if (!json.contains(QLatin1String("name")))
        json.insert(QLatin1String("name"), QFileInfo(path).completeBaseName());
    QString problem;
    if (!TargetGroup::fromJson(json, group, &problem))
        return storeError(error, QStringLiteral("%1: %2").arg(path, problem));
    return true;
}

bool GroupStore::load(const QString &name, TargetGroup *group, QString *error) const
{
    if (!TargetGroup::isValidName(name))
        return storeError(error, badName(name));
    const QString path = pathFor(name);
    if (!QFileInfo(path).isFile()) {
        const QStringList known = names();
        return storeError(error, QStringLiteral("unknown group '%1' (known: %2)")
                                     .arg(name, known.isEmpty() ? QStringLiteral("none in %1").arg(m_directory)
                                                                : known.join(QStringLiteral(", "))));
    }
    return readFile(path, name, group, error);
}

bool GroupStore::save(const TargetGroup &group, QString *error)
{
    if (!TargetGroup::isValidName(group.name))
        return storeError(error, badName(group.name));
    TargetGroup check;
    QString problem;
    if (!TargetGroup::fromJson(group.toJson(), &check, &problem))
        return storeError(error, QStringLiteral("group '%1' not saved: %2").arg(group.name, problem));
    return JsonFileDirectory::write(pathFor(group.name), QJsonDocument(group.toJson()).toJson(QJsonDocument::Indented), error);
}

bool GroupStore::remove(const QString &name, QString *error)
{
    if (!TargetGroup::isValidName(name))
        return storeError(error, badName(name));
    return JsonFileDirectory(m_directory).remove(name, QStringLiteral("group"), error);
}

bool GroupStore::importFile(const QString &path, TargetGroup *imported, QString *error, bool overwrite)
{
    TargetGroup group;
    if (!readFile(path, QString(), &group, error))
        return false;
    if (!overwrite && QFileInfo::exists(pathFor(group.name)))
        return storeError(error, QStringLiteral("a group '%1' exists already").arg(group.name));
    if (!save(group, error))
        return false;
    if (imported)
        *imported = group;
    return true;
}

} // namespace herald
