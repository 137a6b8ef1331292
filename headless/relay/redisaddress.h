#pragma once

#include <QString>

namespace herald {

// Where the relay's Redis is: redis://[user:password@]host[:port][/db].
struct RedisAddress
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 6379;
    int database = 0;
    QString user;
    QString password;

    static bool parse(const QString &url, RedisAddress *address, QString *error);
    // The URL with the password replaced by ****, for logs and --print-config.
    QString masked() const;
};

} // namespace herald
