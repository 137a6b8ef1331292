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
    const int defaultPort = baseUrl.scheme() == QLatin1String("https") ? 443 : 80;
    QString path = baseUrl.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    QString host = baseUrl.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    const QString query = baseUrl.hasQuery() ? QLatin1Char('?') + baseUrl.query(QUrl::FullyEncoded) : QString();
    return QStringLiteral("%1://%2:%3%4%5").arg(baseUrl.scheme(), host).arg(baseUrl.port(defaultPort)).arg(path, query);
}

QUrl Target::urlFor(const QByteArray &pathAndQuery, bool exactPath) const
{
    // Build the URL from encoded text so the client's query and escapes reach the
    // backend byte for byte (a seed dropped the query string; Varnish keys on it).
    QByteArray prefix = baseUrl.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
    const int question = pathAndQuery.indexOf('?');
    QByteArray path = question < 0 ? pathAndQuery : pathAndQuery.left(question);
    QByteArray query = question < 0 ? QByteArray() : pathAndQuery.mid(question + 1);
    if (baseUrl.hasQuery()) {
        const QByteArray own = baseUrl.query(QUrl::FullyEncoded).toLatin1();
        query = query.isEmpty() ? own : own + '&' + query;
    }
    if (exactPath) {
        if (baseUrl.path().isEmpty())
            prefix.append('/');
        path.clear();
    } else {
        while (prefix.endsWith('/'))
            prefix.chop(1);
        if (!path.startsWith('/'))
            path.prepend('/');
    }
    QByteArray url = prefix + path;
    if (question >= 0 || baseUrl.hasQuery())
        url += '?' + query;
    return QUrl::fromEncoded(url, QUrl::TolerantMode);
}

} // namespace herald
