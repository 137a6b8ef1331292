// The relay against a real redis-server: herald serve publishes, herald relay agents replay.
#include "rawhttpclient.h"
#include "redisserver.h"
#include "relayprocess.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <memory>

using namespace herald::test;

namespace {

// A `herald relay` agent child process (tests/support).
using Agent = herald::test::RelayProcess;

// The publisher connects to Redis after the listener starts; /readyz says when it has.
bool waitReady(ServeProcess &serve)
{
    return QTest::qWaitFor([&serve] { return serve.send("GET", "/readyz").status == 200; }, 5000);
}

// The agent's group exists: it reads from here on (a new group starts at the stream's end).
bool hasGroup(const RedisServer &redis, const QByteArray &group)
{
    return !redis.groupInfo(group).isEmpty();
}

QProcessEnvironment env(std::initializer_list<std::pair<const char *, QString>> values)
{
    QProcessEnvironment environment;
    for (const auto &value : values)
        environment.insert(QString::fromLatin1(value.first), value.second);
    return environment;
}

} // namespace

class TestRelay : public QObject
{
    Q_OBJECT

    std::unique_ptr<RedisServer> m_redis;

private Q_SLOTS:
    void init()
    {
        if (!RedisServer::isInstalled()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("redis-server is not installed (deploy/install-deps.sh test installs it)");
            QSKIP("redis-server is not installed");
        }
        m_redis = std::make_unique<RedisServer>();
        QString error;
        QVERIFY2(m_redis->start(&error), qPrintable(error));
    }
    void cleanup() { m_redis.reset(); }

