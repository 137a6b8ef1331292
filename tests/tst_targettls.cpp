// Per-target TLS and mTLS: a CA, server and client certificates made with openssl, a real nginx
// that refuses clients without a certificate, reached through `herald send` (a profile's
// "targets", a target group's tls. lines) and `herald serve` (a routes entry) over each transport.
#include "heraldprocess.h"
#include "nginxserver.h"
#include "serveprocess.h"
#include "store/groupstore.h"
#include "targets/targetsourcespec.h"
#include "targets/targetspectext.h"
#include "testpki.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using herald::TargetSourceSpec;
using herald::test::HeraldProcess;
using herald::test::NginxServer;
using herald::test::ServeProcess;
using herald::test::TestPki;

namespace {

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

} // namespace

class TestTargetTls : public QObject
{
    Q_OBJECT

    TestPki m_pki;   // the CA nginx trusts, its server certificates and Herald's client certificate
    TestPki m_other; // a CA nobody trusts
    NginxServer m_nginx;
    QTemporaryDir m_dir;

    QString url() const { return QStringLiteral("https://127.0.0.1:%1").arg(m_nginx.port()); }

    // The TLS settings of each case, by name; every test picks from these.
    QJsonObject tls(const QString &name) const
    {
        const QJsonObject client{{"cert", m_pki.certificateFile("client")}, {"key", m_pki.keyFile("client")}};
        QJsonObject tls = client;
        if (name == QLatin1String("ca+cert")) {
            tls.insert("ca", m_pki.caFile());
        } else if (name == QLatin1String("no client cert")) {
            tls = QJsonObject{{"ca", m_pki.caFile()}};
        } else if (name == QLatin1String("wrong ca")) {
            tls.insert("ca", m_other.caFile());
        } else if (name == QLatin1String("verify off")) {
            tls.insert("verify", false);
        } else if (name == QLatin1String("server name")) {
            tls.insert("ca", m_pki.caFile());
            tls.insert("serverName", "backend.test");
        } else if (name == QLatin1String("wrong server name")) {
            tls.insert("ca", m_pki.caFile());
            tls.insert("serverName", "other.test");
        } else if (name == QLatin1String("verify on beats insecure")) {
            tls.insert("ca", m_other.caFile());
            tls.insert("verify", true);
        }
        return tls;
    }

    QJsonObject targets(const QString &tlsCase) const
    {
        return QJsonObject{{"static", QJsonArray{url()}}, {"tls", tls(tlsCase)}};
    }

