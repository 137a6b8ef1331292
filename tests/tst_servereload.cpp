// `herald serve` as a real process: every limit set at start still holds after SIGHUP reloads the
// same configuration. Each case checks its limit, reloads, swaps in fresh backends through the
// admin API (so circuits and slow requests of the first round cannot help) and checks again.
#include "backendpool.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <functional>

using herald::test::BackendPool;
using herald::test::HttpReply;
using herald::test::ServeProcess;
using herald::test::TestBackend;

namespace {

const QByteArray adminToken = "reload-admin-token-0123456789";

QJsonObject firstTarget(const HttpReply &reply)
{
    return QJsonDocument::fromJson(reply.body).object().value(QLatin1String("targets")).toArray().first().toObject();
}

// Sends `count` PURGEs at once and returns their statuses, sorted.
QList<int> concurrentStatuses(quint16 port, int count)
{
    QNetworkAccessManager client;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < count; ++i)
        replies.append(
            client.sendCustomRequest(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/c%2").arg(port).arg(i))), "PURGE"));
    QList<int> statuses;
    for (QNetworkReply *reply : replies) {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (reply->isFinished() || finished.wait(15000))
            statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
        delete reply;
    }
    std::sort(statuses.begin(), statuses.end());
    return statuses;
}

} // namespace

class TestServeReload : public QObject
{
    Q_OBJECT

    using Check = std::function<void(ServeProcess &, TestBackend &)>;
    using Prepare = std::function<void(TestBackend &)>;

private Q_SLOTS:
    void everyLimitSurvivesSighup_data()
    {
        QTest::addColumn<QStringList>("settings"); // NAME=VALUE
        QTest::addColumn<QString>("check");
        QTest::newRow("per-target concurrency")
            << QStringList{"HERALD_CONCURRENCY=1", "HERALD_DEADLINE=1600ms", "HERALD_RETRIES=0"} << "perTarget";
        QTest::newRow("total concurrency") // one target, so the total limit is the only one that can bite
            << QStringList{"HERALD_TOTAL_CONCURRENCY=1", "HERALD_DEADLINE=1600ms", "HERALD_RETRIES=0"} << "perTarget";
        QTest::newRow("max in flight") << QStringList{"HERALD_MAX_INFLIGHT=1"} << "maxInFlight";
        QTest::newRow("async queue") << QStringList{"HERALD_ASYNC_QUEUE=1", "HERALD_POLICY=async"} << "asyncQueue";
        QTest::newRow("body size") << QStringList{"HERALD_MAX_BODY=1KiB"} << "body";
        QTest::newRow("header size") << QStringList{"HERALD_MAX_HEADER_BYTES=8KiB"} << "header";
        QTest::newRow("attempt timeout") << QStringList{"HERALD_TIMEOUT=300ms", "HERALD_RETRIES=0"} << "timeout";
        QTest::newRow("deadline") << QStringList{"HERALD_TIMEOUT=20s", "HERALD_DEADLINE=400ms", "HERALD_RETRIES=0"} << "timeout";
        QTest::newRow("retries") << QStringList{"HERALD_RETRIES=2", "HERALD_RETRY_ON=5xx"} << "retries";
        QTest::newRow("circuit threshold and cooldown")
            << QStringList{"HERALD_CIRCUIT_THRESHOLD=2", "HERALD_CIRCUIT_COOLDOWN=1m", "HERALD_RETRIES=0"} << "circuit";
    }

