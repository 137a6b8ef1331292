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

const char certificateMarker[] = "-----BEGIN CERTIFICATE-----";
const char keyMarker[] = "PRIVATE KEY-----"; // BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY, BEGIN EC PRIVATE KEY

// Read once at load, so a wrong path stops the start (or the reload) instead of failing every request.
bool checkPem(const QString &key, const QString &file, const QByteArray &marker, const char *what, QString *error)
{
    if (file.isEmpty())
        return true;
    QFile pem(file);
    if (!pem.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("\"tls\".\"%1\": cannot read %2: %3").arg(key, file, pem.errorString()));
    if (!pem.readAll().contains(marker))
        return fail(error, QStringLiteral("\"tls\".\"%1\": %2 holds no PEM %3").arg(key, file, QLatin1String(what)));
    return true;
}

} // namespace

bool TargetTls::isEmpty() const
{
    return caFile.isEmpty() && clientCertFile.isEmpty() && clientKeyFile.isEmpty() && serverName.isEmpty() && !verify.has_value();
}

const QStringList &TargetTls::keys()
{
    static const QStringList known = {QStringLiteral("ca"), QStringLiteral("cert"), QStringLiteral("key"),
                                      QStringLiteral("serverName"), QStringLiteral("verify")};
    return known;
}

bool TargetTls::readKey(const QString &key, const QJsonValue &value, TargetTls *tls, QString *error)
{
    if (!keys().contains(key))
        return fail(error, QStringLiteral("\"tls\": unknown key \"%1\" (known: %2)").arg(key, keys().join(QLatin1String(", "))));
    if (key == QLatin1String("verify")) {
        if (!value.isBool())
            return fail(error, QStringLiteral("\"tls\".\"verify\" must be true or false"));
        tls->verify = value.toBool();
        return true;
    }
    if (!value.isString() || value.toString().isEmpty())
        return fail(error, QStringLiteral("\"tls\".\"%1\" must be a non-empty string").arg(key));
    const QString text = value.toString();
    if (key == QLatin1String("serverName")) {
        static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$"));
        if (!hostName.match(text).hasMatch())
            return fail(error, QStringLiteral("\"tls\".\"serverName\": '%1' is not a host name").arg(text));
        tls->serverName = text;
        return true;
    }
    if (key == QLatin1String("key")) {
        if (!checkPem(key, text, keyMarker, "private key", error))
            return false;
        tls->clientKeyFile = text;
        return true;
    }
    if (!checkPem(key, text, certificateMarker, "certificate", error))
        return false;
    (key == QLatin1String("ca") ? tls->caFile : tls->clientCertFile) = text;
    return true;
}

bool TargetTls::fromJson(const QJsonValue &value, TargetTls *tls, QString *error, QString *key)
{
    const auto failOn = [&](const QString &name, const QString &text) {
        if (key)
            *key = name;
        return fail(error, text);
    };
    if (key)
        key->clear();
    if (!value.isObject())
        return fail(error, QStringLiteral("\"tls\" must be an object: {\"ca\", \"cert\", \"key\", \"serverName\", \"verify\"}"));
    const QJsonObject json = value.toObject();
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!keys().contains(it.key()))
            return failOn(it.key(),
                          QStringLiteral("\"tls\": unknown key \"%1\" (known: %2)").arg(it.key(), keys().join(QLatin1String(", "))));
    }
    // Before any file is read: a key without its certificate is wrong whatever the file holds.
    if (json.contains(QLatin1String("key")) && !json.contains(QLatin1String("cert")))
        return failOn(QStringLiteral("key"), QStringLiteral("\"tls\".\"key\" needs \"cert\", the certificate it belongs to"));
    TargetTls result;
    for (const QString &name : keys()) {
        QString problem;
        if (json.contains(name) && !readKey(name, json.value(name), &result, &problem))
            return failOn(name, problem);
    }
    // Without "key" the key must be in the certificate's file, as curl and Qt then read it.
    QString problem;
    if (!result.clientCertFile.isEmpty() && result.clientKeyFile.isEmpty()
        && !checkPem(QStringLiteral("cert"), result.clientCertFile, keyMarker, "private key (give the key file in \"key\")",
                     &problem))
        return failOn(QStringLiteral("cert"), problem);
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
