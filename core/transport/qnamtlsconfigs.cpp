#include "transport/qnamtlsconfigs.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSslCertificate>
#include <QSslKey>

Q_LOGGING_CATEGORY(lcQnamTls, "herald.qnam")

namespace herald {

namespace {

QSslKey readKey(const QString &file)
{
    QFile pem(file);
    if (!pem.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = pem.readAll();
    // A PEM key does not say its algorithm to QSslKey; try the ones openssl makes.
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        const QSslKey key(bytes, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

} // namespace

QSslConfiguration QnamTlsConfigs::configurationFor(const TargetTls &tls, bool verifyPeer)
{
    const bool verify = tls.verifyPeer(verifyPeer);
    const QString key = QStringList{tls.caFile, tls.clientCertFile, tls.clientKeyFile, verify ? QStringLiteral("1") : QString()}.join(
        QLatin1Char('\n'));
    auto it = m_configs.constFind(key);
    if (it == m_configs.constEnd())
        it = m_configs.insert(key, build(tls, verify));
    return *it;
}

QSslConfiguration QnamTlsConfigs::build(const TargetTls &tls, bool verify)
{
    // The files were checked when the spec was read; one that has changed since is logged once
    // (the configuration is cached) and the backend's refusal is then reported per target.
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setPeerVerifyMode(verify ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
    if (!tls.caFile.isEmpty()) {
        const QList<QSslCertificate> authorities = QSslCertificate::fromPath(tls.caFile, QSsl::Pem);
        if (authorities.isEmpty())
            qCWarning(lcQnamTls) << "tls ca" << tls.caFile << "holds no PEM certificate";
        ssl.setCaCertificates(authorities); // replaces the system's, as curl's CAINFO does
    }
    if (!tls.clientCertFile.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(tls.clientCertFile, QSsl::Pem);
        const QSslKey key = readKey(tls.clientKeyFile.isEmpty() ? tls.clientCertFile : tls.clientKeyFile);
        if (chain.isEmpty() || key.isNull())
            qCWarning(lcQnamTls) << "tls client certificate" << tls.clientCertFile << "or its key cannot be read";
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
    }
    return ssl;
}

} // namespace herald
