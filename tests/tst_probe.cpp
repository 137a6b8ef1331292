// `herald probe` black-box: a real `herald serve`, the probe run as a process with the same
// configuration, its exit code and line, and a backend that must receive nothing from it.
#include "rawhttpclient.h"
#include "serveprocess.h"
#include "testbackend.h"
#include "testcertificate.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

#include <csignal>

using herald::test::RawHttpClient;
using herald::test::ServeProcess;
using herald::test::TestBackend;

namespace {

struct ProbeRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs `herald probe` with only `variables` as Herald's configuration; the event loop runs meanwhile,
// so a request the probe made reach the backend would be recorded before the probe ends.
ProbeRun runProbe(const QHash<QString, QString> &variables, const QStringList &arguments = {})
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &key : environment.keys()) {
        if (key.startsWith(QLatin1String("HERALD_")))
            environment.remove(key);
    }
    for (auto it = variables.begin(); it != variables.end(); ++it)
        environment.insert(it.key(), it.value());
    QProcess process;
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(HERALD_BINARY), QStringList{QStringLiteral("probe")} + arguments);
    ProbeRun run;
    if (!process.waitForStarted(5000) || !finished.wait(15000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// A port for a child to bind later. Not one the kernel picks for port 0: those come from the
// ephemeral range, where any test's outgoing connection may take it as its local port before the
// child binds it (tst_probe failed so under the parallel ASan run). Below that range only listeners
// bind, and the check here sees those.
quint16 freePort()
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<quint16>(12000 + QRandomGenerator::global()->bounded(20000));
        QTcpServer server;
        if (server.listen(QHostAddress::LocalHost, port))
            return port;
    }
    return 0;
}

QProcessEnvironment toEnvironment(const QHash<QString, QString> &variables)
{
    QProcessEnvironment environment;
    for (auto it = variables.begin(); it != variables.end(); ++it)
        environment.insert(it.key(), it.value());
    return environment;
}

} // namespace

class ProbeTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void answeredLocally_data();
    void answeredLocally();
    void failsWithReason_data();
    void failsWithReason();
    void readyTurnsOffWhileDraining();
    void configErrors_data();
    void configErrors();
    void tlsListener();
};

void ProbeTest::answeredLocally_data()
{
    QTest::addColumn<QString>("listen");      // HERALD_LISTEN of serve and probe; "" = unset (default :8080)
    QTest::addColumn<QString>("adminListen"); // HERALD_ADMIN_LISTEN, "" = none
    QTest::addColumn<QString>("prefix");      // HERALD_PROBE_PREFIX, "" = none
    QTest::addColumn<QString>("probedPath");  // what the probe's line must name
    const QString port = QString::number(freePort());
    const QString adminPort = QString::number(freePort());
    QTest::newRow("default port") << QString() << QString() << QString() << QStringLiteral("127.0.0.1:8080/livez");
    QTest::newRow("HERALD_LISTEN another port")
        << QStringLiteral("127.0.0.1:%1").arg(port) << QString() << QString() << QStringLiteral("127.0.0.1:%1/livez").arg(port);
    QTest::newRow("HERALD_LISTEN any address")
        << QStringLiteral(":%1").arg(port) << QString() << QString() << QStringLiteral("127.0.0.1:%1/livez").arg(port);
    QTest::newRow("HERALD_ADMIN_LISTEN") << QStringLiteral("127.0.0.1:%1").arg(port)
                                         << QStringLiteral("127.0.0.1:%1").arg(adminPort) << QString()
                                         << QStringLiteral("127.0.0.1:%1/livez").arg(adminPort);
    QTest::newRow("HERALD_PROBE_PREFIX") << QStringLiteral("127.0.0.1:%1").arg(port) << QString() << QStringLiteral("/_h")
                                         << QStringLiteral("127.0.0.1:%1/_h/livez").arg(port);
}

void ProbeTest::answeredLocally()
{
    QFETCH(QString, listen);
    QFETCH(QString, adminListen);
    QFETCH(QString, prefix);
    QFETCH(QString, probedPath);
    TestBackend backend;
    QVERIFY(backend.listen());
    QHash<QString, QString> variables{{QStringLiteral("HERALD_TARGETS"), backend.url()}};
    variables.insert(QStringLiteral("HERALD_LISTEN"), listen.isEmpty() ? QStringLiteral(":8080") : listen);
    if (!adminListen.isEmpty())
        variables.insert(QStringLiteral("HERALD_ADMIN_LISTEN"), adminListen);
    if (!prefix.isEmpty())
        variables.insert(QStringLiteral("HERALD_PROBE_PREFIX"), prefix);
    ServeProcess serve;
    if (!serve.start(toEnvironment(variables))) {
        if (listen.isEmpty() && serve.errorOutput().contains("HERALD_LISTEN"))
            QSKIP("port 8080 is taken on this machine");
        QFAIL(serve.errorOutput().constData());
    }
    if (listen.isEmpty())
        variables.remove(QStringLiteral("HERALD_LISTEN")); // the probe falls back on serve's default, as serve did

    const ProbeRun live = runProbe(variables);
    QVERIFY2(live.exitCode == 0, live.err.constData());
    QVERIFY2(live.out.contains(probedPath.toUtf8()) && live.out.contains("200"), live.out.constData());
    const ProbeRun ready = runProbe(variables, {QStringLiteral("--ready")});
    QVERIFY2(ready.exitCode == 0, ready.err.constData());
    QVERIFY2(ready.out.contains(QString(probedPath).replace(QLatin1String("livez"), QLatin1String("readyz")).toUtf8()),
             ready.out.constData());
    QCOMPARE(backend.requestCount(), 0);

    // The backend is reachable through serve, so the zero above is not for want of a route to it.
    const quint16 mainPort = serve.port();
    QCOMPARE(serve.send("GET", "/not-a-probe", {}, {}, mainPort).status, 200);
    QTRY_COMPARE(backend.requestCount(), 1);
    QCOMPARE(serve.terminate(), 0);
}

