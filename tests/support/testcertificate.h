#pragma once

#include <QString>
#include <QTemporaryDir>

namespace herald::test {

// A throw-away self-signed certificate for 127.0.0.1, made with Debian's openssl command.
class TestCertificate
{
public:
    bool create(QString *error);
    QString certificateFile() const { return m_dir.filePath(QStringLiteral("cert.pem")); }
    QString keyFile() const { return m_dir.filePath(QStringLiteral("key.pem")); }

private:
    QTemporaryDir m_dir;
};

} // namespace herald::test
