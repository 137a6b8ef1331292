#include "targets/targettls.h"

#include <QFile>
#include <QRegularExpression>
#include <QStringList>

namespace herald {

namespace {

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

bool readString(const QJsonObject &json, const char *key, QString *out, QString *error)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined())
        return true;
    if (!value.isString() || value.toString().isEmpty())
        return fail(error, QStringLiteral("\"tls\".\"%1\" must be a non-empty string").arg(QLatin1String(key)));
    *out = value.toString();
    return true;
}

// Read once at load, so a wrong path stops the start (or the reload) instead of failing every request.
bool checkPem(const char *key, const QString &file, const QByteArray &marker, const char *what, QString *error)
{
    if (file.isEmpty())
        return true;
    QFile pem(file);
    if (!pem.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("\"tls\".\"%1\": cannot read %2: %3").arg(QLatin1String(key), file, pem.errorString()));
    if (!pem.readAll().contains(marker))
        return fail(error, QStringLiteral("\"tls\".\"%1\": %2 holds no PEM %3").arg(QLatin1String(key), file, QLatin1String(what)));
    return true;
}

} // namespace

bool TargetTls::isEmpty() const
{
    return caFile.isEmpty() && clientCertFile.isEmpty() && clientKeyFile.isEmpty() && serverName.isEmpty() && !verify.has_value();
}

bool TargetTls::fromJson(const QJsonValue &value, TargetTls *tls, QString *error)
{
    if (!value.isObject())
        return fail(error, QStringLiteral("\"tls\" must be an object: {\"ca\", \"cert\", \"key\", \"serverName\", \"verify\"}"));
    const QJsonObject json = value.toObject();
    static const QStringList known = {QStringLiteral("ca"), QStringLiteral("cert"), QStringLiteral("key"),
                                      QStringLiteral("serverName"), QStringLiteral("verify")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return fail(error,
                        QStringLiteral("\"tls\": unknown key \"%1\" (known: ca, cert, key, serverName, verify)").arg(it.key()));
    }
    TargetTls result;
    if (!readString(json, "ca", &result.caFile, error) || !readString(json, "cert", &result.clientCertFile, error)
        || !readString(json, "key", &result.clientKeyFile, error) || !readString(json, "serverName", &result.serverName, error))
        return false;
    if (json.contains(QLatin1String("verify"))) {
        if (!json.value(QLatin1String("verify")).isBool())
            return fail(error, QStringLiteral("\"tls\".\"verify\" must be true or false"));
        result.verify = json.value(QLatin1String("verify")).toBool();
    }
    static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$"));
    if (!result.serverName.isEmpty() && !hostName.match(result.serverName).hasMatch())
        return fail(error, QStringLiteral("\"tls\".\"serverName\": '%1' is not a host name").arg(result.serverName));
    if (!result.clientKeyFile.isEmpty() && result.clientCertFile.isEmpty())
        return fail(error, QStringLiteral("\"tls\".\"key\" needs \"cert\", the certificate it belongs to"));
    const QByteArray certificate = "-----BEGIN CERTIFICATE-----";
    const QByteArray key = "PRIVATE KEY-----"; // BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY, BEGIN EC PRIVATE KEY
    if (!checkPem("ca", result.caFile, certificate, "certificate", error)
        || !checkPem("cert", result.clientCertFile, certificate, "certificate", error)
        || !checkPem("key", result.clientKeyFile, key, "private key", error))
        return false;
    // Without "key" the key must be in the certificate's file, as curl and Qt then read it.
    if (!result.clientCertFile.isEmpty() && result.clientKeyFile.isEmpty()
        && !checkPem("cert", result.clientCertFile, key, "private key (give the key file in \"key\")", error))
        return false;
    *tls = result;
    return true;
}

QJsonObject TargetTls::toJson() const
{
    QJsonObject json;
    if (!caFile.isEmpty())
        json.insert(QLatin1String("ca"), caFile);
    if (!clientCertFile.isEmpty())
        json.insert(QLatin1String("cert"), clientCertFile);
    if (!clientKeyFile.isEmpty())
        json.insert(QLatin1String("key"), clientKeyFile);
    if (!serverName.isEmpty())
        json.insert(QLatin1String("serverName"), serverName);
    if (verify)
        json.insert(QLatin1String("verify"), *verify);
    return json;
}

QUrl TargetTls::urlWithServerName(const QUrl &url) const
{
    QUrl named = url;
    named.setPort(url.port(443));
    named.setHost(serverName);
    return named;
}

QByteArray TargetTls::curlConnectTo(const QUrl &url) const
{
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    const int port = url.port(443);
    return QStringLiteral("%1:%2:%3:%2").arg(serverName).arg(port).arg(host).toUtf8();
}

bool TargetTls::operator==(const TargetTls &other) const
{
    return caFile == other.caFile && clientCertFile == other.clientCertFile && clientKeyFile == other.clientKeyFile
           && serverName == other.serverName && verify == other.verify;
}

bool sameTls(const TargetTlsPtr &a, const TargetTlsPtr &b)
{
    if (!a || !b)
        return !a && !b;
    return a == b || *a == *b;
}

} // namespace herald
