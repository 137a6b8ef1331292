// Each seed's deployment, as its README documents it, run unchanged under `herald serve`: what
// that seed's callers rely on (which backends got what, the answer, probes, run-time updates,
// timing) still holds, and the seed's bugs do not. One section per seed; the lead merges them.
#include "backendpool.h"
#include "serveprocess.h"
#include "testbackend.h"
#include "testcertificate.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QUrl>
#include <QtTest>

#include <csignal>

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

    // The README's deployment: BACKEND_SERVERS and nothing else. Three backends: a 503, a 302 that
    // answers first, and a slower 200. The caller gets the 200 backend's own answer, as the seed's
    // callers do, not the redirect and not Herald's summary.
    void redTentacleFirst2xxWins()
    {
        const QStringList urls = m_backends.start(3);
        m_backends.at(0).setStatuses({503});
        m_backends.at(1).setStatuses({302});
        m_backends.at(1).setResponseHeaders({{"Location", "http://elsewhere.example/"}});
        m_backends.at(2).setDelayMs(300);
        m_backends.at(2).setResponseBody("{\"from\":\"the 200 backend\"}");
        m_backends.at(2).setResponseHeaders({{"Content-Type", "application/json"}, {"X-Backend", "c"}});
        ServeProcess serve;
        QVERIFY2(serve.start(environmentOf({{"BACKEND_SERVERS", urls.join(QLatin1Char(','))}})), serve.errorOutput().constData());

        const HttpReply reply = serve.send("POST", "/api/some-endpoint?lang=en", {{"Host", "proxy.example.com"}}, "payload");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, QByteArray("{\"from\":\"the 200 backend\"}"));
        QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(reply.header("X-Backend"), QByteArray("c"));
        QCOMPARE(reply.header("X-Herald-Target"), urls.at(2).toUtf8());
        for (int i = 0; i < 3; ++i) {
            QTRY_VERIFY(m_backends.at(i).requestCount() >= 1);
            const RecordedRequest received = m_backends.at(i).requests().first();
            QCOMPARE(received.method, QByteArray("POST"));
            QCOMPARE(received.target, QByteArray("/api/some-endpoint?lang=en"));
            QCOMPARE(received.body, QByteArray("payload"));
            // Each backend's own Host, as the seed's Go client sent it (https vhosts included:
            // the Host comes from the target URL whatever its scheme).
            QCOMPARE(received.header("Host"), QUrl(urls.at(i)).authority().toUtf8());
        }
        QCOMPARE(m_backends.at(1).requestCount(), 1); // a redirect is not retried

        // No 2xx anywhere: 502 with what each backend answered, as the seed's "All backend requests failed".
        m_backends.at(2).setStatuses({500});
        const HttpReply failed = serve.send("GET", "/api/some-endpoint");
        QCOMPARE(failed.status, 502);
        QVERIFY2(failed.body.contains(urls.at(1).toUtf8() + ": HTTP 302"), failed.body.constData());
        QVERIFY2(serve.errorOutput().contains("behaving as red-tentacle (BACKEND_SERVERS is set)"),
                 serve.errorOutput().constData());
    }

    // An https vhost backend gets its own Host too, not the client's (the issue: "the client's Host
    // goes to https vhost targets"). The test certificate is self-signed, hence the one explicit
    // setting besides the README's variable.
    void redTentacleHttpsBackendGetsItsOwnHost()
    {
        TestCertificate certificate;
        QString error;
        QVERIFY2(certificate.create(&error), qPrintable(error));
        TestBackend secure;
        QVERIFY(secure.listenTls(certificate.certificateFile(), certificate.keyFile()));
        secure.setResponseBody("secure answer");
        ServeProcess serve;
        QVERIFY2(serve.start(environmentOf({{"BACKEND_SERVERS", secure.url()}, {"HERALD_TARGET_TLS_VERIFY", "false"}})),
                 serve.errorOutput().constData());
        const HttpReply reply = serve.send("GET", "/vhost?x=1", {{"Host", "proxy.example.com"}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, QByteArray("secure answer"));
        QCOMPARE(secure.requestCount(), 1);
        QCOMPARE(secure.requests().first().header("Host"), QUrl(secure.url()).authority().toUtf8());
        QCOMPARE(secure.requests().first().target, QByteArray("/vhost?x=1"));
    }

    // The winner's body comes back whole: 12 MiB under the default limit, and above an explicit
    // HERALD_ANSWER_MAX_BODY a 502 that says so, where the seed's stand-in cut it at 10 MiB.
    void redTentacleWinnerBodyIsWhole_data()
    {
        QTest::addColumn<QString>("limit"); // HERALD_ANSWER_MAX_BODY; "" unset
        QTest::addColumn<int>("status");
        QTest::newRow("12 MiB, default limit") << QString() << 200;
        QTest::newRow("12 MiB over 8MiB") << QStringLiteral("8MiB") << 502;
    }
    void redTentacleWinnerBodyIsWhole()
    {
        QFETCH(QString, limit);
        QFETCH(int, status);
        const QStringList urls = m_backends.start(1);
        QByteArray body(12 * 1024 * 1024, 'x');
        body.replace(0, 5, "start");
        body.replace(body.size() - 3, 3, "end");
        m_backends.at(0).setResponseBody(body);
        QProcessEnvironment environment = environmentOf({{"BACKEND_SERVERS", urls.first()}});
        if (!limit.isEmpty())
            environment.insert(QStringLiteral("HERALD_ANSWER_MAX_BODY"), limit);
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        const HttpReply reply = serve.send("GET", "/download");
        QCOMPARE(reply.status, status);
        if (status == 200) {
            QCOMPARE(reply.body.size(), body.size());
            QVERIFY(reply.body == body);
        } else {
            QVERIFY2(reply.body.contains("has a 12582912-byte body, over HERALD_ANSWER_MAX_BODY (8388608 bytes)"),
                     reply.body.constData());
        }
    }

    // POST /-update-backends?backends=a,b from loopback, as the README does it with curl on the
    // host: the next request reaches only the new backends. Wrong method, empty or bad lists change
    // nothing, and none of these requests is broadcast.
    void redTentacleUpdateBackends()
    {
        const QStringList urls = m_backends.start(4);
        const QStringList before = urls.mid(0, 2);
        const QStringList after = urls.mid(2, 2);
        ServeProcess serve;
        QVERIFY2(serve.start(environmentOf({{"BACKEND_SERVERS", before.join(QLatin1Char(','))}})), serve.errorOutput().constData());
        QCOMPARE(serve.send("GET", "/-update-backends").status, 405);
        QCOMPARE(serve.send("POST", "/-update-backends?backends=").status, 400);
        const HttpReply bad = serve.send("POST", "/-update-backends?backends=" + after.first().toUtf8() + ",gopher://x");
        QCOMPARE(bad.status, 400);
        QVERIFY2(bad.body.contains("'gopher://x'"), bad.body.constData());
        QCOMPARE(m_backends.totalRequests(), 0);

        const HttpReply updated = serve.send("POST", "/-update-backends?backends=" + after.join(QLatin1Char(',')).toUtf8());
        QCOMPARE(updated.status, 200);
        QVERIFY2(updated.body.startsWith("Backends updated successfully"), updated.body.constData());
        QCOMPARE(m_backends.totalRequests(), 0);
        QCOMPARE(serve.send("GET", "/api/some-endpoint").status, 200);
        QTRY_COMPARE(m_backends.at(2).requestCount() + m_backends.at(3).requestCount(), 2);
        QCOMPARE(m_backends.at(0).requestCount() + m_backends.at(1).requestCount(), 0);
        QTRY_VERIFY(serve.errorOutput().contains("/-update-backends by client 127.0.0.1 (HERALD_ADMIN_ALLOWED_CLIENTS) "
                                                 "replaced the targets with "
                                                 + after.join(QLatin1Char(',')).toUtf8()));

        // The update lasts until SIGHUP, which applies the configured BACKEND_SERVERS again.
        ::kill(static_cast<pid_t>(serve.process().processId()), SIGHUP);
        QTRY_VERIFY(serve.errorOutput().contains("configuration reloaded"));
        QCOMPARE(serve.send("GET", "/api/some-endpoint").status, 200);
        QTRY_COMPARE(m_backends.at(0).requestCount() + m_backends.at(1).requestCount(), 2);
        QCOMPARE(m_backends.at(2).requestCount() + m_backends.at(3).requestCount(), 2);
    }

    // The seed's update endpoint is open to anyone who reaches the port; Herald's is not. Loopback
    // is trusted by default, and every client of a test is on loopback, so the test takes that trust
    // away (HERALD_ADMIN_ALLOWED_CLIENTS=none): then only the admin token opens it. tst_router
    // checks the address rule itself with non-loopback peers.
    void redTentacleUpdateNeedsTrust()
    {
        const QStringList urls = m_backends.start(2);
        const QByteArray token = "red-tentacle-admin-token";
        ServeProcess serve;
        QVERIFY2(serve.start(environmentOf({{"BACKEND_SERVERS", urls.first()},
                                            {"HERALD_ADMIN_ALLOWED_CLIENTS", QStringLiteral("none")},
                                            {"HERALD_ADMIN_TOKEN", QString::fromLatin1(token)}})),
                 serve.errorOutput().constData());
        const QByteArray update = "/-update-backends?backends=" + urls.at(1).toUtf8();
        const HttpReply refused = serve.send("POST", update);
        QCOMPARE(refused.status, 401);
        QCOMPARE(serve.send("POST", update, {{"Authorization", "Bearer wrong-token-of-some-length"}}).status, 401);
        QCOMPARE(m_backends.totalRequests(), 0); // refused, and not broadcast either
        QCOMPARE(serve.send("GET", "/still-old").status, 200);
        QTRY_COMPARE(m_backends.at(0).requestCount(), 1);
        QCOMPARE(serve.send("POST", update, {{"Authorization", "Bearer " + token}}).status, 200);
        QCOMPARE(serve.send("GET", "/now-new").status, 200);
        QTRY_COMPARE(m_backends.at(1).requestCount(), 1);
        QCOMPARE(m_backends.at(0).requestCount(), 1);
        QVERIFY(serve.errorOutput().contains("refused to 127.0.0.1 without a valid admin token"));
    }

    // ---- fanout cases ----

private:
    BackendPool m_backends;
};

QTEST_GUILESS_MAIN(TestSeeds)
#include "tst_seeds.moc"