    static void cases()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<QString>("tlsCase");
        QTest::addColumn<bool>("insecure"); // the face's own switch: --insecure, HERALD_TARGET_TLS_VERIFY=false
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error"); // a word the error must contain
        const struct
        {
            const char *tlsCase;
            bool insecure;
            const char *outcome;
            int status;
            const char *error;
        } rows[] = {
            {"ca+cert", false, "ok", 200, ""},
            // nginx completes the handshake and answers 400 "No required SSL certificate was sent".
            {"no client cert", false, "http-error", 400, ""},
            {"wrong ca", false, "error", 0, "certificate"},
            {"verify off", false, "ok", 200, ""},
            // nginx shows the certificate naming only backend.test to a client that sends that name as
            // SNI, and the IP's certificate otherwise: ok means the name went out and was verified.
            {"server name", false, "ok", 200, ""},
            {"wrong server name", false, "error", 0, "certificate"},
            {"verify on beats insecure", true, "error", 0, "certificate"},
        };
        for (const char *transport : {"curl", "qnam", "lean"}) {
            for (const auto &row : rows) {
                QTest::addRow("%s, %s", row.tlsCase, transport)
                    << QString::fromLatin1(transport) << QString::fromLatin1(row.tlsCase) << row.insecure
                    << QString::fromLatin1(row.outcome) << row.status << QString::fromLatin1(row.error);
            }
        }
    }

    static void checkResult(const QJsonObject &result)
    {
        QFETCH(QString, outcome);
        QFETCH(int, status);
        QFETCH(QString, error);
        const QByteArray text = toJson(result);
        QVERIFY2(result.value("outcome").toString() == outcome, text.constData());
        QVERIFY2(result.value("status").toInt() == status, text.constData());
        QVERIFY2(result.value("error").toString().contains(error, Qt::CaseInsensitive), text.constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!NginxServer::isInstalled())
            QSKIP("nginx is not installed (deploy/install-deps.sh installs nginx-light)");
        QString error;
        QVERIFY2(m_pki.create(QStringLiteral("Herald Test CA"), &error), qPrintable(error));
        QVERIFY2(m_other.create(QStringLiteral("Untrusted CA"), &error), qPrintable(error));
        QVERIFY2(m_pki.issue("ip", {"IP:127.0.0.1"}, false, &error), qPrintable(error));
        QVERIFY2(m_pki.issue("name", {"DNS:backend.test"}, false, &error), qPrintable(error));
        QVERIFY2(m_pki.issue("client", {"DNS:herald-client"}, true, &error), qPrintable(error));
        // One server block that picks its certificate by SNI: backend.test gets the certificate
        // that names only backend.test, any other client the one for 127.0.0.1. (Two server blocks
        // would answer 421 when the SNI name and the Host header pick different ones.)
        const QString config = QStringLiteral("map $ssl_server_name $certificate { backend.test name; default ip; }\n"
                                              "server { listen 127.0.0.1:{port} ssl;\n"
                                              "  ssl_certificate %1/$certificate.pem; ssl_certificate_key %1/$certificate.key;\n"
                                              "  ssl_client_certificate %2; ssl_verify_client on;\n"
                                              "  location / { return 200 \"sni=$ssl_server_name\\n\"; } }\n")
                                   .arg(QFileInfo(m_pki.caFile()).path(), m_pki.caFile());
        QVERIFY2(m_nginx.start(config, &error), qPrintable(error));
    }

    void sendProfile_data() { cases(); }
    void sendProfile()
    {
        QFETCH(QString, transport);
        QFETCH(QString, tlsCase);
        QFETCH(bool, insecure);
        const QString profile = m_dir.filePath(QStringLiteral("purge.json"));
        QVERIFY(writeFile(profile,
                          toJson({{"name", "purge"}, {"method", "PURGE"}, {"path", "/product/42"}, {"targets", targets(tlsCase)}})));
        QStringList arguments{"send", "--profile", profile, "--json",      "--no-history", "--retries",
                              "0",    "--timeout", "10s",   "--transport", transport};
        if (insecure)
            arguments.append("--insecure");
        const auto run = HeraldProcess::run(arguments);
        QVERIFY2(run.finished, "herald send did not finish");
        const QJsonObject answer = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(answer.value("targets").toArray().size() == 1, run.out.constData());
        checkResult(answer.value("targets").toArray().first().toObject());
        if (QTest::currentTestFailed())
            qWarning("stderr: %s", run.err.constData());
        QFETCH(QString, outcome);
        QCOMPARE(run.exitCode, outcome == QLatin1String("ok") ? 0 : 1);
    }

    // One serve per transport with a route per case, told apart by Host.
    void serveRoute_data() { cases(); }
    void serveRoute()
    {
        QFETCH(QString, transport);
        QFETCH(QString, tlsCase);
        QFETCH(bool, insecure);
        QTemporaryDir dir;
        const QString routes = dir.filePath(QStringLiteral("routes.json"));
        const QJsonObject route{{"host", "tls.example"}, {"retries", 0}, {"targets", targets(tlsCase)}};
        QVERIFY(writeFile(routes, toJson({{"fallbackToDefault", false}, {"routes", QJsonArray{route}}})));
        QProcessEnvironment environment;
        environment.insert("HERALD_ROUTES", routes);
        environment.insert("HERALD_TRANSPORT", transport);
        environment.insert("HERALD_TIMEOUT", "10s");
        environment.insert("HERALD_TARGET_TLS_VERIFY", insecure ? "false" : "true");
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        const auto reply = serve.send("PURGE", "/product/42", {{"Host", "tls.example"}});
        const QJsonObject answer = QJsonDocument::fromJson(reply.body).object();
        QVERIFY2(answer.value("targets").toArray().size() == 1, reply.body.constData());
        checkResult(answer.value("targets").toArray().first().toObject());
        QFETCH(QString, outcome);
        QCOMPARE(reply.status, outcome == QLatin1String("ok") ? 200 : 502);
    }

    // A group saved from its text form (the GUI's group editor) with tls. lines, sent to by name.
    void sendGroup_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<bool>("clientCert");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<int>("status");
        for (const char *transport : {"curl", "qnam"}) {
            QTest::addRow("ca+cert, %s", transport) << QString::fromLatin1(transport) << true << "ok" << 200;
            // nginx completes the handshake and answers 400 "No required SSL certificate was sent".
            QTest::addRow("no client cert, %s", transport) << QString::fromLatin1(transport) << false << "http-error" << 400;
        }
    }
    void sendGroup()
    {
        QFETCH(QString, transport);
        QFETCH(bool, clientCert);
        QFETCH(QString, outcome);
        QFETCH(int, status);
        QStringList lines{url(), QStringLiteral("tls.ca=") + m_pki.caFile()};
        if (clientCert)
            lines << QStringLiteral("tls.cert=") + m_pki.certificateFile("client")
                  << QStringLiteral("tls.key=") + m_pki.keyFile("client");
        herald::TargetGroup group;
        group.name = QStringLiteral("mtls");
        const auto errors = herald::TargetSpecText::parse(lines.join(QLatin1Char('\n')), &group.targets);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).message));
        QTemporaryDir dir;
        QString error;
        QVERIFY2(herald::GroupStore(dir.path()).save(group, &error), qPrintable(error));
        const auto run = HeraldProcess::run({"send", "PURGE", "/product/42", "--group", "mtls", "--group-dir", dir.path(), "--json",
                                             "--no-history", "--retries", "0", "--timeout", "10s", "--transport", transport});
        QVERIFY2(run.finished, "herald send did not finish");
        const QJsonArray targets = QJsonDocument::fromJson(run.out).object().value("targets").toArray();
        QVERIFY2(targets.size() == 1, (run.out + run.err).constData());
        const QJsonObject result = targets.first().toObject();
        QVERIFY2(result.value("outcome").toString() == outcome, toJson(result).constData());
        QVERIFY2(result.value("status").toInt() == status, toJson(result).constData());
        QCOMPARE(run.exitCode, clientCert ? 0 : 1);
    }

    // --print-curl writes the target's TLS settings too: the printed command passes the mTLS check.
    void printCurlCarriesTheTlsSettings()
    {
        const QString profile = m_dir.filePath(QStringLiteral("curl.json"));
        QVERIFY(
            writeFile(profile,
                      toJson(
                          {{"name", "purge"}, {"method", "PURGE"}, {"path", "/product/42"}, {"targets", targets("server name")}})));
        const auto printed = HeraldProcess::run({"send", "--profile", profile, "--print-curl", "--no-history"});
        QCOMPARE(printed.exitCode, 0);
        QVERIFY2(printed.out.contains("--cert ") && printed.out.contains("--connect-to backend.test:"), printed.out.constData());
        const QList<QByteArray> lines = printed.out.split('\n');
        const auto command = std::find_if(lines.begin(), lines.end(), [](const QByteArray &l) { return l.startsWith("curl "); });
        QVERIFY(command != lines.end());
        QProcess shell;
        shell.start("sh", {"-c", QString::fromUtf8(*command) + " -s -o /dev/null -w '%{http_code}'"});
        QVERIFY(shell.waitForFinished(20000));
        QCOMPARE(shell.readAllStandardOutput(), QByteArray("200"));
    }

    // Refused when the file is read, naming the key and the file: at send's start and serve's.
    void missingFileStopsTheStart()
    {
        const QString missing = m_dir.filePath(QStringLiteral("no-such-ca.pem"));
        const QJsonObject spec{{"static", QJsonArray{url()}}, {"tls", QJsonObject{{"ca", missing}}}};
        const QString profile = m_dir.filePath(QStringLiteral("missing.json"));
        QVERIFY(writeFile(profile, toJson({{"name", "missing"}, {"method", "PURGE"}, {"path", "/"}, {"targets", spec}})));
        const auto send = HeraldProcess::run({"send", "--profile", profile, "--no-history"});
        QCOMPARE(send.exitCode, 2);
        QVERIFY2(send.err.contains("\"tls\".\"ca\"") && send.err.contains(missing.toUtf8()), send.err.constData());

        const QString routes = m_dir.filePath(QStringLiteral("routes.json"));
        QVERIFY(writeFile(routes, toJson({{"routes", QJsonArray{QJsonObject{{"host", "a.example"}, {"targets", spec}}}}})));
        QProcess serve;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("HERALD_ROUTES", routes);
        environment.insert("HERALD_LISTEN", "127.0.0.1:0");
        serve.setProcessEnvironment(environment);
        serve.start(HeraldProcess::binary(), {"serve"});
        QVERIFY(serve.waitForFinished(20000));
        QCOMPARE(serve.exitCode(), 2);
        const QByteArray err = serve.readAllStandardError();
        QVERIFY2(err.contains("routes[0]") && err.contains(missing.toUtf8()), err.constData());
    }

    void parseErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not an object") << QByteArray("{\"static\": [\"https://a\"], \"tls\": \"yes\"}")
                                       << QStringLiteral("\"tls\" must be an object");
        QTest::newRow("unknown key") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"sni\": \"a\"}}")
                                     << QStringLiteral("\"tls\": unknown key \"sni\"");
        QTest::newRow("verify not bool") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"verify\": \"no\"}}")
                                         << QStringLiteral("\"tls\".\"verify\" must be true or false");
        QTest::newRow("empty ca") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"ca\": \"\"}}")
                                  << QStringLiteral("\"tls\".\"ca\" must be a non-empty string");
        QTest::newRow("server name") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"serverName\": \"a b\"}}")
                                     << QStringLiteral("\"tls\".\"serverName\": 'a b' is not a host name");
        QTest::newRow("key without cert") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"key\": \"/k.pem\"}}")
                                          << QStringLiteral("\"tls\".\"key\" needs \"cert\"");
        QTest::newRow("http static") << QByteArray("{\"static\": [\"http://a\"], \"tls\": {\"verify\": false}}")
                                     << QStringLiteral("\"tls\" applies to https targets only");
        QTest::newRow("http dns") << QByteArray("{\"dns\": \"a:443\", \"tls\": {\"verify\": false}}")
                                  << QStringLiteral("add \"scheme\": \"https\"");
        QTest::newRow("not pem") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"ca\": \"%SELF%\"}}")
                                 << QStringLiteral("holds no PEM certificate");
        QTest::newRow("cert without key") << QByteArray("{\"static\": [\"https://a\"], \"tls\": {\"cert\": \"%CA%\"}}")
                                          << QStringLiteral("holds no PEM private key");
    }
    void parseErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        json.replace("%SELF%", QFINDTESTDATA("tst_targettls.cpp").toUtf8()).replace("%CA%", m_pki.caFile().toUtf8());
        TargetSourceSpec spec;
        QString problem;
        QVERIFY(!TargetSourceSpec::fromJson(QJsonDocument::fromJson(json).object(), &spec, &problem));
        QVERIFY2(problem.contains(error), qPrintable(problem));
    }

    // Every target a spec makes carries its TLS, and the JSON round-trips.
    void specCarriesTlsToEveryTarget()
    {
        const QJsonObject json{{"static", QJsonArray{url(), "https://127.0.0.2:8443"}}, {"tls", tls("server name")}};
        TargetSourceSpec spec;
        QString problem;
        QVERIFY2(TargetSourceSpec::fromJson(json, &spec, &problem), qPrintable(problem));
        QCOMPARE(spec.targets.size(), 2);
        for (const herald::Target &target : spec.targets) {
            QVERIFY(target.tls);
            QCOMPARE(target.tls->serverName, QStringLiteral("backend.test"));
            QCOMPARE(target.tls->caFile, m_pki.caFile());
        }
        QCOMPARE(spec.toJson(), json);
        TargetSourceSpec plain;
        QVERIFY(TargetSourceSpec::fromJson(QJsonObject{{"static", QJsonArray{url()}}}, &plain, &problem));
        QVERIFY(!plain.targets.first().tls);
        QVERIFY(!(plain.targets.first() == spec.targets.first())); // same URL, other TLS: another target
    }
};

QTEST_GUILESS_MAIN(TestTargetTls)
#include "tst_targettls.moc"