void ProbeTest::failsWithReason_data()
{
    QTest::addColumn<QString>("listen");
    QTest::addColumn<QString>("serveListen"); // where serve really listens; "" = no serve at all
    QTest::addColumn<QByteArray>("reason");
    const QString port = QString::number(freePort());
    const QString otherPort = QString::number(freePort());
    QTest::newRow("nothing listening") << QStringLiteral("127.0.0.1:%1").arg(port) << QString() << QByteArray("refused");
    // The probe follows its own configuration: a serve elsewhere does not make it healthy.
    QTest::newRow("serve on another port") << QStringLiteral("127.0.0.1:%1").arg(port)
                                           << QStringLiteral("127.0.0.1:%1").arg(otherPort) << QByteArray("refused");
}

void ProbeTest::failsWithReason()
{
    QFETCH(QString, listen);
    QFETCH(QString, serveListen);
    QFETCH(QByteArray, reason);
    TestBackend backend;
    QVERIFY(backend.listen());
    ServeProcess serve;
    if (!serveListen.isEmpty())
        QVERIFY(serve.start(
            toEnvironment({{QStringLiteral("HERALD_TARGETS"), backend.url()}, {QStringLiteral("HERALD_LISTEN"), serveListen}})));
    const ProbeRun run = runProbe({{QStringLiteral("HERALD_TARGETS"), backend.url()}, {QStringLiteral("HERALD_LISTEN"), listen}});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(reason) && run.err.count('\n') == 1, run.err.constData());
    QCOMPARE(backend.requestCount(), 0);
}

void ProbeTest::readyTurnsOffWhileDraining()
{
    TestBackend backend;
    QVERIFY(backend.listen());
    backend.setDelayMs(4000);
    const QHash<QString, QString> variables{{QStringLiteral("HERALD_TARGETS"), backend.url()},
                                            {QStringLiteral("HERALD_ADMIN_LISTEN"), QStringLiteral("127.0.0.1:%1").arg(freePort())}};
    ServeProcess serve;
    QVERIFY(serve.start(toEnvironment(variables)));
    RawHttpClient client;
    client.connectToPort(serve.port());
    client.send("PURGE /slow HTTP/1.1\r\nHost: shop\r\n\r\n");
    QTRY_COMPARE(backend.requestCount(), 1);
    ::kill(static_cast<pid_t>(serve.process().processId()), SIGTERM);

    // The admin port keeps answering while the main one drains: alive, but not ready.
    QTRY_VERIFY(runProbe(variables, {QStringLiteral("--ready")}).exitCode == 1);
    const ProbeRun ready = runProbe(variables, {QStringLiteral("--ready")});
    QVERIFY2(ready.exitCode == 1 && ready.err.contains("503") && ready.err.contains("draining"), ready.err.constData());
    const ProbeRun live = runProbe(variables);
    QVERIFY2(live.exitCode == 0, live.err.constData());
    QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 1, 10000);
    QCOMPARE(client.responses().at(0).status, 200);
    QCOMPARE(backend.requestCount(), 1);
}

void ProbeTest::configErrors_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("named");
    QTest::newRow("listen not an address") << QStringLiteral("HERALD_LISTEN") << QStringLiteral("nowhere:x") << QStringList()
                                           << QByteArray("HERALD_LISTEN");
    QTest::newRow("kernel-chosen port") << QStringLiteral("HERALD_LISTEN") << QStringLiteral("127.0.0.1:0") << QStringList()
                                        << QByteArray("HERALD_LISTEN has port 0");
    QTest::newRow("admin kernel-chosen port") << QStringLiteral("HERALD_ADMIN_LISTEN") << QStringLiteral(":0") << QStringList()
                                              << QByteArray("HERALD_ADMIN_LISTEN has port 0");
    QTest::newRow("bad probe timeout") << QString() << QString() << QStringList{QStringLiteral("--probe-timeout=soon")}
                                       << QByteArray("--probe-timeout");
    QTest::newRow("unknown flag") << QString() << QString() << QStringList{QStringLiteral("--livez")} << QByteArray("livez");
}

void ProbeTest::configErrors()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, named);
    QHash<QString, QString> variables;
    if (!variable.isEmpty())
        variables.insert(variable, value);
    const ProbeRun run = runProbe(variables, arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(named), run.err.constData());
}

void ProbeTest::tlsListener()
{
    herald::test::TestCertificate certificate;
    QString error;
    QVERIFY2(certificate.create(&error), qPrintable(error));
    TestBackend backend;
    QVERIFY(backend.listen());
    const QHash<QString, QString> variables{{QStringLiteral("HERALD_TARGETS"), backend.url()},
                                            {QStringLiteral("HERALD_LISTEN"), QStringLiteral("127.0.0.1:%1").arg(freePort())},
                                            {QStringLiteral("HERALD_TLS_CERT"), certificate.certificateFile()},
                                            {QStringLiteral("HERALD_TLS_KEY"), certificate.keyFile()}};
    ServeProcess serve;
    QVERIFY(serve.start(toEnvironment(variables)));
    const ProbeRun run = runProbe(variables);
    QVERIFY2(run.exitCode == 0 && run.out.startsWith("herald probe: https://"), run.err.constData());
    QCOMPARE(backend.requestCount(), 0);
}

QTEST_GUILESS_MAIN(ProbeTest)
#include "tst_probe.moc"