    void everyAgentReceivesEveryRequest()
    {
        TestBackend backends[3];
        Agent agents[3];
        for (int i = 0; i < 3; ++i) {
            QVERIFY(backends[i].listen());
            QVERIFY(agents[i].start(m_redis->url(), backends[i].url(), QStringLiteral("agent%1").arg(i)));
        }
        for (int i = 0; i < 3; ++i) // the agents' consumer groups start at the stream's end
            QTRY_VERIFY(hasGroup(*m_redis, "agent" + QByteArray::number(i)));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}, {"HERALD_INSTANCE_ID", QStringLiteral("publisher")}})));
        QVERIFY(waitReady(serve));
        const HttpReply reply = serve.send("PURGE", "/product/42?lang=en", {{"Host", "shop.example.com"}}, "body-bytes");
        QCOMPARE(reply.status, 202);
        QVERIFY(!QJsonDocument::fromJson(reply.body).object().value(QLatin1String("id")).toString().isEmpty());
        for (auto &backend : backends) {
            QTRY_COMPARE(backend.requestCount(), 1);
            QCOMPARE(backend.requests().first().method, QByteArray("PURGE"));
            QCOMPARE(backend.requests().first().target, QByteArray("/product/42?lang=en"));
            QCOMPARE(backend.requests().first().header("Host"), QByteArray("shop.example.com"));
            QCOMPARE(backend.requests().first().body, QByteArray("body-bytes"));
        }
    }

    void stoppedAgentCatchesUpInOrderExactlyOnce()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        {
            Agent agent;
            QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("catchup")));
            QTRY_VERIFY(hasGroup(*m_redis, "catchup"));
        } // stopped: its group remembers where it was
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        for (int i = 0; i < 200; ++i)
            QCOMPARE(serve.send("PURGE", "/n/" + QByteArray::number(i)).status, 202);
        QCOMPARE(backend.requestCount(), 0);
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("catchup")));
        QTRY_COMPARE_WITH_TIMEOUT(backend.requestCount(), 200, 30000);
        QTRY_VERIFY(m_redis->caughtUp("catchup"));
        QCOMPARE(backend.requestCount(), 200); // each once
        for (int i = 0; i < 200; ++i)
            QCOMPARE(backend.requests().at(i).target, "/n/" + QByteArray::number(i));
    }

    void redisRestartWithAofLosesNothing()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        backend.setBehaviour(TestBackend::Behaviour::Stall); // nothing is delivered before the restart
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("aof"),
                            {QStringLiteral("--retry-deadline"), QStringLiteral("30s")}));
        QTRY_VERIFY(hasGroup(*m_redis, "aof"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(serve.send("PURGE", "/aof/" + QByteArray::number(i)).status, 202);
        m_redis->stop();
        QCOMPARE(serve.send("PURGE", "/while-down").status, 503); // never claims a request it did not store
        QString error;
        QVERIFY2(m_redis->start(&error), qPrintable(error));
        backend.setBehaviour(TestBackend::Behaviour::Answer);
        // Delivered paths, each counted once (a stalled first attempt may be retried).
        const auto delivered = [&backend] {
            QStringList paths;
            for (const auto &request : backend.requests()) {
                if (!paths.contains(QString::fromLatin1(request.target)))
                    paths.append(QString::fromLatin1(request.target));
            }
            return paths;
        };
        QTRY_COMPARE_WITH_TIMEOUT(delivered().size(), 20, 60000);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(delivered().at(i), QStringLiteral("/aof/%1").arg(i)); // all of them, in order
        QTRY_VERIFY(m_redis->caughtUp("aof"));
        QCOMPARE(m_redis->cli({QStringLiteral("XLEN"), QStringLiteral("herald")}).trimmed(), QByteArray("20"));
        QVERIFY(!delivered().contains(QStringLiteral("/while-down")));
    }

    void publisherAnswers503WhileRedisIsDown()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/up").status, 202);
        m_redis->stop();
        const HttpReply down = serve.send("PURGE", "/down");
        QCOMPARE(down.status, 503);
        QVERIFY(down.body.contains("Redis"));
        QCOMPARE(serve.send("GET", "/readyz").status, 503);
        QString error;
        QVERIFY(m_redis->start(&error));
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("GET", "/readyz").status, 200, 15000); // reconnected by itself
        QCOMPARE(serve.send("PURGE", "/again").status, 202);
        QCOMPARE(m_redis->cli({QStringLiteral("XLEN"), QStringLiteral("herald")}).trimmed(), QByteArray("2"));
    }

    void endpointDownPastTheDeadlineIsRecordedAndTheAgentMovesOn()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        const QString url = backend.url();
        backend.setStatuses({503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503,
                             503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503,
                             503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 200});
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), url, QStringLiteral("deadline"),
                            {QStringLiteral("--retry-deadline"), QStringLiteral("1s")}));
        QTRY_VERIFY(hasGroup(*m_redis, "deadline"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/doomed").status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(m_redis->cli({QStringLiteral("XLEN"), QStringLiteral("herald:failed:deadline")}).trimmed(),
                                  QByteArray("1"), 15000);
        backend.setStatuses({200});
        const int before = backend.requestCount();
        QCOMPARE(serve.send("PURGE", "/next").status, 202);
        QTRY_COMPARE(backend.requests().last().target, QByteArray("/next")); // not stuck
        QVERIFY(backend.requestCount() > before);
    }

    void ownRequestsAreNotReplayed()
    {
        TestBackend mine;
        TestBackend other;
        QVERIFY(mine.listen());
        QVERIFY(other.listen());
        Agent sameInstance;
        Agent otherInstance;
        // The agent beside the publisher carries the publisher's instance id.
        QVERIFY(sameInstance.start(m_redis->url(), mine.url(), QStringLiteral("beside"),
                                   {QStringLiteral("--instance-id"), QStringLiteral("edge-1")}));
        QVERIFY(otherInstance.start(m_redis->url(), other.url(), QStringLiteral("elsewhere")));
        QTRY_VERIFY(hasGroup(*m_redis, "beside"));
        QTRY_VERIFY(hasGroup(*m_redis, "elsewhere"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}, {"HERALD_INSTANCE_ID", QStringLiteral("edge-1")}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/loop").status, 202);
        QTRY_COMPARE(other.requestCount(), 1);
        QTRY_VERIFY(m_redis->caughtUp("beside")); // read and acknowledged: skipped, not pending a replay
        QCOMPARE(mine.requestCount(), 0);
    }

    void agentHealthAndMetrics()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("observed"),
                            {QStringLiteral("--admin-listen"), QStringLiteral("127.0.0.1:0")}));
        QVERIFY(agent.adminPort() != 0);
        QTRY_VERIFY(hasGroup(*m_redis, "observed"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/observed").status, 202);
        QTRY_COMPARE(backend.requestCount(), 1);
        QCOMPARE(serve.send("GET", "/healthz", {}, {}, agent.adminPort()).status, 200);
        QTRY_VERIFY(serve.send("GET", "/metrics", {}, {}, agent.adminPort()).body.contains("herald_relay_replayed_total 1\n"));
        QVERIFY(serve.send("GET", "/metrics", {}, {}, agent.adminPort()).body.contains("herald_relay_lag 0\n"));
        QVERIFY(serve.send("GET", "/metrics").body.contains("herald_relay_published_total 1\n"));
        const QString endpoint = backend.url();
        backend.close(); // the endpoint goes away: unhealthy although Redis is up
        HttpReply health;
        // The answer's body names what the probe saw, for the failure message.
        QTRY_VERIFY2_WITH_TIMEOUT((health = serve.send("GET", "/healthz", {}, {}, agent.adminPort())).status == 503,
                                  qPrintable(QStringLiteral("%1 %2 (endpoint %3)")
                                                 .arg(health.status)
                                                 .arg(QString::fromUtf8(health.body), endpoint)),
                                  10000);
        m_redis->stop();
        QTRY_COMPARE(serve.send("GET", "/healthz", {}, {}, agent.adminPort()).status, 503);
    }

    void passwordIsSentAndMasked()
    {
        m_redis.reset();
        m_redis = std::make_unique<RedisServer>();
        m_redis->setPassword(QStringLiteral("s3cret-pw"));
        QString error;
        QVERIFY2(m_redis->start(&error), qPrintable(error));
        TestBackend backend;
        QVERIFY(backend.listen());
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("authed")));
        QTRY_VERIFY(hasGroup(*m_redis, "authed"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/authed").status, 202);
        QTRY_COMPARE(backend.requestCount(), 1);
        QVERIFY(!serve.errorOutput().contains("s3cret-pw"));
        ServeProcess wrong;
        QString url = m_redis->url();
        QVERIFY(wrong.start(env({{"HERALD_RELAY_URL", url.replace(QLatin1String("s3cret-pw"), QLatin1String("nope"))}})));
        QCOMPARE(wrong.send("PURGE", "/refused").status, 503);
        QTRY_VERIFY(wrong.errorOutput().contains("AUTH: ")); // the refusal is logged, with the URL masked
        QVERIFY(!wrong.errorOutput().contains("nope@"));
    }

    void retentionByLengthAndByAge_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::newRow("by length") << "HERALD_RELAY_MAXLEN"
                                   << "5";
        QTest::newRow("by age") << "HERALD_RELAY_MAX_AGE"
                                << "1ms";
    }
    void retentionByLengthAndByAge()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        // Old entries, written straight to the stream with ids far in the past.
        for (int i = 1; i <= 300; ++i)
            m_redis->cli({QStringLiteral("XADD"), QStringLiteral("herald"), QStringLiteral("%1-0").arg(i),
                          QStringLiteral("method"), QStringLiteral("PURGE"), QStringLiteral("path"), QStringLiteral("/old")});
        ServeProcess serve;
        QProcessEnvironment environment = env({{"HERALD_RELAY_URL", m_redis->url()}});
        environment.insert(variable, value);
        QVERIFY(serve.start(environment));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/new").status, 202);
        // "~" trims whole macro nodes (100 entries each by default): far fewer than 301 remain.
        QVERIFY(m_redis->cli({QStringLiteral("XLEN"), QStringLiteral("herald")}).trimmed().toInt() < 200);
    }

    void publisherCanAlsoBroadcastDirectly()
    {
        TestBackend local;
        QVERIFY(local.listen());
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()},
                                 {"HERALD_TARGETS", local.url()},
                                 {"HERALD_RELAY_BROADCAST", QStringLiteral("true")}})));
        QVERIFY(waitReady(serve)); // ready means the publisher is connected too, targets or not
        QCOMPARE(serve.send("PURGE", "/both").status, 202);
        QTRY_COMPARE(local.requestCount(), 1);
        QCOMPARE(m_redis->cli({QStringLiteral("XLEN"), QStringLiteral("herald")}).trimmed(), QByteArray("1"));
    }

    void agentReplaysToEveryAddressOfAName()
    {
        // The system resolver's "localhost" stands in for a headless service here.
        TestBackend backend;
        QVERIFY(backend.listen());
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), QString(), QStringLiteral("bydns"),
                            {QStringLiteral("--endpoint-dns"), QStringLiteral("localhost:%1").arg(backend.port())}));
        QTRY_VERIFY(hasGroup(*m_redis, "bydns"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/dns").status, 202);
        QTRY_COMPARE(backend.requestCount(), 1);
        QCOMPARE(backend.requests().first().target, QByteArray("/dns"));
    }

    // The agent beside a publisher on the same host, both with their default ids (the host name):
    // it replays the publisher's requests, or the receiving pod's own backend would never get them.
    void defaultInstanceIdSkipsNothing()
    {
        TestBackend beside;
        QVERIFY(beside.listen());
        Agent agent;
        // RelayProcess gives each agent an id of its own; here it keeps the default.
        QVERIFY(agent.start(m_redis->url(), beside.url(), QStringLiteral("beside"), {}, env({{"HERALD_INSTANCE_ID", QString()}})));
        QTRY_VERIFY(hasGroup(*m_redis, "beside"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/mine").status, 202);
        QTRY_COMPARE(beside.requestCount(), 1);
        QTRY_VERIFY(m_redis->caughtUp("beside"));
        QCOMPARE(beside.requests().first().target, QByteArray("/mine"));
    }

    // The endpoint gets the client's headers and Herald's own forwarding headers, nothing else:
    // no Connection, Accept-Encoding or Accept-Language that an HTTP library added.
    void agentSendsOnlyTheClientsHeaders()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        Agent agent;
        QVERIFY(agent.start(m_redis->url(), backend.url(), QStringLiteral("headers")));
        QTRY_VERIFY(hasGroup(*m_redis, "headers"));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        RawHttpClient client;
        QSignalSpy answered(&client, &RawHttpClient::responseReceived);
        client.connectToPort(serve.port());
        client.send("PURGE /tags?x=1 HTTP/1.1\r\nHost: www.example.com\r\nX-Cache-Tags: a,b\r\nUser-Agent: purger/1\r\n"
                    "Content-Length: 0\r\n\r\n");
        QVERIFY(answered.wait(5000));
        QCOMPARE(client.responses().first().status, 202);
        QTRY_COMPARE(backend.requestCount(), 1);
        const RecordedRequest request = backend.requests().first();
        QCOMPARE(request.target, QByteArray("/tags?x=1"));
        QList<QByteArray> names;
        for (const auto &header : request.headers) {
            if (header.first.compare("Content-Length", Qt::CaseInsensitive) != 0) // framing, the transport's to decide
                names.append(header.first.toLower());
        }
        std::sort(names.begin(), names.end());
        // Via and X-Forwarded-* are Herald's hop.
        const QList<QByteArray> expected = {"host", "user-agent", "via", "x-cache-tags", "x-forwarded-for", "x-forwarded-proto"};
        QVERIFY2(names == expected, names.join(' ').constData());
        QCOMPARE(request.header("Host"), QByteArray("www.example.com"));
        QCOMPARE(request.header("X-Cache-Tags"), QByteArray("a,b"));
    }

    // Two live agents reading one consumer group split its entries: the second is warned. An agent
    // that restarts under the same name (the first is gone) is not.
    void agentsSharingAGroupAreWarned()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        const QByteArray warning = "another agent already reads consumer group 'shared'";
        auto first = std::make_unique<Agent>();
        QVERIFY(first->start(m_redis->url(), backend.url(), QStringLiteral("shared")));
        QTRY_VERIFY(hasGroup(*m_redis, "shared"));
        Agent second;
        QVERIFY(second.start(m_redis->url(), backend.url(), QStringLiteral("shared")));
        QTRY_VERIFY2(second.errorOutput().contains(warning), second.errorOutput().constData());
        QVERIFY(second.errorOutput().contains("HERALD_RELAY_NAME"));
        QCOMPARE(second.terminate(), 0);
        QCOMPARE(first->terminate(), 0);
        QVERIFY(!first->errorOutput().contains(warning));
        first = std::make_unique<Agent>();
        QVERIFY(first->start(m_redis->url(), backend.url(), QStringLiteral("shared")));
        // Its check runs right after connecting; a later entry proves it has connected.
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_RELAY_URL", m_redis->url()}})));
        QVERIFY(waitReady(serve));
        QCOMPARE(serve.send("PURGE", "/after-restart").status, 202);
        QTRY_VERIFY(backend.requestCount() >= 1);
        QVERIFY2(!first->errorOutput().contains(warning), first->errorOutput().constData());
    }

    void relayConfigurationErrors()
    {
        QProcess relay;
        relay.start(QStringLiteral(HERALD_BINARY), {QStringLiteral("relay"), QStringLiteral("--redis"), QStringLiteral("http://x"),
                                                    QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:1")});
        QVERIFY(relay.waitForFinished(5000));
        QCOMPARE(relay.exitCode(), 2);
        QVERIFY(relay.readAllStandardError().contains("HERALD_RELAY_URL"));
        QProcess masked;
        masked.start(QStringLiteral(HERALD_BINARY),
                     {QStringLiteral("relay"), QStringLiteral("--redis"), QStringLiteral("redis://u:secret@127.0.0.1:6379/2"),
                      QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--print-config")});
        QVERIFY(masked.waitForFinished(5000));
        const QByteArray out = masked.readAllStandardOutput();
        QVERIFY(!out.contains("secret"));
        QVERIFY(out.contains("redis://u:****@127.0.0.1:6379/2"));
    }
};

QTEST_GUILESS_MAIN(TestRelay)
#include "tst_relay.moc"
