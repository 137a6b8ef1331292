#include "store/groupstore.h"

#include "store/storelocation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

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

// A person fixes a hand-edited file by line, not by byte offset.
int lineAt(const QByteArray &bytes, int offset)
{
    return static_cast<int>(bytes.left(offset).count('\n')) + 1;
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
    return m_directory + QLatin1Char('/') + name + QStringLiteral(".json");
}

QStringList GroupStore::names() const
{
    QStringList names;
    const QFileInfoList files = QDir(m_directory).entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Hidden);
    for (const QFileInfo &file : files) {
        if (TargetGroup::isValidName(file.completeBaseName()))
            names.append(file.completeBaseName());
    }
    names.sort();
    return names;
}

// `name` empty: the file's own "name" (or its file name when it has none).
bool GroupStore::readFile(const QString &path, const QString &name, TargetGroup *group, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return storeError(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return storeError(error, QStringLiteral("%1: line %2: invalid JSON: %3")
                                     .arg(path)
                                     .arg(lineAt(bytes, parseError.offset))
                                     .arg(parseError.errorString()));
    if (!document.isObject())
        return storeError(error, QStringLiteral("%1: must be a JSON object {...}").arg(path));
    QJsonObject json = document.object();
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
    if (!QDir().mkpath(m_directory))
        return storeError(error, QStringLiteral("%1: cannot create the directory").arg(m_directory));
    QSaveFile file(pathFor(group.name));
    if (!file.open(QIODevice::WriteOnly))
        return storeError(error, QStringLiteral("%1: %2").arg(file.fileName(), file.errorString()));
    file.write(QJsonDocument(group.toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return storeError(error, QStringLiteral("%1: %2").arg(file.fileName(), file.errorString()));
    return true;
}

bool GroupStore::remove(const QString &name, QString *error)
{
    if (!TargetGroup::isValidName(name))
        return storeError(error, badName(name));
    QFile file(pathFor(name));
    if (!file.exists())
        return storeError(error, QStringLiteral("no group '%1' in %2").arg(name, m_directory));
    if (!file.remove())
        return storeError(error, QStringLiteral("%1: %2").arg(file.fileName(), file.errorString()));
    return true;
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
