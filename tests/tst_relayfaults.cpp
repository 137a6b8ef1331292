// The relay when Redis misbehaves without closing (SIGSTOP), and when an agent is stopped mid-entry:
// herald serve and herald relay against a real redis-server that the test pauses and resumes.
#include "redisserver.h"
#include "relayprocess.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTest>

#include <memory>

using namespace herald::test;

namespace {

QProcessEnvironment env(std::initializer_list<std::pair<const char *, QString>> values)
{
    QProcessEnvironment environment;
    for (const auto &value : values)
        environment.insert(QString::fromLatin1(value.first), value.second);
    return environment;
}

QList<QByteArray> targets(const TestBackend &backend)
{
    QList<QByteArray> paths;
    for (const RecordedRequest &request : backend.requests()) {
        if (request.method == "PURGE") // not the agent's health checks
            paths.append(request.target);
    }
    return paths;
}

} // namespace

class TestRelayFaults : public QObject
{
    Q_OBJECT

    std::unique_ptr<RedisServer> m_redis;

    bool ready(ServeProcess &serve) { return serve.send("GET", "/readyz").status == 200; }

private Q_SLOTS:
    void init()
    {
        if (!RedisServer::isInstalled())
            QSKIP("redis-server is not installed (apt-get install redis-server)");
        m_redis = std::make_unique<RedisServer>();
        QString error;
        QVERIFY2(m_redis->start(&error), qPrintable(error));
    }
    void cleanup() { m_redis.reset(); }

