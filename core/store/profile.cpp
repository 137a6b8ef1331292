#include "store/profile.h"

#include "policy/outcomepolicy.h"
#include "policy/statusrule.h"
#include "policy/verifyrule.h"
#include "store/profiletemplate.h"
#include "util/duration.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace herald {

namespace {

constexpr int maxNameLength = 100;
constexpr int maxRetries = 100;

// Field readers: each validates one JSON field into the profile or says what is wrong with it.
using FieldReader = bool (*)(const QJsonValue &value, Profile *profile, QString *problem);

bool fail(QString *problem, const QString &text)
{
    *problem = text;
    return false;
}

bool readString(const QJsonValue &value, QString *out, QString *problem)
{
    if (!value.isString())
        return fail(problem, QStringLiteral("must be a string"));
    *out = value.toString();
    return true;
}

bool readName(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!readString(value, &profile->name, problem))
        return false;
    if (!Profile::isValidName(profile->name))
        return fail(problem, QStringLiteral("'%1' is not a profile name: 1 to %2 letters, digits, '.', '_' or '-'")
                                 .arg(profile->name)
                                 .arg(maxNameLength));
    return true;
}

bool readDescription(const QJsonValue &value, Profile *profile, QString *problem)
{
    return readString(value, &profile->description, problem);
}

bool readMethod(const QJsonValue &value, Profile *profile, QString *problem)
{
    QString method;
    if (!readString(value, &method, problem))
        return false;
    profile->method = method.toLatin1();
    if (!isHttpToken(profile->method))
        return fail(problem, QStringLiteral("'%1' is not an HTTP method token such as GET or PURGE").arg(method));
    return true;
}

bool readPath(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!readString(value, &profile->path, problem))
        return false;
    const QString &path = profile->path;
    if (!path.startsWith(QLatin1Char('/')))
        return fail(problem, QStringLiteral("'%1' must start with /").arg(path));
    const bool unsafe = std::any_of(path.cbegin(), path.cend(),
                                    [](QChar c) { return c.unicode() <= 0x20 || c.unicode() == 0x7f || c.isSpace(); });
    if (unsafe)
        return fail(problem, QStringLiteral("must not contain spaces or control characters (write %20)"));
    if (path.contains(QLatin1Char('#')))
        return fail(problem, QStringLiteral("must not contain '#': a fragment is never sent (write %23)"));
    return true;
}

bool readHeaders(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!value.isArray())
        return fail(problem, QStringLiteral("must be an array of [\"Name\", \"value\"] pairs"));
    const QJsonArray entries = value.toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonArray pair = entries.at(i).toArray();
        const QString entry = QStringLiteral("entry %1: ").arg(i + 1);
        if (!entries.at(i).isArray() || pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isString())
            return fail(problem, entry + QStringLiteral("must be [\"Name\", \"value\"] (two strings)"));
        const QByteArray name = pair.at(0).toString().toLatin1();
        const QByteArray headerValue = pair.at(1).toString().toUtf8();
        if (!isHttpToken(name))
            return fail(problem, entry + QStringLiteral("'%1' is not a header name").arg(pair.at(0).toString()));
        if (ProfileTemplate::hasControlCharacter(headerValue))
            return fail(problem, entry
                                     + QStringLiteral("the value of %1 must not contain CR, LF or other control characters")
                                           .arg(pair.at(0).toString()));
        profile->headers.append({name, headerValue});
    }
    return true;
}

bool readBody(const QJsonValue &value, Profile *profile, QString *problem)
{
    QString body;
    if (!readString(value, &body, problem))
        return false;
    profile->body = body.toUtf8();
    return true;
}

bool readBodyBase64(const QJsonValue &value, Profile *profile, QString *problem)
{
    QString text;
    if (!readString(value, &text, problem))
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return fail(problem, QStringLiteral("is not valid base64"));
    profile->body = *decoded;
    return true;
}

bool readTargets(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!value.isObject())
        return fail(problem,
                    QStringLiteral("must be an object: {\"static\": [URL...]}, {\"dns\": \"name:port\"} or {\"srv\": \"name\"}"));
    if (!TargetSourceSpec::fromJson(value.toObject(), &profile->targets, problem))
        return false;
    profile->hasTargets = true;
    return true;
}

