#include "profile.h"

#include "duration.h"
#include "outcomepolicy.h"
#include "statusrule.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>

namespace herald {

namespace {

const QRegularExpression &parameterPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\{\\{|\\}\\}|\\{([A-Za-z_][A-Za-z0-9_-]*)\\}"));
    return pattern;
}

void collectParameters(const QString &text, QStringList *names)
{
    auto it = parameterPattern().globalMatch(text);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!name.isEmpty() && !names->contains(name))
            names->append(name);
    }
}

// Replaces placeholders in `text`; `encode` percent-encodes the values (for the path).
QString substitute(const QString &text, const QHash<QString, QString> &values, bool encode)
{
    QString out;
    qsizetype last = 0;
    auto it = parameterPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        out += text.mid(last, match.capturedStart() - last);
        const QString token = match.captured(0);
        if (token == QLatin1String("{{"))
            out += QLatin1Char('{');
        else if (token == QLatin1String("}}"))
            out += QLatin1Char('}');
        else {
            const QString value = values.value(match.captured(1));
            out += encode ? QString::fromLatin1(QUrl::toPercentEncoding(value)) : value;
        }
        last = match.capturedEnd();
    }
    return out + text.mid(last);
}

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
    return pattern.match(name).hasMatch() && name != QLatin1String(".") && name != QLatin1String("..");
}

bool Profile::fromJson(const QJsonObject &json, Profile *profile, QString *error)
{
    static const QStringList known = {QStringLiteral("name"),    QStringLiteral("description"), QStringLiteral("method"),
                                      QStringLiteral("path"),    QStringLiteral("headers"),     QStringLiteral("body"),
                                      QStringLiteral("bodyBase64"), QStringLiteral("targets"),  QStringLiteral("retries"),
                                      QStringLiteral("timeout"), QStringLiteral("policy"),      QStringLiteral("retryOn")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return fieldError(error, it.key(), QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));
    }
    Profile result;
    result.name = json.value(QLatin1String("name")).toString();
    if (!isValidName(result.name))
        return fieldError(error, QStringLiteral("name"), QStringLiteral("must be letters, digits, '.', '_' or '-'"));
    result.description = json.value(QLatin1String("description")).toString();
    if (json.contains(QLatin1String("method"))) {
        result.method = json.value(QLatin1String("method")).toString().toLatin1();
        if (!isHttpToken(result.method))
            return fieldError(error, QStringLiteral("method"), QStringLiteral("must be an HTTP method token such as PURGE"));
    }
    if (json.contains(QLatin1String("path"))) {
        result.path = json.value(QLatin1String("path")).toString();
        if (!result.path.startsWith(QLatin1Char('/')) || result.path.contains(QLatin1Char(' ')))
            return fieldError(error, QStringLiteral("path"), QStringLiteral("must start with / and contain no spaces"));
    }
    if (json.contains(QLatin1String("headers"))) {
        const QJsonValue headers = json.value(QLatin1String("headers"));
        if (!headers.isArray())
            return fieldError(error, QStringLiteral("headers"), QStringLiteral("must be an array of [name, value] pairs"));
        for (const QJsonValue &entry : headers.toArray()) {
            const QJsonArray pair = entry.toArray();
            const QByteArray name = pair.at(0).toString().toLatin1();
            const QByteArray value = pair.at(1).toString().toUtf8();
            if (pair.size() != 2 || !isHttpToken(name) || value.contains('\r') || value.contains('\n'))
                return fieldError(error, QStringLiteral("headers"), QStringLiteral("each entry must be [\"Name\", \"value\"] without CR or LF"));
            result.headers.append({name, value});
        }
    }
    if (json.contains(QLatin1String("body")) && json.contains(QLatin1String("bodyBase64")))
        return fieldError(error, QStringLiteral("body"), QStringLiteral("give either body or bodyBase64, not both"));
    result.body = json.value(QLatin1String("body")).toString().toUtf8();
    if (json.contains(QLatin1String("bodyBase64"))) {
        const auto decoded = QByteArray::fromBase64Encoding(json.value(QLatin1String("bodyBase64")).toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fieldError(error, QStringLiteral("bodyBase64"), QStringLiteral("is not valid base64"));
        result.body = *decoded;
    }
    if (json.contains(QLatin1String("targets"))) {
        QString problem;
        if (!json.value(QLatin1String("targets")).isObject()
            || !TargetSourceSpec::fromJson(json.value(QLatin1String("targets")).toObject(), &result.targets, &problem))
            return fieldError(error, QStringLiteral("targets"), problem.isEmpty() ? QStringLiteral("must be an object") : problem);
        result.hasTargets = true;
    }
    if (json.contains(QLatin1String("retries"))) {
        const QJsonValue value = json.value(QLatin1String("retries"));
        const double retries = value.toDouble(-1);
        if (!value.isDouble() || retries < 0 || retries != std::floor(retries) || retries > 100)
            return fieldError(error, QStringLiteral("retries"), QStringLiteral("must be a whole number >= 0"));
        result.retries = static_cast<int>(retries);
    }
    if (json.contains(QLatin1String("timeout"))) {
        const QJsonValue value = json.value(QLatin1String("timeout"));
        const QString text = value.isDouble() ? QString::number(value.toDouble()) : value.toString();
        QString problem;
        if (!parseDuration(text, &result.timeoutMs, &problem) || result.timeoutMs <= 0)
            return fieldError(error, QStringLiteral("timeout"), problem.isEmpty() ? QStringLiteral("must be more than 0") : problem);
    }
    if (json.contains(QLatin1String("policy"))) {
        result.policy = json.value(QLatin1String("policy")).toString();
        QString problem;
        OutcomePolicy::parse(result.policy, &problem);
        if (!problem.isEmpty())
            return fieldError(error, QStringLiteral("policy"), problem);
    }
    if (json.contains(QLatin1String("retryOn"))) {
        result.retryOn = json.value(QLatin1String("retryOn")).toString();
        QString problem;
        StatusRule::parse(result.retryOn, &problem);
        if (!problem.isEmpty())
            return fieldError(error, QStringLiteral("retryOn"), problem);
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
        const QString text = QString::fromUtf8(body);
        if (text.toUtf8() == body)
            json.insert(QLatin1String("body"), text);
        else
            json.insert(QLatin1String("bodyBase64"), QString::fromLatin1(body.toBase64()));
    }
    if (hasTargets)
        json.insert(QLatin1String("targets"), targets.toJson());
    if (retries >= 0)
        json.insert(QLatin1String("retries"), retries);
    if (timeoutMs >= 0)
        json.insert(QLatin1String("timeout"), formatDuration(timeoutMs));
    if (!policy.isEmpty())
        json.insert(QLatin1String("policy"), policy);
    if (!retryOn.isEmpty())
        json.insert(QLatin1String("retryOn"), retryOn);
    return json;
}