    // The publisher's Redis decides readiness even when targets are configured for direct broadcast.
    void readinessNeedsRedisEvenWithTargets()
    {
        TestBackend local;
        QVERIFY(local.listen());
        m_redis->stop();
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()},
                                 {"HERALD_TARGETS", local.url()},
                                 {"HERALD_RELAY_BROADCAST", QStringLiteral("true")}})));
        const HttpReply notReady = serve.send("GET", "/readyz");
        QCOMPARE(notReady.status, 503);
        QVERIFY2(notReady.body.contains("Redis"), notReady.body.constData());
        QCOMPARE(serve.send("PURGE", "/refused").status, 503);
        QString error;
        QVERIFY2(m_redis->start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(ready(serve), 15000);
        QCOMPARE(serve.send("PURGE", "/accepted").status, 202);
        QTRY_VERIFY(targets(local).contains("/accepted"));
        // A refused publish reaches no target: the client that was told 503 will try again.
        QVERIFY(!targets(local).contains("/refused"));
    }

    // A paused Redis: the publish fails within HERALD_RELAY_TIMEOUT, /readyz turns 503, and both recover.
    void silentRedisFailsThePublishInTime()
    {
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}, {"HERALD_RELAY_TIMEOUT", QStringLiteral("1s")}})));
        QTRY_VERIFY(ready(serve));
        QCOMPARE(serve.send("PURGE", "/before").status, 202);
        m_redis->pause();
        QElapsedTimer clock;
        clock.start();
        const HttpReply refused = serve.send("PURGE", "/during");
        QCOMPARE(refused.status, 503);
        QVERIFY2(clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(refused.body.contains("no answer within 1000 ms"), refused.body.constData());
        // Idle, the PING notices too: within the timeout plus the one-second check interval.
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("GET", "/readyz").status, 503, 3000);
        m_redis->resume();
        QTRY_VERIFY_WITH_TIMEOUT(ready(serve), 10000); // the reconnect backoff is at most 5 s
        QCOMPARE(serve.send("PURGE", "/after").status, 202);
        QVERIFY(serve.send("GET", "/metrics").body.contains("herald_relay_connected 1\n"));
    }

    // An agent facing a paused Redis says so on /healthz and, resumed, delivers every entry once, in order.
    void agentResumesAfterSilentRedis()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        RelayProcess agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("paused"),
                            {QStringLiteral("--admin-listen"), QStringLiteral("127.0.0.1:0")},
                            env({{"HERALD_RELAY_TIMEOUT", QStringLiteral("1s")}})));
        QTRY_VERIFY(!m_redis->groupInfo("paused").isEmpty());
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QTRY_VERIFY(ready(serve));
        QList<QByteArray> expected;
        for (int i = 0; i < 5; ++i) {
            expected.append("/e" + QByteArray::number(i));
            QCOMPARE(serve.send("PURGE", expected.last()).status, 202);
        }
        QTRY_COMPARE(backend.requestCount(), 5);
        QCOMPARE(serve.send("GET", "/healthz", {}, {}, agent.adminPort()).status, 200);
        m_redis->pause();
        // Its XREADGROUP may block for 2 s, then 1 s more without an answer breaks the connection.
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("GET", "/healthz", {}, {}, agent.adminPort()).status, 503, 6000);
        m_redis->resume();
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("GET", "/healthz", {}, {}, agent.adminPort()).status, 200, 10000);
        QTRY_VERIFY(ready(serve));
        for (int i = 5; i < 10; ++i) {
            expected.append("/e" + QByteArray::number(i));
            QCOMPARE(serve.send("PURGE", expected.last()).status, 202);
        }
        QTRY_VERIFY_WITH_TIMEOUT(backend.requestCount() >= 10, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_redis->groupInfo("paused").value("pending"), QByteArray("0"), 15000);
        QVERIFY2(targets(backend) == expected, (targets(backend).join(' ') + '\n' + agent.errorOutput()).constData());
    }

    // SIGTERM while an entry is being delivered: the agent finishes and acknowledges it before it
    // exits, so its successor does not deliver it a second time.
    void gracefulStopAcknowledgesTheEntryUnderWay()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        backend.setDelayMs(1500);
        auto agent = std::make_unique<RelayProcess>();
        QVERIFY(agent->start(m_redis->url(), backend.url(), QStringLiteral("graceful")));
        QTRY_VERIFY(!m_redis->groupInfo("graceful").isEmpty());
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QTRY_VERIFY(ready(serve));
        QCOMPARE(serve.send("PURGE", "/under-way").status, 202);
        QTRY_COMPARE(backend.requestCount(), 1); // arrived; its answer comes 1.5 s later
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(agent->terminate(), 0);
        QVERIFY2(clock.elapsed() >= 500, "the agent left before the entry under way was answered");
        QCOMPARE(m_redis->groupInfo("graceful").value("pending"), QByteArray("0"));
        backend.setDelayMs(0);
        agent = std::make_unique<RelayProcess>();
        QVERIFY(agent->start(m_redis->url(), backend.url(), QStringLiteral("graceful")));
        QCOMPARE(serve.send("PURGE", "/next").status, 202);
        QTRY_COMPARE(backend.requestCount(), 2);
        QCOMPARE(targets(backend), (QList<QByteArray>{"/under-way", "/next"}));
    }

    // SIGTERM as soon as the agent said it is replaying: a graceful stop (exit 0), not the signal's
    // default action, because the handler is in place before the ready line.
    void stopRightAfterTheReadyLineIsGraceful()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        for (int round = 0; round < 5; ++round) {
            RelayProcess agent;
            QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("early")));
            QCOMPARE(agent.terminate(), 0);
        }
    }

    // Stopped right after delivering a run of entries, the agent has acknowledged each of them:
    // its successor delivers none a second time.
    void stopAfterDeliveriesRepeatsNothing()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        auto agent = std::make_unique<RelayProcess>();
        QVERIFY(agent->start(m_redis->url(), backend.url(), QStringLiteral("repeat")));
        QTRY_VERIFY(!m_redis->groupInfo("repeat").isEmpty());
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QTRY_VERIFY(ready(serve));
        QList<QByteArray> expected;
        for (int i = 0; i < 20; ++i) {
            expected.append("/r" + QByteArray::number(i));
            QCOMPARE(serve.send("PURGE", expected.last()).status, 202);
        }
        QTRY_COMPARE(backend.requestCount(), 20);
        QCOMPARE(agent->terminate(), 0); // at once: the last acknowledgement may still be under way
        QCOMPARE(m_redis->groupInfo("repeat").value("pending"), QByteArray("0"));
        agent = std::make_unique<RelayProcess>();
        QVERIFY(agent->start(m_redis->url(), backend.url(), QStringLiteral("repeat")));
        expected.append("/next");
        QCOMPARE(serve.send("PURGE", "/next").status, 202);
        QTRY_COMPARE(targets(backend).size(), 21);
        QTRY_COMPARE(m_redis->groupInfo("repeat").value("pending"), QByteArray("0"));
        QCOMPARE(targets(backend), expected);
    }

    // An idle agent stops at once on SIGTERM.
    void idleAgentStopsAtOnce()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        RelayProcess agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("idle")));
        QTRY_VERIFY(!m_redis->groupInfo("idle").isEmpty());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(agent.terminate(), 0);
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestRelayFaults)
#include "tst_relayfaults.moc"
