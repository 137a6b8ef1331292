#include "targets/target.h"

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
    if (url.hasQuery() || url.hasFragment()) {
        if (error)
            *error = QStringLiteral("'%1' has a query or fragment; a target is a base URL").arg(text);
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
    const int defaultPort = baseUrl.scheme() == QLatin1String("https") ? 443 : 80;
    QString path = baseUrl.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    QString host = baseUrl.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3%4").arg(baseUrl.scheme(), host).arg(baseUrl.port(defaultPort)).arg(path);
}

QUrl Target::urlFor(const QByteArray &pathAndQuery) const
{
    // Build the URL from encoded text so the client's query and escapes reach the
    // backend byte for byte (a seed dropped the query string; Varnish keys on it).
    QByteArray prefix = baseUrl.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (prefix.endsWith('/'))
        prefix.chop(1);
    QByteArray rest = pathAndQuery;
    if (!rest.startsWith('/'))
        rest.prepend('/');
    return QUrl::fromEncoded(prefix + rest, QUrl::TolerantMode);
}

} // namespace herald
