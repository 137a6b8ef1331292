// Each seed's deployment, as its README documents it, run unchanged under `herald serve`: what
// that seed's callers rely on (which backends got what, the answer, probes, run-time updates,
// timing) still holds, and the seed's bugs do not. One section per seed; the lead merges them.
#include "backendpool.h"
#include "serveprocess.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

using namespace herald::test;

namespace {

QProcessEnvironment environmentOf(const QList<QPair<QString, QString>> &variables)
{
    QProcessEnvironment environment;
    for (const auto &variable : variables)
        environment.insert(variable.first, variable.second);
    return environment;
}

} // namespace

class TestSeeds : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { m_backends.clear(); }

    // Every seed's distinctive variable picks its mode, announced in one start-up line.
    void modeChosenAndAnnounced_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("mode");
        QTest::newRow("broadcaster") << "BACKEND_HOST"
                                     << "broadcaster";
        QTest::newRow("red-tentacle") << "BACKEND_SERVERS"
                                      << "red-tentacle";
        QTest::newRow("fanout") << "ENDPOINT_PATH"
                                << "fanout";
        QTest::newRow("k8sreq-duplicator") << "PROXY_READ_TIMEOUT"
                                           << "none";
    }
    void modeChosenAndAnnounced()
    {
        QFETCH(QString, variable);
        QFETCH(QString, mode);
        const QStringList urls = m_backends.start(1);
        QProcessEnvironment environment = environmentOf({{"HERALD_TARGETS", urls.first()}});
        environment.insert(variable, variable == QLatin1String("BACKEND_HOST")      ? QStringLiteral("localhost")
                                     : variable == QLatin1String("BACKEND_SERVERS") ? urls.first()
                                     : variable == QLatin1String("ENDPOINT_PATH")   ? QStringLiteral("/fanout")
                                                                                    : QStringLiteral("5s"));
        QProcess printer;
        QProcessEnvironment printerEnvironment = QProcessEnvironment::systemEnvironment();
        printerEnvironment.insert(environment);
        printer.setProcessEnvironment(printerEnvironment);
        printer.start(QStringLiteral(HERALD_BINARY), {QStringLiteral("serve"), QStringLiteral("--print-config")});
        QVERIFY(printer.waitForFinished(10000));
        QCOMPARE(printer.exitCode(), 0);
        const QByteArray printed = printer.readAllStandardOutput();
        QVERIFY2(printed.contains("\nHERALD_COMPAT=" + mode.toUtf8() + "\n"), printed.constData());

        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        QCOMPARE(serve.terminate(), 0);
        const QByteArray log = serve.errorOutput();
        if (mode == QLatin1String("none")) {
            QVERIFY2(!log.contains("behaving as"), log.constData());
        } else {
            const QByteArray line = "behaving as " + mode.toUtf8() + " (" + variable.toUtf8() + " is set): ";
            QVERIFY2(log.contains(line), log.constData());
            QVERIFY2(log.contains("; HERALD_COMPAT=none turns this off"), log.constData());
        }
    }

    // ---- broadcaster cases ----

    // ---- http-broadcast cases ----

    // ---- k8sreq-duplicator cases ----

    // ---- red-tentacle cases ----

    // ---- fanout cases ----

private:
    BackendPool m_backends;
};

QTEST_GUILESS_MAIN(TestSeeds)
#include "tst_seeds.moc"
