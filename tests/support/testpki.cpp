#include "testpki.h"

#include <QFile>
#include <QProcess>

namespace herald::test {

bool TestPki::openssl(const QStringList &arguments, QString *error)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("openssl %1 failed: %2 %3")
                     .arg(arguments.value(0), process.errorString(), QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

bool TestPki::create(const QString &commonName, QString *error)
{
    return openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                    QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                    QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=") + commonName,
                    QStringLiteral("-keyout"), file(QStringLiteral("ca.key")), QStringLiteral("-out"), caFile()},
                   error);
}

bool TestPki::issue(const QString &name, const QStringList &subjectAltNames, bool client, QString *error)
{
    QFile extensions(file(name + QStringLiteral(".ext")));
    if (!extensions.open(QIODevice::WriteOnly)) {
        *error = extensions.errorString();
        return false;
    }
    if (!subjectAltNames.isEmpty())
        extensions.write("subjectAltName=" + subjectAltNames.join(QLatin1Char(',')).toUtf8() + '\n');
    extensions.write(client ? "extendedKeyUsage=clientAuth\n" : "extendedKeyUsage=serverAuth\n");
    extensions.close();
    const QString request = file(name + QStringLiteral(".csr"));
    return openssl({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                    QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                    QStringLiteral("-subj"), QStringLiteral("/CN=") + name, QStringLiteral("-keyout"), keyFile(name),
                    QStringLiteral("-out"), request},
                   error)
           && openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), request, QStringLiteral("-CA"),
                       caFile(), QStringLiteral("-CAkey"), file(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
                       QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-extfile"), extensions.fileName(),
                       QStringLiteral("-out"), certificateFile(name)},
                      error);
}

} // namespace herald::test
