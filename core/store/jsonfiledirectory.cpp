#include "store/jsonfiledirectory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <utility>

namespace herald {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

JsonFileDirectory::JsonFileDirectory(QString directory)
    : m_directory(std::move(directory))
{
}

QString JsonFileDirectory::pathFor(const QString &name) const
{
    return m_directory + QLatin1Char('/') + name + QStringLiteral(".json");
}

QStringList JsonFileDirectory::names(const std::function<bool(const QString &)> &isValidName) const
{
    QStringList names;
    const QFileInfoList files = QDir(m_directory).entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Hidden);
    for (const QFileInfo &file : files) {
        if (isValidName(file.completeBaseName()))
            names.append(file.completeBaseName());
    }
    names.sort();
    return names;
}

bool JsonFileDirectory::read(const QString &path, QJsonObject *json, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // A person fixes a hand-edited file by line, not by byte offset.
        const qsizetype line = bytes.left(parseError.offset).count('\n') + 1;
        return fail(error, QStringLiteral("%1: line %2: invalid JSON: %3").arg(path).arg(line).arg(parseError.errorString()));
    }
    if (!document.isObject())
        return fail(error, QStringLiteral("%1: must be a JSON object {...}").arg(path));
    *json = document.object();
    return true;
}

bool JsonFileDirectory::write(const QString &path, const QByteArray &bytes, QString *error)
{
    const QString directory = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(directory))
        return fail(error, QStringLiteral("%1: cannot create the directory").arg(directory));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    file.write(bytes);
    // commit() renames the finished temporary file over the old one; on failure it removes it.
    if (!file.commit())
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    return true;
}

bool JsonFileDirectory::remove(const QString &name, const QString &what, QString *error) const
{
    QFile file(pathFor(name));
    if (!file.exists())
        return fail(error, QStringLiteral("no %1 '%2' in %3").arg(what, name, m_directory));
    if (!file.remove())
        return fail(error, QStringLiteral("%1: %2").arg(file.fileName(), file.errorString()));
    return true;
}

} // namespace herald
