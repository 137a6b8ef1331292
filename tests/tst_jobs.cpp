// Broadcast jobs, black-box against `herald serve`: the 202 with Location and id, progress then
// results, cancellation, HERALD_JOB_TTL and HERALD_JOB_MAX, the admin API's access control, and for
// a request published to the relay (a real redis-server, real `herald relay` agents) which agents
// acknowledged it.
#include "backendpool.h"
#include "redisserver.h"
#include "relayprocess.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace herald::test;

namespace {

const QByteArray adminToken = "jobs-admin-token-0123456789";
using Headers = QList<QPair<QByteArray, QByteArray>>;
const Headers withToken = {{"Authorization", "Bearer " + adminToken}};
const Headers async = {{"X-Herald-Policy", "async"}};

QJsonObject json(const HttpReply &reply)
{
    return QJsonDocument::fromJson(reply.body).object();
}

// The job's entry for one target URL.
QJsonObject targetOf(const QJsonObject &job, const QString &url)
{
    for (const QJsonValue &target : job.value(QLatin1String("targets")).toArray()) {
        if (target.toObject().value(QLatin1String("target")).toString() == url)
            return target.toObject();
    }
    return {};
}

QString outcomeOf(const QJsonObject &job, const QString &url)
{
    return targetOf(job, url).value(QLatin1String("outcome")).toString();
}

QString stateOf(const QJsonObject &job)
{
    return job.value(QLatin1String("state")).toString();
}

// A relayed job's entry for one consumer group.
QJsonObject groupOf(const QJsonObject &job, const QString &name)
{
    for (const QJsonValue &group : job.value(QLatin1String("groups")).toArray()) {
        if (group.toObject().value(QLatin1String("group")).toString() == name)
            return group.toObject();
    }
    return {};
}

} // namespace

class TestJobs : public QObject
{
    Q_OBJECT

    BackendPool m_backends;
    std::unique_ptr<ServeProcess> m_serve;

    // `herald serve` broadcasting to `urls`, with the admin token unless told otherwise.
    bool startServe(const QStringList &urls, QProcessEnvironment environment = {}, bool token = true)
    {
        environment.insert(QStringLiteral("HERALD_TARGETS"), urls.join(QLatin1Char(',')));
        environment.insert(QStringLiteral("HERALD_RETRIES"), QStringLiteral("0"));
        // A slow backend's broadcast would otherwise hold the test's end for the whole drain.
        environment.insert(QStringLiteral("HERALD_DRAIN_TIMEOUT"), QStringLiteral("200ms"));
        if (token)
            environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QString::fromLatin1(adminToken));
        m_serve = std::make_unique<ServeProcess>();
        return m_serve->start(environment);
    }

    // Starts an async broadcast and returns its job id ("" on failure).
    QByteArray startJob()
    {
        const HttpReply reply = m_serve->send("PURGE", "/p", async);
        return reply.status == 202 ? json(reply).value(QLatin1String("id")).toString().toUtf8() : QByteArray();
    }

    HttpReply job(const QByteArray &id, const QByteArray &method = "GET", const Headers &headers = withToken)
    {
        return m_serve->send(method, "/_herald/jobs/" + id, headers);
    }

