#include "common/settingvalues.h"

#include "util/duration.h"

#include <QRegularExpression>
#include <QStringList>

#include <limits>

namespace herald {

QString SettingValues::parseCount(const QString &value, int minimum, int *out)
{
    bool ok = false;
    const int parsed = value.trimmed().toInt(&ok);
    if (!ok || parsed < minimum)
        return QStringLiteral("expected a whole number >= %1").arg(minimum);
    *out = parsed;
    return {};
}

QString SettingValues::parsePort(const QString &value, int minimum, int *out)
{
    int port = 0;
    if (!parseCount(value, minimum, &port).isEmpty() || port > 65535)
        return QStringLiteral("expected a port number %1-65535").arg(minimum);
    *out = port;
    return {};
}

QString SettingValues::parseDuration(const QString &value, int *out)
{
    QString error;
    if (!herald::parseDuration(value, out, &error))
        return QStringLiteral("expected a duration like 2s, 500ms or 1m (%1)").arg(error);
    return {};
}

QString SettingValues::parseBytes(const QString &value, qint64 *out)
{
    // kB/MB/GB are decimal and KiB/MiB/GiB binary, as IEC 80000-13 and FanOut's parser
    // (go-humanize) read them: FanOut's MAX_BODY_SIZE=10MB is 10,000,000 bytes. A bare k, m or g
    // keeps the binary meaning Herald always gave it.
    static const QRegularExpression pattern(QStringLiteral(
                                                "^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\\s*$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(value);
    if (!match.hasMatch())
        return QStringLiteral("expected a size like 10MB, 1.5MB, 10MiB, 64KiB or a number of bytes");
    const QString unit = match.captured(2).toLower();
    const bool decimal = unit.size() == 2 && unit.endsWith(QLatin1Char('b'));
    const QChar prefix = unit.isEmpty() ? QLatin1Char('b') : unit.at(0);
    const int power = prefix == QLatin1Char('k')   ? 1
                      : prefix == QLatin1Char('m') ? 2
                      : prefix == QLatin1Char('g') ? 3
                      : prefix == QLatin1Char('t') ? 4
                                                   : 0;
    qint64 factor = 1;
    for (int i = 0; i < power; ++i)
        factor *= decimal ? 1000 : 1024;
    const QString amount = match.captured(1);
    qint64 bytes = 0;
    if (amount.contains(QLatin1Char('.'))) {
        const double exact = amount.toDouble() * static_cast<double>(factor);
        // 9.2e18 is the largest double below qint64's maximum that converts without overflow.
        if (exact >= 9.2e18)
            return QStringLiteral("is too large");
        bytes = static_cast<qint64>(exact);
    } else {
        bool ok = false;
        bytes = amount.toLongLong(&ok);
        // Checked before multiplying: "99999999999g" overflowed (undefined behaviour, found by fuzz_config).
        if (!ok || bytes > std::numeric_limits<qint64>::max() / factor)
            return QStringLiteral("is too large");
        bytes *= factor;
    }
    if (bytes <= 0)
        return QStringLiteral("must be more than 0 bytes");
    *out = bytes;
    return {};
}

QString SettingValues::parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const QString value = text.trimmed();
    const int colon = value.lastIndexOf(QLatin1Char(':'));
    QString host = colon >= 0 ? value.left(colon) : QString();
    const QString portText = colon >= 0 ? value.mid(colon + 1) : value;
    bool ok = false;
    const int parsed = portText.toInt(&ok);
    if (!ok || parsed < 0 || parsed > 65535)
        return QStringLiteral("expected [HOST]:PORT such as :8080 or 127.0.0.1:8080");
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    // A scope (%1, %eth0) does not read back as given once shown (QHostAddress names the
    // interface), so --print-config would show another address than the one bound (fuzz_config).
    if (host.contains(QLatin1Char('%')))
        return QStringLiteral("'%1': an IPv6 scope (%...) is not supported; give the address alone").arg(host);
    QHostAddress parsedAddress = QHostAddress::Any;
    if (!host.isEmpty()) {
        parsedAddress = host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
        if (parsedAddress.isNull())
            return QStringLiteral("'%1' is not an IP address; expected [HOST]:PORT").arg(host);
        // 0.0.0.0 in any spelling ("0", "00.0.0.0") means every address, as no host does; else
        // "0:8080" bound IPv4 only while --print-config showed 0.0.0.0:8080, which reads back as every address.
        if (parsedAddress == QHostAddress(QHostAddress::AnyIPv4))
            parsedAddress = QHostAddress::Any;
    }
    *address = parsedAddress;
    *port = static_cast<quint16>(parsed);
    return {};
}

QString SettingValues::showListen(const QHostAddress &address, quint16 port)
{
    if (address == QHostAddress::Any)
        return QStringLiteral(":%1").arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

QString SettingValues::parseBoolean(const QString &value, bool *out)
{
    const QString text = value.trimmed().toLower();
    if (text != QLatin1String("true") && text != QLatin1String("false"))
        return QStringLiteral("expected true or false");
    *out = text == QLatin1String("true");
    return {};
}

QString SettingValues::showBoolean(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

QString SettingValues::parseLogLevel(const QString &value, QString *out)
{
    QString level = value.trimmed().toLower();
    // The levels of Go's logrus (http-broadcast documents them): trace is as verbose as Herald
    // gets, and fatal or panic keep only errors, since Herald logs nothing above an error.
    if (level == QLatin1String("warning"))
        level = QStringLiteral("warn");
    else if (level == QLatin1String("trace"))
        level = QStringLiteral("debug");
    else if (level == QLatin1String("fatal") || level == QLatin1String("panic"))
        level = QStringLiteral("error");
    if (!QStringList{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warn"), QStringLiteral("error")}.contains(
            level))
        return QStringLiteral("expected trace, debug, info, warn, error, fatal or panic");
    *out = level;
    return {};
}

QString SettingValues::parseLogFormat(const QString &value, QString *out)
{
    const QString format = value.trimmed().toLower();
    if (format != QLatin1String("text") && format != QLatin1String("json") && format != QLatin1String("fluentd"))
        return QStringLiteral("expected text, json or fluentd");
    *out = format;
    return {};
}

QString SettingValues::maskUrlPassword(const QString &value)
{
    // scheme://user:password@ -> scheme://user:****@ (the user part may be empty).
    static const QRegularExpression credentials(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*:)[^@/]*@"));
    QString masked = value;
    return masked.replace(credentials, QStringLiteral("\\1****@"));
}

} // namespace herald