bool readGroups(const QJsonValue &value, Profile *profile, QString *problem)
{
    const QJsonArray names = value.isString() ? QJsonArray{value} : value.toArray();
    if (!value.isString() && (!value.isArray() || names.isEmpty()))
        return fail(problem, QStringLiteral("must be a group name or a non-empty array of names"));
    for (const QJsonValue &name : names) {
        if (!name.isString() || !Profile::isValidName(name.toString()))
            return fail(problem, QStringLiteral("'%1' is not a group name: 1 to %2 letters, digits, '.', '_' or '-'")
                                     .arg(name.toVariant().toString())
                                     .arg(maxNameLength));
        if (!profile->groups.contains(name.toString()))
            profile->groups.append(name.toString());
    }
    return true;
}

bool readRetries(const QJsonValue &value, Profile *profile, QString *problem)
{
    const double retries = value.toDouble(-1);
    if (!value.isDouble() || retries < 0 || retries != std::floor(retries))
        return fail(problem, QStringLiteral("must be a whole number >= 0"));
    if (retries > maxRetries)
        return fail(problem, QStringLiteral("must be at most %1").arg(maxRetries));
    profile->retries = static_cast<int>(retries);
    return true;
}

bool readTimeout(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!value.isString() && !value.isDouble())
        return fail(problem, QStringLiteral("must be a duration such as \"2s\" or \"500ms\", or a number of seconds"));
    // A number is seconds; three decimals keep whole milliseconds and avoid exponent notation.
    const QString text = value.isDouble() ? QString::number(value.toDouble(), 'f', 3) : value.toString();
    int ms = 0;
    if (!parseDuration(text, &ms, problem))
        return false;
    if (ms <= 0)
        return fail(problem, QStringLiteral("must be more than 0"));
    profile->timeoutMs = ms;
    return true;
}

bool readPolicy(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!readString(value, &profile->policy, problem))
        return false;
    problem->clear();
    OutcomePolicy::parse(profile->policy, problem);
    return problem->isEmpty();
}

bool readRetryOn(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!readString(value, &profile->retryOn, problem))
        return false;
    // Empty means "the face's default" inside Profile, so it cannot also mean "never".
    if (profile->retryOn.trimmed().isEmpty())
        return fail(problem, QStringLiteral("must not be empty; write \"none\" to retry on no status"));
    problem->clear();
    StatusRule::parse(profile->retryOn, problem);
    return problem->isEmpty();
}

bool readVerify(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!readString(value, &profile->verify, problem))
        return false;
    problem->clear();
    const VerifyRule rule = VerifyRule::parse(profile->verify, problem);
    if (problem->isEmpty() && rule.isEmpty())
        return fail(problem, QStringLiteral("must not be empty; leave the field out for no check"));
    return problem->isEmpty();
}

bool readParameters(const QJsonValue &value, Profile *profile, QString *problem)
{
    if (!value.isObject())
        return fail(problem,
                    QStringLiteral("must be an object of {\"name\": {\"pattern\", \"default\", \"allowEmpty\", \"description\"}}"));
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        ProfileParameter parameter;
        if (!ProfileParameter::fromJson(it.key(), it.value(), &parameter, problem))
            return false;
        profile->declaredParameters.append(parameter);
    }
    return true;
}

struct Field
{
    QLatin1String key;
    FieldReader read;
};

// Also the order in which errors are found, and the list shown for an unknown field.
const Field fields[] = {
    {QLatin1String("name"), readName},
    {QLatin1String("description"), readDescription},
    {QLatin1String("method"), readMethod},
    {QLatin1String("path"), readPath},
    {QLatin1String("headers"), readHeaders},
    {QLatin1String("body"), readBody},
    {QLatin1String("bodyBase64"), readBodyBase64},
    {QLatin1String("targets"), readTargets},
    {QLatin1String("group"), readGroups},
    {QLatin1String("retries"), readRetries},
    {QLatin1String("timeout"), readTimeout},
    {QLatin1String("policy"), readPolicy},
    {QLatin1String("retryOn"), readRetryOn},
    {QLatin1String("verify"), readVerify},
    {QLatin1String("parameters"), readParameters},
};

