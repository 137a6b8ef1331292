// Each seed's deployment, as its README documents it, run unchanged under `herald serve`: what
// that seed's callers rely on (which backends got what, the answer, probes, run-time updates,
// timing) still holds, and the seed's bugs do not. One section per seed; the lead merges them.
#include "backendpool.h"
#include "dnsmasqserver.h"
#include "redisserver.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace herald::test;

namespace {

QProcessEnvironment environmentOf(const QList<QPair<QString, QString>> &variables)
{
    QProcessEnvironment environment;
    for (const auto &variable : variables)
        environment.insert(variable.first, variable.second);
    return environment;
}

// http-broadcast: the PURGEs a stand-in Varnish received (not the health checks).
QList<RecordedRequest> purgesOf(const TestBackend &varnish)
{
    QList<RecordedRequest> purges;
    for (const RecordedRequest &request : varnish.requests()) {
        if (request.method == "PURGE")
            purges.append(request);
    }
    return purges;
}

// http-broadcast: the agent's consumer group has read the stream's last entry and acknowledged
// everything it read, so nothing more is on its way to its Varnish.
bool caughtUp(const RedisServer &redis, const QByteArray &group)
{
    const QHash<QByteArray, QByteArray> info = redis.groupInfo(group);
    const QByteArray last = redis
                                .cli({QStringLiteral("XREVRANGE"), QStringLiteral("herald"), QStringLiteral("+"),
                                      QStringLiteral("-"), QStringLiteral("COUNT"), QStringLiteral("1")})
                                .split('\n')
                                .value(0);
    return !last.isEmpty() && info.value("pending") == "0" && info.value("last-delivered-id") == last;
}

// http-broadcast's install.md, as a pod runs it, with the Mercure hub's URL swapped for Redis.
QList<QPair<QString, QString>> httpBroadcastPod(const QString &varnishUrl, const QString &redisUrl)
{
    return {{"SERVER_ADDR", "0.0.0.0:6801"},
            {"AGENT_ENDPOINT", varnishUrl},
            {"HUB_TOKEN", "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7fX0.c2lnbmF0dXJl"},
            {"HUB_ENDPOINT", redisUrl}};
}

// k8sreq-duplicator: RequestClone resources as `kubectl get requestclones -o yaml` prints them.
QByteArray requestCloneList(const QList<QPair<QByteArray, QByteArray>> &hostsAndServices)
{
    QByteArray yaml = "apiVersion: v1\nitems:\n";
    for (const auto &clone : hostsAndServices)
        yaml += "- apiVersion: proxy.infra.doodle.com/v1beta1\n  kind: RequestClone\n  metadata:\n    name: " + clone.second
                + "\n    namespace: apps\n    resourceVersion: \"1\"\n  spec:\n    backend:\n      serviceName: " + clone.second
                + "\n      servicePort: http\n    host: " + clone.first + "\n  status:\n    conditions: []\n";
    return yaml + "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
}

// k8sreq-duplicator: what a backend got from the proxy, not the health probe's HEADs.
QList<RecordedRequest> proxiedTo(const TestBackend &backend)
{
    QList<RecordedRequest> proxied;
    for (const RecordedRequest &request : backend.requests()) {
        if (request.method != "HEAD")
            proxied.append(request);
    }
    return proxied;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
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

    // The canonical deployment: one process with both roles in each Varnish pod, two pods (host
    // names of their own), one Redis for the hub. A PURGE sent to pod A reaches both pods' Varnish
    // exactly once, method, path, query, Host and body intact; the caller gets the seed's 202.
    void httpBroadcastEveryPodPurgesOnce()
    {
        if (!RedisServer::isInstalled())
            QSKIP("redis-server is not installed (apt-get install redis-server)");
        if (!ServeProcess::canSetHostName())
            QSKIP("two pods need host names of their own: root and unshare");
        RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        TestBackend varnishA;
        TestBackend varnishB;
        QVERIFY(varnishA.listen());
        QVERIFY(varnishB.listen());
        ServeProcess podA;
        ServeProcess podB;
        podA.setHostName(QStringLiteral("varnish-a"));
        podB.setHostName(QStringLiteral("varnish-b"));
        QVERIFY2(podA.start(environmentOf(httpBroadcastPod(varnishA.url(), redis.url()))), podA.errorOutput().constData());
        QVERIFY2(podB.start(environmentOf(httpBroadcastPod(varnishB.url(), redis.url()))), podB.errorOutput().constData());
        // Each agent reads as its host name; a new group starts at the stream's end.
        QTRY_VERIFY(!redis.groupInfo("varnish-a").isEmpty());
        QTRY_VERIFY(!redis.groupInfo("varnish-b").isEmpty());
        QTRY_COMPARE(podA.send("GET", "/readyz").status, 200);
        // Healthy means the pod's own Varnish answers (HEAD, not a PURGE).
        QCOMPARE(podA.send("GET", "/healthz").status, 200);

        const HttpReply reply = podA.send("PURGE", "/foo/bar?variant=mobile", {{"Host", "www.example.com"}}, "tags=a");
        QCOMPARE(reply.status, 202);
        for (const TestBackend *varnish : {&varnishA, &varnishB}) {
            QTRY_COMPARE(purgesOf(*varnish).size(), 1);
            const RecordedRequest purge = purgesOf(*varnish).first();
            QCOMPARE(purge.target, QByteArray("/foo/bar?variant=mobile"));
            QCOMPARE(purge.header("Host"), QByteArray("www.example.com"));
            QCOMPARE(purge.body, QByteArray("tags=a"));
        }
        // Both groups have read and acknowledged the entry: no second copy is on its way.
        QTRY_VERIFY(caughtUp(redis, "varnish-a"));
        QTRY_VERIFY(caughtUp(redis, "varnish-b"));
        QCOMPARE(purgesOf(varnishA).size(), 1);
        QCOMPARE(purgesOf(varnishB).size(), 1);

        QCOMPARE(podA.terminate(), 0);
        const QByteArray log = podA.errorOutput();
        QVERIFY2(log.contains("behaving as http-broadcast (SERVER_ADDR, AGENT_ENDPOINT, HUB_ENDPOINT are set)"), log.constData());
        QVERIFY2(log.contains("ignored, they mean nothing to Herald: HUB_TOKEN"), log.constData());
        QVERIFY2(log.contains("relay agent: replaying stream herald to"), log.constData());
    }

    // HUB_TIMEOUT bounds a publish: with Redis paused (SIGSTOP) the caller gets a 5xx within it and
    // /readyz turns 503; once Redis answers again, so does the pod, and its Varnish gets the next PURGE.
    void httpBroadcastHubTimeoutBoundsAPublish()
    {
        if (!RedisServer::isInstalled())
            QSKIP("redis-server is not installed (apt-get install redis-server)");
        RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        TestBackend varnish;
        QVERIFY(varnish.listen());
        QList<QPair<QString, QString>> variables = httpBroadcastPod(varnish.url(), redis.url());
        variables.append(qMakePair(QStringLiteral("HUB_TIMEOUT"), QStringLiteral("1s")));
        ServeProcess pod;
        pod.setHostName(QStringLiteral("http-broadcast-hub"));
        if (!ServeProcess::canSetHostName())
            QSKIP("the pod needs a host name of its own: root and unshare");
        QVERIFY2(pod.start(environmentOf(variables)), pod.errorOutput().constData());
        QTRY_VERIFY(!redis.groupInfo("http-broadcast-hub").isEmpty());
        QTRY_COMPARE(pod.send("GET", "/readyz").status, 200);
        redis.pause();
        QElapsedTimer clock;
        clock.start();
        const HttpReply refused = pod.send("PURGE", "/during");
        QVERIFY2(refused.status >= 500, refused.body.constData());
        QVERIFY2(clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(pod.send("GET", "/readyz").status, 503, 3000);
        redis.resume();
        QTRY_COMPARE_WITH_TIMEOUT(pod.send("GET", "/readyz").status, 200, 10000);
        QCOMPARE(pod.send("PURGE", "/after").status, 202);
        const auto targets = [&varnish] {
            QList<QByteArray> list;
            for (const RecordedRequest &purge : purgesOf(varnish))
                list.append(purge.target);
            return list;
        };
        QTRY_VERIFY_WITH_TIMEOUT(targets().contains("/after"), 10000);
        QTRY_VERIFY(caughtUp(redis, "http-broadcast-hub"));
        // The 503 said "not confirmed", not "dropped": the XADD was already in the paused Redis's
        // socket and ran when it resumed, so /during may arrive too, once and in order.
        const QList<QByteArray> received = targets();
        QVERIFY2(received == QList<QByteArray>{"/after"} || received == (QList<QByteArray>{"/during", "/after"}),
                 received.join(' ').constData());
    }

    // The seed's documented log levels and formats start the pod; fluentd is one JSON object per
    // line with time, severity and message. A Mercure hub URL is refused with a pointer to Redis.
    void httpBroadcastLogSettingsAndHub_data()
    {
        QTest::addColumn<QString>("level");
        QTest::addColumn<QString>("format");
        QTest::newRow("trace, fluentd") << "trace"
                                        << "fluentd";
        QTest::newRow("debug, json") << "debug"
                                     << "json";
        QTest::newRow("info, text") << "info"
                                    << "text";
        QTest::newRow("fatal, text") << "fatal"
                                     << "text";
    }
    void httpBroadcastLogSettingsAndHub()
    {
        QFETCH(QString, level);
        QFETCH(QString, format);
        TestBackend varnish;
        QVERIFY(varnish.listen());
        QList<QPair<QString, QString>> variables = httpBroadcastPod(varnish.url(), QStringLiteral("redis://127.0.0.1:1/0"));
        variables.append(qMakePair(QStringLiteral("LOG_LEVEL"), level));
        variables.append(qMakePair(QStringLiteral("LOG_FORMAT"), format));
        ServeProcess pod;
        QVERIFY2(pod.start(environmentOf(variables)), pod.errorOutput().constData());
        QCOMPARE(pod.terminate(), 0);
        const QByteArray log = pod.errorOutput();
        if (level == QLatin1String("fatal")) {
            QVERIFY2(!log.contains("behaving as"), log.constData()); // errors only
        } else if (format == QLatin1String("fluentd")) {
            bool announced = false;
            for (const QByteArray &line : log.split('\n')) {
                if (line.isEmpty())
                    continue;
                const QJsonObject object = QJsonDocument::fromJson(line).object();
                QVERIFY2(object.contains(QLatin1String("time")) && object.contains(QLatin1String("severity")), line.constData());
                announced =
                    announced
                    || (object.value(QLatin1String("severity")).toString() == QLatin1String("INFO")
                        && object.value(QLatin1String("message")).toString().startsWith(QLatin1String("behaving as http-broadcast")));
            }
            QVERIFY2(announced, log.constData());
        } else {
            QVERIFY2(log.contains("behaving as http-broadcast"), log.constData());
        }

        QProcess mercure;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(
            environmentOf(httpBroadcastPod(varnish.url(), QStringLiteral("https://example.com/.well-known/mercure"))));
        mercure.setProcessEnvironment(environment);
        mercure.start(QStringLiteral(HERALD_BINARY), {QStringLiteral("serve")});
        QVERIFY(mercure.waitForFinished(10000));
        QCOMPARE(mercure.exitCode(), 2);
        const QByteArray refusal = mercure.readAllStandardError();
        QVERIFY2(refusal.contains("HUB_ENDPOINT") && refusal.contains("Redis"), refusal.constData());
    }

    // ---- k8sreq-duplicator cases ----

    // The README's deployment (HTTP_ADDR, METRICS_ADDR, PROBE_ADDR, PROXY_* timeouts) with its two
    // RequestClones of one host, as kubectl prints them, and the cluster DNS (dnsmasq) publishing
    // the services' named port as SRV records. A matched Host answers 202 before the (slow)
    // backends do, and both services get the request as sent; an unmatched Host gets 503; probes
    // and metrics listen on their own ports; editing the manifest changes the routes.
    void k8sreqDuplicatorRoutesByHost()
    {
        const QString unavailable = DnsmasqServer::unavailableReason();
        if (!unavailable.isEmpty()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL(qPrintable(unavailable));
            QSKIP(qPrintable(unavailable));
        }
        TestBackend app1;
        TestBackend app2;
        QVERIFY(app1.listen());
        QVERIFY(app2.listen());
        app1.setDelayMs(1500);
        app2.setDelayMs(1500);
        DnsmasqServer dns;
        DnsmasqServer::Records records;
        // The SRV targets are names the system resolver knows, as a pod's name is in a cluster.
        records.srv =
            QStringList{QStringLiteral("_http._tcp.webhook-receiver-app-1.apps.svc.cluster.local,localhost,%1,0,0").arg(app1.port()),
                        QStringLiteral("_http._tcp.webhook-receiver-app-2.apps.svc.cluster.local,localhost,%1,0,0").arg(app2.port())};
        QString error;
        QVERIFY2(dns.start(records, &error), qPrintable(error));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString manifest = dir.filePath(QStringLiteral("requestclones.yaml"));
        QVERIFY(writeFile(manifest, requestCloneList({{"webhook-receiver.example.com", "webhook-receiver-app-1"},
                                                      {"webhook-receiver.example.com", "webhook-receiver-app-2"}})));

        ServeProcess serve;
        // The README's variables, unchanged but for the addresses (loopback, ports the kernel
        // picks); the RequestClones come from the manifest instead of the API server.
        QVERIFY2(serve.start(environmentOf({{"HTTP_ADDR", "127.0.0.1:0"},
                                            {"METRICS_ADDR", "127.0.0.1:0"},
                                            {"PROBE_ADDR", "127.0.0.1:0"},
                                            {"PROXY_READ_TIMEOUT", "30s"},
                                            {"PROXY_WRITE_TIMEOUT", "30s"},
                                            {"HERALD_REQUESTCLONES", manifest},
                                            {"HERALD_NAMESERVER", dns.address().toString()}})),
                 serve.errorOutput().constData());
        QVERIFY(serve.adminPort() != 0 && serve.metricsPort() != 0 && serve.adminPort() != serve.metricsPort());
        QTRY_COMPARE(serve.send("GET", "/readyz", {}, {}, serve.adminPort()).status, 200);
        const HttpReply health = serve.send("GET", "/healthz", {}, {}, serve.adminPort());
        QVERIFY2(health.status == 200, health.body.constData());
        QCOMPARE(QJsonDocument::fromJson(health.body).object().value(QLatin1String("targets")).toInt(), 2);

        QElapsedTimer clock;
        clock.start();
        const HttpReply accepted = serve.send("POST", "/github/push?delivery=42",
                                              {{"Host", "webhook-receiver.example.com"}, {"Content-Type", "application/json"}},
                                              "{\"ref\":\"main\"}");
        QCOMPARE(accepted.status, 202);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        for (TestBackend *app : {&app1, &app2}) {
            QTRY_COMPARE_WITH_TIMEOUT(proxiedTo(*app).size(), 1, 5000);
            const RecordedRequest received = proxiedTo(*app).first();
            QCOMPARE(received.method, QByteArray("POST"));
            QCOMPARE(received.target, QByteArray("/github/push?delivery=42"));
            QCOMPARE(received.header("Host"), QByteArray("webhook-receiver.example.com"));
            QCOMPARE(received.body, QByteArray("{\"ref\":\"main\"}"));
        }

        const HttpReply unmatched = serve.send("POST", "/github/push", {{"Host", "other.example.com"}}, "x");
        QCOMPARE(unmatched.status, 503);
        // The main port is all proxy: /healthz there is a request like any other (no such route: 503).
        QCOMPARE(serve.send("GET", "/healthz", {{"Host", "other.example.com"}}).status, 503);

        const HttpReply metrics = serve.send("GET", "/metrics", {}, {}, serve.metricsPort());
        QCOMPARE(metrics.status, 200);
        QVERIFY2(metrics.body.contains("herald_broadcasts_total"), metrics.body.constData());
        QCOMPARE(serve.send("GET", "/healthz", {}, {}, serve.metricsPort()).status, 404);

        // A RequestClone moves to another host: the old host no longer matches, the new one does.
        QVERIFY(writeFile(manifest, requestCloneList({{"webhook-receiver.example.com", "webhook-receiver-app-1"},
                                                      {"builds.example.com", "webhook-receiver-app-2"}})));
        // Waiting on the log, not on a request: QTRY would send it again when it succeeds.
        QTRY_VERIFY_WITH_TIMEOUT(serve.errorOutput().contains("routes reloaded: 2 routes"), 10000);
        QCOMPARE(serve.send("PUT", "/ping", {{"Host", "builds.example.com"}}).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(proxiedTo(app2).size(), 2, 5000);
        QCOMPARE(proxiedTo(app2).last().method, QByteArray("PUT"));
        QCOMPARE(proxiedTo(app2).last().target, QByteArray("/ping"));
        QCOMPARE(proxiedTo(app2).last().header("Host"), QByteArray("builds.example.com"));
        QCOMPARE(serve.send("POST", "/only-app-1", {{"Host", "webhook-receiver.example.com"}}, "y").status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(proxiedTo(app1).size(), 2, 5000);
        QCOMPARE(proxiedTo(app1).last().target, QByteArray("/only-app-1"));
        QCOMPARE(proxiedTo(app2).size(), 2);
        // Nothing reached a backend for the unmatched hosts.
        for (const TestBackend *app : {&app1, &app2}) {
            for (const RecordedRequest &request : proxiedTo(*app))
                QVERIFY2(request.header("Host") != "other.example.com", request.target.constData());
        }

        QCOMPARE(serve.terminate(), 0);
        const QByteArray log = serve.errorOutput();
        QVERIFY2(log.contains("behaving as k8sreq-duplicator (HTTP_ADDR, METRICS_ADDR, PROBE_ADDR are set)"), log.constData());
    }

    // ---- red-tentacle cases ----

    // ---- fanout cases ----

private:
    BackendPool m_backends;
};

QTEST_GUILESS_MAIN(TestSeeds)
#include "tst_seeds.moc"
