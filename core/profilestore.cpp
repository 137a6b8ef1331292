#include "profilestore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

namespace herald {

ProfileStore::ProfileStore(const QString &directory)
    : m_directory(directory)
{
}

QString ProfileStore::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/profiles");
}

QString ProfileStore::pathFor(const QString &name) const
{
    return m_directory + QLatin1Char('/') + name + QStringLiteral(".json");
}

QStringList ProfileStore::names() const
{
    QStringList names;
    const QFileInfoList files = QDir(m_directory).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QFileInfo &file : files) {
        if (Profile::isValidName(file.completeBaseName()))
            names.append(file.completeBaseName());
    }
    return names;
}

bool ProfileStore::loadFile(const QString &path, Profile *profile, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        if (error)
            *error = QStringLiteral("%1: not a JSON object (%2 at offset %3)")
                         .arg(path, parseError.error == QJsonParseError::NoError ? QStringLiteral("wrong type") : parseError.errorString())
                         .arg(parseError.offset);
        return false;
    }
    QJsonObject json = document.object();
    if (!json.contains(QLatin1String("name")))
        json.insert(QLatin1String("name"), QFileInfo(path).completeBaseName());
    QString problem;
    if (!Profile::fromJson(json, profile, &problem)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, problem);
        return false;
    }
    return true;
}

bool ProfileStore::load(const QString &name, Profile *profile, QString *error) const
{
    if (!Profile::isValidName(name)) {
        if (error)
            *error = QStringLiteral("'%1' is not a profile name (letters, digits, '.', '_', '-')").arg(name);
        return false;
    }
    if (!QFile::exists(pathFor(name))) {
        if (error)
            *error = QStringLiteral("no profile '%1' in %2").arg(name, m_directory);
        return false;
    }
    if (!loadFile(pathFor(name), profile, error))
        return false;
    // In the store the file name is the profile's identity (it is what `--profile NAME` finds),
    // so a "name" inside that disagrees, e.g. after copying a file by hand, yields to it.
    profile->name = name;
    return true;
}

bool ProfileStore::writeFile(const QString &path, const Profile &profile, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool ProfileStore::save(const Profile &profile, QString *error)
{
    if (!Profile::isValidName(profile.name)) {
        if (error)
            *error = QStringLiteral("'%1' is not a profile name (letters, digits, '.', '_', '-')").arg(profile.name);
        return false;
    }
    return writeFile(pathFor(profile.name), profile, error);
}

bool ProfileStore::remove(const QString &name, QString *error)
{
    QFile file(pathFor(name));
    if (!Profile::isValidName(name) || !file.exists() || !file.remove()) {
        if (error)
            *error = QStringLiteral("cannot remove profile '%1': %2").arg(name, file.exists() ? file.errorString() : QStringLiteral("no such profile"));
        return false;
    }
    return true;
}

bool ProfileStore::rename(const QString &from, const QString &to, QString *error)
{
    if (!Profile::isValidName(to)) {
        if (error)
            *error = QStringLiteral("'%1' is not a profile name").arg(to);
        return false;
    }
    if (QFile::exists(pathFor(to))) {
        if (error)
            *error = QStringLiteral("a profile '%1' exists already").arg(to);
        return false;
    }
    Profile profile;
    if (!load(from, &profile, error))
        return false;
    profile.name = to;
    if (!save(profile, error))
        return false;
    return remove(from, error);
}

bool ProfileStore::importFile(const QString &path, Profile *imported, QString *error, bool overwrite)
{
    Profile profile;
    if (!loadFile(path, &profile, error))
        return false;
    if (!overwrite && QFile::exists(pathFor(profile.name))) {
        if (error)
            *error = QStringLiteral("a profile '%1' exists already").arg(profile.name);
        return false;
    }
    if (!save(profile, error))
        return false;
    if (imported)
        *imported = profile;
    return true;
}

bool ProfileStore::exportTo(const QString &name, const QString &path, QString *error) const
{
    Profile profile;
    return load(name, &profile, error) && writeFile(path, profile, error);
}

} // namespace herald