private Q_SLOTS:
    void cleanup()
    {
        m_serve.reset();
        m_backends.clear();
    }

    void acceptedWithLocationAndId_data()
    {
        QTest::addColumn<bool>("adminPort");
        QTest::newRow("main port: /_herald/jobs/{id}") << false;
        QTest::newRow("admin port: /jobs/{id}") << true;
    }

    void acceptedWithLocationAndId()
    {
        QFETCH(bool, adminPort);
        const QStringList urls = m_backends.start(2);
        QProcessEnvironment environment;
        if (adminPort)
            environment.insert(QStringLiteral("HERALD_ADMIN_LISTEN"), QStringLiteral("127.0.0.1:0"));
        QVERIFY(startServe(urls, environment));
        const HttpReply reply = m_serve->send("PURGE", "/p", async);
        QCOMPARE(reply.status, 202);
        const QString id = json(reply).value(QLatin1String("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(json(reply).value(QLatin1String("targets")).toInt(), 2);
        const QByteArray location = reply.header("Location");
        QCOMPARE(location, (adminPort ? "/jobs/" : "/_herald/jobs/") + id.toUtf8());
        QTRY_COMPARE(stateOf(json(m_serve->send("GET", location, withToken, {}, adminPort ? m_serve->adminPort() : 0))),
                     QStringLiteral("finished"));
        QCOMPARE(m_backends.totalRequests(), 2);
    }

    void progressThenResults()
    {
        const QStringList urls = m_backends.start(2);
        m_backends.at(1).setDelayMs(1500);
        QVERIFY(startServe(urls));
        const QByteArray id = startJob();
        QVERIFY(!id.isEmpty());
        // While the slow target is still sending, the fast one's result is already there.
        QTRY_COMPARE(outcomeOf(json(job(id)), urls.at(0)), QStringLiteral("ok"));
        QJsonObject running = json(job(id));
        QCOMPARE(stateOf(running), QStringLiteral("running"));
        QCOMPARE(running.value(QLatin1String("id")).toString(), QString::fromLatin1(id));
        QCOMPARE(outcomeOf(running, urls.at(1)), QStringLiteral("pending"));
        QCOMPARE(targetOf(running, urls.at(1)).value(QLatin1String("state")).toString(), QStringLiteral("sending"));
        QCOMPARE(running.value(QLatin1String("summary")).toObject().value(QLatin1String("pending")).toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(json(job(id))), QStringLiteral("finished"), 10000);
        const QJsonObject done = json(job(id));
        QCOMPARE(done.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(outcomeOf(done, urls.at(1)), QStringLiteral("ok"));
        QCOMPARE(targetOf(done, urls.at(1)).value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(done.value(QLatin1String("summary")).toObject().value(QLatin1String("succeeded")).toInt(), 2);
    }

    void deleteCancelsWhatHasNotFinished()
    {
        const QStringList urls = m_backends.start(2);
        m_backends.at(1).setDelayMs(20000);
        QVERIFY(startServe(urls));
        const QByteArray id = startJob();
        QTRY_COMPARE(outcomeOf(json(job(id)), urls.at(0)), QStringLiteral("ok"));
        QTRY_COMPARE(m_backends.at(1).requestCount(), 1); // the slow one has it and is answering slowly
        const HttpReply cancelled = job(id, "DELETE");
        QCOMPARE(cancelled.status, 200);
        QCOMPARE(stateOf(json(cancelled)), QStringLiteral("cancelled"));
        QCOMPARE(outcomeOf(json(cancelled), urls.at(1)), QStringLiteral("cancelled"));
        QCOMPARE(outcomeOf(json(cancelled), urls.at(0)), QStringLiteral("ok"));
        QCOMPARE(json(cancelled).value(QLatin1String("ok")).toBool(), false);
        const QJsonObject after = json(job(id)); // the cancelled job keeps its results
        QCOMPARE(stateOf(after), QStringLiteral("cancelled"));
        QCOMPARE(targetOf(after, urls.at(0)).value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(job(id, "DELETE").status, 200); // nothing left to cancel: the same results
    }

    void finishedJobExpiresAfterTtl()
    {
        const QStringList urls = m_backends.start(1);
        m_backends.at(0).setDelayMs(400); // the job is running, so there, when first read
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_JOB_TTL"), QStringLiteral("300ms"));
        QVERIFY(startServe(urls, environment));
        const QByteArray id = startJob();
        QCOMPARE(job(id).status, 200);
        QTRY_COMPARE(job(id).status, 404);
        QVERIFY2(job(id).body.contains("HERALD_JOB_TTL, 300ms"), job(id).body.constData());
    }

    void fullRegistryEvictsOldestFinishedFirst()
    {
        const QStringList urls = m_backends.start(1);
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_JOB_MAX"), QStringLiteral("2"));
        QVERIFY(startServe(urls, environment));
        const QByteArray first = startJob();
        QTRY_COMPARE(stateOf(json(job(first))), QStringLiteral("finished"));
        const QByteArray second = startJob();
        QTRY_COMPARE(stateOf(json(job(second))), QStringLiteral("finished"));
        const QByteArray third = startJob();
        QVERIFY(!third.isEmpty());
        QCOMPARE(job(first).status, 404);
        QCOMPARE(job(second).status, 200);
        QCOMPARE(job(third).status, 200);
    }

    void fullOfRunningJobsAnswers503()
    {
        const QStringList urls = m_backends.start(1);
        m_backends.at(0).setDelayMs(20000);
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_JOB_MAX"), QStringLiteral("2"));
        QVERIFY(startServe(urls, environment));
        const QByteArray first = startJob();
        QVERIFY(!startJob().isEmpty());
        const HttpReply refused = m_serve->send("PURGE", "/p", async);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("Retry-After"), QByteArray("1"));
        QVERIFY2(refused.body.contains("all HERALD_JOB_MAX (2) jobs are running"), refused.body.constData());
        QVERIFY(m_serve->send("GET", "/metrics").body.contains("herald_rejected_total{reason=\"jobs_full\"} 1"));
        // A synchronous broadcast is no job and still goes through.
        m_backends.at(0).setDelayMs(0);
        QCOMPARE(m_serve->send("PURGE", "/p").status, 200);
        // Cancelled, the first job is finished and makes room.
        QCOMPARE(job(first, "DELETE").status, 200);
        QVERIFY(!startJob().isEmpty());
        QCOMPARE(job(first).status, 404);
    }

    void accessControlIsTheAdminApis_data()
    {
        QTest::addColumn<bool>("tokenConfigured");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");
        QTest::newRow("token set, none given: 401") << true << QByteArray("GET") << QByteArray() << 401;
        QTest::newRow("token set, wrong one: 401") << true << QByteArray("GET") << QByteArray("Bearer nope") << 401;
        QTest::newRow("token set, DELETE without it: 401") << true << QByteArray("DELETE") << QByteArray() << 401;
        QTest::newRow("token set and given: 200") << true << QByteArray("GET") << QByteArray("Bearer " + adminToken) << 200;
        QTest::newRow("no token: reads are open") << false << QByteArray("GET") << QByteArray() << 200;
        QTest::newRow("no token: DELETE is a write, 403") << false << QByteArray("DELETE") << QByteArray() << 403;
    }

    void accessControlIsTheAdminApis()
    {
        QFETCH(bool, tokenConfigured);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        const QStringList urls = m_backends.start(1);
        m_backends.at(0).setDelayMs(20000);
        QVERIFY(startServe(urls, {}, tokenConfigured));
        const QByteArray id = startJob();
        const Headers headers = authorization.isEmpty() ? Headers{} : Headers{{"Authorization", authorization}};
        const HttpReply reply = job(id, method, headers);
        QCOMPARE(reply.status, status);
        if (status == 200) {
            QCOMPARE(stateOf(json(reply)), QStringLiteral("running"));
            return;
        }
        // Refused exactly as the admin API refuses the same call.
        const HttpReply admin = m_serve->send(method, "/_herald/targets", headers);
        QCOMPARE(admin.status, status);
        QCOMPARE(reply.body, admin.body);
        QCOMPARE(reply.header("WWW-Authenticate"), admin.header("WWW-Authenticate"));
        QCOMPARE(stateOf(json(job(id))), QStringLiteral("running")); // a refused DELETE cancelled nothing
    }

    void unknownJobs_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<int>("status");
        QTest::newRow("GET unknown id") << QByteArray("GET") << QByteArray("0b7e-not-a-job") << 404;
        QTest::newRow("DELETE unknown id") << QByteArray("DELETE") << QByteArray("0b7e-not-a-job") << 404;
        QTest::newRow("a stream id without a relay") << QByteArray("GET") << QByteArray("1700000000000-0") << 404;
        QTest::newRow("PUT is no job method") << QByteArray("PUT") << QByteArray("x") << 405;
    }

    void unknownJobs()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, id);
        QFETCH(int, status);
        QVERIFY(startServe(m_backends.start(1)));
        const HttpReply reply = job(id, method);
        QCOMPARE(reply.status, status);
        if (status == 404)
            QVERIFY2(reply.body.contains("no job '" + id + "'"), reply.body.constData());
        QCOMPARE(m_backends.totalRequests(), 0); // a job path is never broadcast
    }

    // One agent delivered and acknowledged, one is still delivering (its endpoint is slow), one
    // is stopped: the job says so per consumer group, from Redis itself.
    void relayedJobSaysWhichAgentsAcknowledged()
    {
        if (!RedisServer::isInstalled()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("redis-server is not installed (deploy/install-deps.sh test installs it)");
            QSKIP("redis-server is not installed");
        }
        RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        TestBackend fast;
        TestBackend slow;
        QVERIFY(fast.listen());
        QVERIFY(slow.listen());
        slow.setDelayMs(2500);
        RelayProcess siteA;
        RelayProcess siteB;
        RelayProcess siteC;
        QVERIFY(siteA.start(redis.url(), fast.url(), QStringLiteral("site-a")));
        QVERIFY(siteB.start(redis.url(), slow.url(), QStringLiteral("site-b")));
        QVERIFY(siteC.start(redis.url(), fast.url(), QStringLiteral("site-c")));
        for (const QByteArray group : {"site-a", "site-b", "site-c"})
            QTRY_VERIFY(!redis.groupInfo(group).isEmpty());
        QCOMPARE(siteC.terminate(), 0); // its group stays, and reads no further

        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_RELAY_URL"), redis.url());
        environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QString::fromLatin1(adminToken));
        m_serve = std::make_unique<ServeProcess>();
        QVERIFY(m_serve->start(environment));
        QVERIFY(QTest::qWaitFor([this] { return m_serve->send("GET", "/readyz").status == 200; }, 5000));
        const HttpReply published = m_serve->send("PURGE", "/p");
        QCOMPARE(published.status, 202);
        const QByteArray id = json(published).value(QLatin1String("id")).toString().toUtf8();
        QVERIFY2(id.contains('-'), id.constData()); // the stream entry id
        QCOMPARE(published.header("Location"), "/_herald/jobs/" + id);

        QTRY_COMPARE(groupOf(json(job(id)), QStringLiteral("site-b")).value(QLatin1String("state")).toString(),
                     QStringLiteral("pending"));
        const QJsonObject delivering = json(job(id));
        QCOMPARE(delivering.value(QLatin1String("id")).toString(), QString::fromLatin1(id));
        QCOMPARE(groupOf(delivering, QStringLiteral("site-b")).value(QLatin1String("consumer")).toString(),
                 QStringLiteral("site-b"));
        QCOMPARE(groupOf(delivering, QStringLiteral("site-c")).value(QLatin1String("state")).toString(),
                 QStringLiteral("not-delivered"));
        QTRY_COMPARE(groupOf(json(job(id)), QStringLiteral("site-a")).value(QLatin1String("state")).toString(),
                     QStringLiteral("acknowledged"));
        QCOMPARE(fast.requestCount(), 1);
        // The slow endpoint answers, and its agent acknowledges.
        QTRY_COMPARE_WITH_TIMEOUT(groupOf(json(job(id)), QStringLiteral("site-b")).value(QLatin1String("state")).toString(),
                                  QStringLiteral("acknowledged"), 10000);
        const QJsonObject summary = json(job(id)).value(QLatin1String("summary")).toObject();
        QCOMPARE(summary.value(QLatin1String("groups")).toInt(), 3);
        QCOMPARE(summary.value(QLatin1String("acknowledged")).toInt(), 2);
        QCOMPARE(summary.value(QLatin1String("notDelivered")).toInt(), 1);

        QCOMPARE(job(id, "DELETE").status, 405); // the agents have it: nothing to cancel here
        const HttpReply unknown = job("1700000000000-7");
        QCOMPARE(unknown.status, 404);
        QVERIFY2(unknown.body.contains("no entry 1700000000000-7 in the relay stream 'herald'"), unknown.body.constData());
        QCOMPARE(job(id, "GET", {}).status, 401); // the same access control as local jobs

        redis.stop();
        QTRY_COMPARE(job(id).status, 503);
    }
};

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
