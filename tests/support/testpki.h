#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace herald::test {

// A throw-away certificate authority made with Debian's openssl command, and certificates it
// issues: servers with the names and addresses a test connects to, clients for mTLS.
class TestPki
{
public:
    // Makes the CA (EC P-256, one day); false with *error holding openssl's output.
    bool create(const QString &commonName, QString *error);
    // Issues `name`.pem and `name`.key. subjectAltNames like {"IP:127.0.0.1", "DNS:backend.test"};
    // a client certificate gets extendedKeyUsage clientAuth.
    bool issue(const QString &name, const QStringList &subjectAltNames, bool client, QString *error);

    QString caFile() const { return file(QStringLiteral("ca.pem")); }
    QString certificateFile(const QString &name) const { return file(name + QStringLiteral(".pem")); }
    QString keyFile(const QString &name) const { return file(name + QStringLiteral(".key")); }

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    bool openssl(const QStringList &arguments, QString *error);

    QTemporaryDir m_dir;
};

} // namespace herald::test
