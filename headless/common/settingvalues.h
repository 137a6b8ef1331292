#pragma once

#include <QHostAddress>
#include <QString>

namespace herald {

// The value parsers every face's settings table shares. Each returns "" or what was expected
// (the table puts the variable's name and the value in front), and leaves *out alone on error.
class SettingValues
{
public:
    static QString parseCount(const QString &value, int minimum, int *out);
    // A port number minimum-65535.
    static QString parsePort(const QString &value, int minimum, int *out);
    // "2s", "500ms", "1m" or seconds, as parseDuration reads them.
    static QString parseDuration(const QString &value, int *out);
    // "10MiB", "64KiB", "1M", "1048576".
    static QString parseBytes(const QString &value, qint64 *out);
    // ":8080", "8080", "127.0.0.1:8080", "[::1]:8080"; no host means every address.
    static QString parseListen(const QString &value, QHostAddress *address, quint16 *port);
    static QString showListen(const QHostAddress &address, quint16 port);
    // true or false, any case.
    static QString parseBoolean(const QString &value, bool *out);
    static QString showBoolean(bool value);
    // debug, info, warn (or warning) and error, and logrus's trace (as debug), fatal and panic (as
    // error); stored lower case.
    static QString parseLogLevel(const QString &value, QString *out);
    // text, json or fluentd; stored lower case.
    static QString parseLogFormat(const QString &value, QString *out);
    // The text with a URL's password replaced by ****, for values shown in errors.
    static QString maskUrlPassword(const QString &value);
};

} // namespace herald
