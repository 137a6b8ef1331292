#include "relay/redisaddress.h"

#include <QUrl>

namespace herald {

bool RedisAddress::parse(const QString &text, RedisAddress *address, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    // http-broadcast's HUB_ENDPOINT names a Mercure hub; Herald's hub is a Redis stream.
    if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")) {
        *error = QStringLiteral("'%1' is an HTTP hub (Mercure); Herald's hub is Redis: give a URL like redis://host:6379/0")
                     .arg(url.toDisplayString(QUrl::RemovePassword));
        return false;
    }
    if (!url.isValid() || url.scheme() != QLatin1String("redis") || url.host().isEmpty()) {
        *error = QStringLiteral("'%1' is not a URL like redis://[user:password@]host:port/db")
                     .arg(QUrl(text).toDisplayString(QUrl::RemovePassword));
        return false;
    }
    RedisAddress result;
    result.host = url.host();
    result.port = url.port(6379);
    result.user = url.userName();
    result.password = url.password();
    const QString path = url.path().mid(1);
    if (!path.isEmpty()) {
        bool ok = false;
        result.database = path.toInt(&ok);
        if (!ok || result.database < 0) {
            *error = QStringLiteral("'%1' is not a database number").arg(path);
            return false;
        }
    }
    *address = result;
    return true;
}

QString RedisAddress::masked() const
{
    // Built by QUrl, so that an IPv6 host keeps its brackets and the text reads back as the same server.
    QUrl url;
    url.setScheme(QStringLiteral("redis"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/%1").arg(database));
    if (!password.isEmpty()) {
        url.setUserName(user);
        url.setPassword(QStringLiteral("****"));
    }
    return url.toString(QUrl::FullyEncoded);
}

} // namespace herald
