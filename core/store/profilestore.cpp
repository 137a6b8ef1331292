#include "store/profilestore.h"

#include "store/jsonfiledirectory.h"

#include "store/storelocation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
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
    return QStringLiteral("'%1' is not a profile name (1 to 100 letters, digits, '.', '_' or '-')").arg(name);
}

// One line per value, with a space after ':' and ',' as people write JSON by hand.
QByteArray compactJson(const QJsonValue &value)
{
    QByteArray out;
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array)
            out += (out.isEmpty() ? "" : ", ") + compactJson(item);
        return '[' + out + ']';
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            out += (out.isEmpty() ? "" : ", ") + compactJson(it.key()) + ": " + compactJson(it.value());
        return '{' + out + '}';
    }
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// QJsonDocument sorts keys alphabetically; a person reading the file wants the name first and
// the request before the settings, so the fields follow Profile's order.
QByteArray readableJson(const QJsonObject &json)
{
    static const QStringList order = {QStringLiteral("name"),       QStringLiteral("description"), QStringLiteral("method"),
                                      QStringLiteral("path"),       QStringLiteral("headers"),     QStringLiteral("body"),
                                      QStringLiteral("bodyBase64"), QStringLiteral("targets"),     QStringLiteral("group"),
                                      QStringLiteral("retries"),    QStringLiteral("timeout"),     QStringLiteral("policy"),
                                      QStringLiteral("retryOn")};
    QStringList keys;
    for (const QString &key : order) {
        if (json.contains(key))
            keys.append(key);
    }
    for (const QString &key : json.keys()) {
        if (!keys.contains(key))
            keys.append(key);
    }
    QByteArray out = "{\n";
    for (const QString &key : keys) {
        const QJsonValue value = json.value(key);
        QByteArray text = compactJson(value);
        if (value.isArray() && text.size() > 80) {
            QByteArrayList items;
            for (const QJsonValue &item : value.toArray())
                items.append("        " + compactJson(item));
            text = "[\n" + items.join(",\n") + "\n    ]";
        }
        out += "    " + compactJson(key) + ": " + text + (key == keys.last() ? "\n" : ",\n");
    }
    return out + "}\n";
}

} // namespace

ProfileStore::ProfileStore(const QString &directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : directory)
{
}

QString ProfileStore::defaultDirectory()
{
    return StoreLocation().profileDirectory();
}

QString ProfileStore::pathFor(const QString &name) const
{
    return JsonFileDirectory(m_directory).pathFor(name);
}

QStringList ProfileStore::names() const
{
    return JsonFileDirectory(m_directory).names(Profile::isValidName);
}

bool ProfileStore::readObject(const QString &path, QJsonObject *json, QString *error)
{
    return JsonFileDirectory::read(path, json, error);
}

bool ProfileStore::loadFile(const QString &path, Profile *profile, QString *error)
{
    QJsonObject json;
    if (!readObject(path, &json, error))
        return false;
    if (!json.contains(QLatin1String("name")))
        json.insert(QLatin1String("name"), QFileInfo(path).completeBaseName());
    QString problem;
    if (!Profile::fromJson(json, profile, &problem))
        return storeError(error, QStringLiteral("%1: %2").arg(path, problem));
    return true;
}

bool ProfileStore::load(const QString &name, Profile *profile, QString *error) const
{
    if (!Profile::isValidName(name))
        return storeError(error, badName(name));
    const QString path = pathFor(name);
    if (!QFileInfo(path).isFile())
        return storeError(error, QStringLiteral("no profile '%1' in %2").arg(name, m_directory));
    QJsonObject json;
    if (!readObject(path, &json, error))
        return false;
    // In the store the file name is the profile's identity: it is what `--profile NAME`, the
    // admin API and the GUI list find, and names() lists. A "name" inside that disagrees (a file
    // copied or renamed by hand) must not make the profile answer to, or be saved as, another name.
    json.insert(QLatin1String("name"), name);
    QString problem;
    if (!Profile::fromJson(json, profile, &problem))
        return storeError(error, QStringLiteral("%1: %2").arg(path, problem));
    return true;
}

bool ProfileStore::writeFile(const QString &path, const Profile &profile, QString *error)
{
    return JsonFileDirectory::write(path, readableJson(profile.toJson()), error);
}

bool ProfileStore::save(const Profile &profile, QString *error)
{
    if (!Profile::isValidName(profile.name))
        return storeError(error, badName(profile.name));
    Profile check;
    QString problem;
    if (!Profile::fromJson(profile.toJson(), &check, &problem))
        return storeError(error, QStringLiteral("profile '%1' not saved: %2").arg(profile.name, problem));
    return writeFile(pathFor(profile.name), profile, error);
}

bool ProfileStore::remove(const QString &name, QString *error)
{
    if (!Profile::isValidName(name))
        return storeError(error, badName(name));
    return JsonFileDirectory(m_directory).remove(name, QStringLiteral("profile"), error);
}

bool ProfileStore::rename(const QString &from, const QString &to, QString *error)
{
    if (!Profile::isValidName(to))
        return storeError(error, badName(to));
    Profile profile;
    if (!load(from, &profile, error))
        return false;
    if (from == to)
        return true;
    if (QFileInfo::exists(pathFor(to)))
        return storeError(error, QStringLiteral("a profile '%1' exists already").arg(to));
    profile.name = to;
    if (!save(profile, error))
        return false;
    if (!remove(from, error)) {
        QFile::remove(pathFor(to)); // one profile, not two copies under different names
        return false;
    }
    return true;
}

bool ProfileStore::importFile(const QString &path, Profile *imported, QString *error, bool overwrite)
{
    Profile profile;
    if (!loadFile(path, &profile, error))
        return false;
    if (!overwrite && QFileInfo::exists(pathFor(profile.name)))
        return storeError(error, QStringLiteral("a profile '%1' exists already; remove or rename it first").arg(profile.name));
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
