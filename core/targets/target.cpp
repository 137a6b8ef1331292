#include "targets/target.h"

#include "targets/targetform.h"

#include <QRegularExpression>

namespace herald {

Target Target::parse(const QString &text, QString *error)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        if (error)
            *error = QStringLiteral("empty target");
        return {};
    }
    if (!trimmed.contains(QLatin1String("://")))
        trimmed.prepend(QLatin1String("http://"));
    const QUrl url(trimmed, QUrl::StrictMode);
    Target target;
    if (!url.isValid() || url.host().isEmpty()) {
        if (error)
            *error = QStringLiteral("'%1' is not a URL like http://host:port").arg(text);
        return {};
    }
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        if (error)
            *error = QStringLiteral("'%1' uses scheme '%2'; only http and https are supported").arg(text, url.scheme());
        return {};
    }
    if (url.hasFragment()) {
        if (error)
            *error = QStringLiteral("'%1' has a fragment, which no server ever receives").arg(text);
        return {};
    }
    target.baseUrl = url;
    target.baseUrl.setScheme(scheme);
    return target;
}

QList<Target> Target::parseList(const QString &text, QString *error)
{
    QList<Target> targets;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        Target target = parse(part, error);
        if (!target.isValid())
            return {};
        targets.append(target);
    }
    return targets;
}

QString Target::key() const
{
    return TargetForm::keyOf(baseUrl);
}

QUrl Target::urlFor(const QByteArray &pathAndQuery, bool exactPath) const
{
    return TargetForm::urlOf(baseUrl, pathAndQuery, exactPath);
}

} // namespace herald