QStringList Profile::parameters() const
{
    QStringList names;
    collectParameters(path, &names);
    for (const HttpHeader &header : headers)
        collectParameters(QString::fromUtf8(header.second), &names);
    collectParameters(QString::fromUtf8(body), &names);
    return names;
}

bool Profile::fill(const QHash<QString, QString> &values, Profile *filled, QString *error) const
{
    const QStringList names = parameters();
    for (const QString &name : names) {
        if (!values.contains(name)) {
            if (error)
                *error = QStringLiteral("profile '%1' needs a value for {%2} (--set %2=VALUE)").arg(this->name, name);
            return false;
        }
    }
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!names.contains(it.key())) {
            if (error)
                *error = QStringLiteral("profile '%1' has no parameter {%2} (it has: %3)")
                             .arg(this->name, it.key(), names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", ")));
            return false;
        }
    }
    Profile result = *this;
    result.path = substitute(path, values, true);
    for (HttpHeader &header : result.headers) {
        header.second = substitute(QString::fromUtf8(header.second), values, false).toUtf8();
        if (header.second.contains('\r') || header.second.contains('\n')) {
            if (error)
                *error = QStringLiteral("header '%1' would contain CR or LF").arg(QString::fromLatin1(header.first));
            return false;
        }
    }
    // A binary body (not UTF-8) holds no parameters and must pass through untouched.
    if (!body.isEmpty() && QString::fromUtf8(body).toUtf8() == body)
        result.body = substitute(QString::fromUtf8(body), values, false).toUtf8();
    *filled = result;
    return true;
}

} // namespace herald