    void everyLimitSurvivesSighup()
    {
        QFETCH(QStringList, settings);
        QFETCH(QString, check);
        const QHash<QString, std::pair<Prepare, Check>> checks = {
            {QStringLiteral("perTarget"),
             {[](TestBackend &b) { b.setDelayMs(1000); },
              [](ServeProcess &serve, TestBackend &) {
                  // One in flight per target: the second waits past its deadline.
                  QCOMPARE(concurrentStatuses(serve.port(), 2), (QList<int>{200, 502}));
              }}},
            {QStringLiteral("maxInFlight"),
             {[](TestBackend &b) { b.setDelayMs(1000); },
              [](ServeProcess &serve, TestBackend &b) {
                  QNetworkAccessManager client;
                  QNetworkReply *slow = client.sendCustomRequest(QNetworkRequest(QUrl(
                                                                     QStringLiteral("http://127.0.0.1:%1/slow").arg(serve.port()))),
                                                                 "PURGE");
                  QTRY_COMPARE(b.requestCount(), 1);
                  const HttpReply shed = serve.send("PURGE", "/shed");
                  QSignalSpy finished(slow, &QNetworkReply::finished);
                  QVERIFY(slow->isFinished() || finished.wait(10000));
                  delete slow;
                  QCOMPARE(shed.status, 503);
                  QCOMPARE(shed.header("Retry-After"), QByteArray("1"));
              }}},
            {QStringLiteral("asyncQueue"),
             {[](TestBackend &b) { b.setDelayMs(1000); },
              [](ServeProcess &serve, TestBackend &b) {
                  const qsizetype logged = serve.errorOutput().count("PURGE /first");
                  QCOMPARE(serve.send("PURGE", "/first").status, 202);
                  QTRY_COMPARE(b.requestCount(), 1);
                  const HttpReply full = serve.send("PURGE", "/second");
                  QCOMPARE(full.status, 503);
                  QVERIFY2(full.body.contains("async queue full"), full.body.constData());
                  // Let the first finish, so the next round starts empty.
                  QTRY_VERIFY_WITH_TIMEOUT(serve.errorOutput().count("PURGE /first") > logged, 10000);
                  QCOMPARE(serve.send("PURGE", "/third").status, 202);
                  QTRY_COMPARE(b.requestCount(), 2);
                  QTRY_VERIFY_WITH_TIMEOUT(serve.errorOutput().contains("PURGE /third"), 10000);
              }}},
            {QStringLiteral("body"),
             {[](TestBackend &) {},
              [](ServeProcess &serve, TestBackend &b) {
                  QCOMPARE(serve.send("POST", "/", {}, QByteArray(1025, 'x')).status, 413);
                  QCOMPARE(serve.send("POST", "/", {}, QByteArray(1024, 'x')).status, 200);
                  QCOMPARE(b.requestCount(), 1);
              }}},
            {QStringLiteral("header"),
             {[](TestBackend &) {},
              [](ServeProcess &serve, TestBackend &b) {
                  QCOMPARE(serve.send("GET", "/", {{"X-Big", QByteArray(16 * 1024, 'a')}}).status, 431);
                  QCOMPARE(b.requestCount(), 0);
              }}},
            {QStringLiteral("timeout"),
             {[](TestBackend &b) { b.setBehaviour(TestBackend::Behaviour::Stall); },
              [](ServeProcess &serve, TestBackend &) {
                  const HttpReply reply = serve.send("PURGE", "/stalled");
                  QCOMPARE(reply.status, 502);
                  const QJsonObject target = firstTarget(reply);
                  QCOMPARE(target.value(QLatin1String("outcome")).toString(), QStringLiteral("timeout"));
                  QVERIFY(target.value(QLatin1String("latencyMs")).toInt() < 5000);
              }}},
            {QStringLiteral("retries"),
             {[](TestBackend &b) { b.setStatuses({503}); },
              [](ServeProcess &serve, TestBackend &b) {
                  const HttpReply reply = serve.send("PURGE", "/retried");
                  QCOMPARE(reply.status, 502);
                  QCOMPARE(firstTarget(reply).value(QLatin1String("attempts")).toInt(), 3);
                  QCOMPARE(b.requestCount(), 3);
              }}},
            {QStringLiteral("circuit"),
             {[](TestBackend &b) { b.setStatuses({503}); },
              [](ServeProcess &serve, TestBackend &b) {
                  QCOMPARE(serve.send("PURGE", "/1").status, 502);
                  QCOMPARE(serve.send("PURGE", "/2").status, 502);
                  const HttpReply third = serve.send("PURGE", "/3");
                  QCOMPARE(firstTarget(third).value(QLatin1String("outcome")).toString(), QStringLiteral("circuit-open"));
                  QCOMPARE(b.requestCount(), 2); // open after two failures, for a minute
              }}},
        };
        const auto &[prepare, verify] = checks.value(check);

        BackendPool backends;
        const QStringList urls = backends.start(2);
        prepare(backends.at(0));
        prepare(backends.at(1));
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_TARGETS"), urls.at(0));
        environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QString::fromLatin1(adminToken));
        for (const QString &setting : settings)
            environment.insert(setting.section(QLatin1Char('='), 0, 0), setting.section(QLatin1Char('='), 1));
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());

        verify(serve, backends.at(0));
        if (QTest::currentTestFailed())
            return;

        ::kill(static_cast<pid_t>(serve.process().processId()), SIGHUP);
        QTRY_VERIFY(serve.errorOutput().contains("configuration reloaded"));
        QVERIFY(!serve.errorOutput().contains("need a restart"));
        const HttpReply swapped = serve.send("PUT", "/_herald/targets", {{"Authorization", "Bearer " + adminToken}},
                                             "[\"" + urls.at(1).toUtf8() + "\"]");
        QCOMPARE(swapped.status, 200);
        verify(serve, backends.at(1));
    }
};

QTEST_GUILESS_MAIN(TestServeReload)
#include "tst_servereload.moc"