bool fieldError(QString *error, const QString &field, const QString &problem)
{
    if (error)
        *error = QStringLiteral("field \"%1\": %2").arg(field, problem);
    return false;
}

} // namespace

bool Profile::isValidName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]+$"));
    return name.size() <= maxNameLength && pattern.match(name).hasMatch() && name != QLatin1String(".")
           && name != QLatin1String("..");
}

bool Profile::fromJson(const QJsonObject &json, Profile *profile, QString *error)
{
    QStringList known;
    for (const Field &field : fields)
        known.append(field.key);
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return fieldError(error, it.key(), QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));
    }
    if (!json.contains(QLatin1String("name")))
        return fieldError(error, QStringLiteral("name"), QStringLiteral("is required"));
    if (json.contains(QLatin1String("body")) && json.contains(QLatin1String("bodyBase64")))
        return fieldError(error, QStringLiteral("body"), QStringLiteral("give either body or bodyBase64, not both"));
    Profile result;
    for (const Field &field : fields) {
        QString problem;
        if (json.contains(field.key) && !field.read(json.value(field.key), &result, &problem))
            return fieldError(error, field.key, problem);
    }
    // A declaration of nothing is a typo: it would silently leave the real parameter required.
    const QStringList used = result.parameters();
    for (const ProfileParameter &parameter : result.declaredParameters) {
        if (!used.contains(parameter.name))
            return fieldError(error, QStringLiteral("parameters"),
                              QStringLiteral("parameter \"%1\" is not used in the path, a header value or the body (used: %2)")
                                  .arg(parameter.name, used.isEmpty() ? QStringLiteral("none") : used.join(QStringLiteral(", "))));
    }
    *profile = result;
    return true;
}

QJsonObject Profile::toJson() const
{
    QJsonObject json{{QLatin1String("name"), name},
                     {QLatin1String("method"), QString::fromLatin1(method)},
                     {QLatin1String("path"), path}};
    if (!description.isEmpty())
        json.insert(QLatin1String("description"), description);
    if (!headers.isEmpty()) {
        QJsonArray array;
        for (const HttpHeader &header : headers)
            array.append(QJsonArray{QString::fromLatin1(header.first), QString::fromUtf8(header.second)});
        json.insert(QLatin1String("headers"), array);
    }
    if (!body.isEmpty()) {
        if (ProfileTemplate::isText(body))
            json.insert(QLatin1String("body"), QString::fromUtf8(body));
        else
            json.insert(QLatin1String("bodyBase64"), QString::fromLatin1(body.toBase64()));
    }
    if (hasTargets)
        json.insert(QLatin1String("targets"), targets.toJson());
    if (groups.size() == 1)
        json.insert(QLatin1String("group"), groups.first());
    else if (!groups.isEmpty())
        json.insert(QLatin1String("group"), QJsonArray::fromStringList(groups));
    if (retries >= 0)
        json.insert(QLatin1String("retries"), retries);
    if (timeoutMs >= 0)
        json.insert(QLatin1String("timeout"), formatDuration(timeoutMs));
    if (!policy.isEmpty())
        json.insert(QLatin1String("policy"), policy);
    if (!retryOn.isEmpty())
        json.insert(QLatin1String("retryOn"), retryOn);
    if (!verify.isEmpty())
        json.insert(QLatin1String("verify"), verify);
    if (!declaredParameters.isEmpty()) {
        QJsonObject declared;
        for (const ProfileParameter &parameter : declaredParameters)
            declared.insert(parameter.name, parameter.toJson());
        json.insert(QLatin1String("parameters"), declared);
    }
    return json;
}

QStringList Profile::parameters() const
{
    return ProfileTemplate::parameters(*this);
}

bool Profile::fill(const QHash<QString, QString> &values, Profile *filled, QString *error) const
{
    return ProfileTemplate::fill(*this, values, filled, error);
}

} // namespace herald
