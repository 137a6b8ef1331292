#include "store/profiletemplate.h"

#include "store/profile.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <optional>

namespace herald {

namespace {

// "{{" is the only escape. Treating "}}" as one too would corrupt JSON bodies ({"a":{"b":1}}).
const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\{\\{|\\{([A-Za-z_][A-Za-z0-9_-]*)\\}"));
    return pattern;
}

QStringList placeholdersIn(const QString &text)
{
    QStringList names;
    auto it = placeholderPattern().globalMatch(text);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    }
    return names;
}

void appendNew(QStringList *names, const QStringList &more)
{
    for (const QString &name : more) {
        if (!names->contains(name))
            names->append(name);
    }
}

QString substitute(const QString &text, const QHash<QString, QString> &values, bool percentEncode)
{
    QString out;
    qsizetype last = 0;
    auto it = placeholderPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        out.append(QStringView(text).mid(last, match.capturedStart() - last));
        if (match.captured(1).isEmpty()) {
            out += QLatin1Char('{');
        } else {
            const QString value = values.value(match.captured(1));
            out += percentEncode ? QString::fromLatin1(QUrl::toPercentEncoding(value)) : value;
        }
        last = match.capturedEnd();
    }
    out.append(QStringView(text).mid(last));
    return out;
}

QStringList pathSegments(const QString &path)
{
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    return (query < 0 ? path : path.left(query)).split(QLatin1Char('/'));
}

QString joinBraced(const QStringList &names)
{
    QStringList braced;
    for (const QString &name : names)
        braced.append(QLatin1Char('{') + name + QLatin1Char('}'));
    return braced.join(QStringLiteral(", "));
}

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

// Every used parameter's value under its declaration (an undeclared one is required).
bool resolveValues(const Profile &profile, const QStringList &names, const QHash<QString, QString> &given,
                   QHash<QString, QString> *resolved, QString *error)
{
    QStringList unknown;
    for (auto it = given.cbegin(); it != given.cend(); ++it) {
        if (!names.contains(it.key()))
            unknown.append(it.key());
    }
    unknown.sort();
    if (!unknown.isEmpty())
        return fail(error, QStringLiteral("the profile has no parameter %1 (it has: %2)")
                               .arg(joinBraced(unknown), names.isEmpty() ? QStringLiteral("none") : joinBraced(names)));
    for (const QString &name : names) {
        ProfileParameter declared;
        declared.name = name;
        for (const ProfileParameter &parameter : profile.declaredParameters) {
            if (parameter.name == name)
                declared = parameter;
        }
        const auto value = given.constFind(name);
        QString filled;
        if (!declared.resolve(value == given.cend() ? std::nullopt : std::optional<QString>(*value), &filled, error))
            return false;
        resolved->insert(name, filled);
    }
    return true;
}

// Values are percent-encoded, so segments line up one to one with the template's.
bool checkDotSegments(const QString &before, const QString &after, QString *error)
{
    const QStringList templateSegments = pathSegments(before);
    const QStringList filledSegments = pathSegments(after);
    for (qsizetype i = 0; i < filledSegments.size(); ++i) {
        const QString &segment = filledSegments.at(i);
        const bool dotSegment = segment == QLatin1String(".") || segment == QLatin1String("..");
        if (dotSegment && templateSegments.value(i) != segment)
            return fail(error, QStringLiteral("the values would put a '%1' segment into the path %2").arg(segment, before));
    }
    return true;
}

bool fillHeader(HttpHeader *header, const QHash<QString, QString> &values, QString *error)
{
    if (!ProfileTemplate::isText(header->second))
        return true;
    const QString templateValue = QString::fromUtf8(header->second);
    header->second = substitute(templateValue, values, false).toUtf8();
    if (!ProfileTemplate::hasControlCharacter(header->second))
        return true;
    for (const QString &parameter : placeholdersIn(templateValue)) {
        if (ProfileTemplate::hasControlCharacter(values.value(parameter).toUtf8()))
            return fail(error,
                        QStringLiteral("parameter \"%1\": the value would put CR, LF or another control character into header %2")
                            .arg(parameter, QString::fromLatin1(header->first)));
    }
    return fail(error, QStringLiteral("the values would put CR, LF or another control character into header %1")
                           .arg(QString::fromLatin1(header->first)));
}

} // namespace

bool ProfileTemplate::isText(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

bool ProfileTemplate::hasControlCharacter(const QByteArray &value)
{
    return std::any_of(value.cbegin(), value.cend(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && byte != '\t') || byte == 0x7f;
    });
}

QStringList ProfileTemplate::parameters(const Profile &profile)
{
    QStringList names = placeholdersIn(profile.path);
    for (const HttpHeader &header : profile.headers) {
        if (isText(header.second))
            appendNew(&names, placeholdersIn(QString::fromUtf8(header.second)));
    }
    if (isText(profile.body))
        appendNew(&names, placeholdersIn(QString::fromUtf8(profile.body)));
    return names;
}

bool ProfileTemplate::fill(const Profile &profile, const QHash<QString, QString> &values, Profile *filled, QString *error)
{
    QHash<QString, QString> resolved;
    if (!resolveValues(profile, parameters(profile), values, &resolved, error))
        return false;
    Profile result = profile;
    result.path = substitute(profile.path, resolved, true);
    if (!checkDotSegments(profile.path, result.path, error))
        return false;
    for (HttpHeader &header : result.headers) {
        if (!fillHeader(&header, resolved, error))
            return false;
    }
    if (isText(profile.body))
        result.body = substitute(QString::fromUtf8(profile.body), resolved, false).toUtf8();
    *filled = result;
    return true;
}

} // namespace herald
