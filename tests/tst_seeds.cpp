// Each seed's deployment, as its README documents it, run unchanged under `herald serve`: what
// that seed's callers rely on (which backends got what, the answer, probes, run-time updates,
// timing) still holds, and the seed's bugs do not. One section per seed; the lead merges them.
#include "backendpool.h"
#include "dnsmasqserver.h"
#include "redisserver.h"
#include "dnsmasqserver.h"
#include "serveprocess.h"
#include "testbackend.h"
#include "testcertificate.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include <csignal>
#include <memory>
#include <unistd.h>

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

// http-broadcast's install.md, as a pod runs it, with the Mercure hub's URL swapped for Redis.
QList<QPair<QString, QString>> httpBroadcastPod(const QString &varnishUrl, const QString &redisUrl)
{
    return {{"SERVER_ADDR", "0.0.0.0:6801"},
            {"AGENT_ENDPOINT", varnishUrl},
            {"HUB_TOKEN", "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7fX0.c2lnbmF0dXJl"},
            {"HUB_ENDPOINT", redisUrl}};
}

// `herald serve --print-config` under these variables (and nothing of the test's HERALD_*).
QByteArray printedConfig(const QProcessEnvironment &variables)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &key : environment.keys()) {
        if (key.startsWith(QLatin1String("HERALD_")))
            environment.remove(key);
    }
    environment.insert(variables);
    QProcess printer;
    printer.setProcessEnvironment(environment);
    printer.start(QStringLiteral(HERALD_BINARY), {QStringLiteral("serve"), QStringLiteral("--print-config")});
    if (!printer.waitForFinished(10000) || printer.exitCode() != 0)
        return "exit " + QByteArray::number(printer.exitCode()) + ": " + printer.readAllStandardError();
    return printer.readAllStandardOutput();
}

bool mentions(const QByteArray &config, const QByteArray &line)
{
    return config.startsWith(line + '\n') || config.contains('\n' + line + '\n');
}

QJsonObject jsonOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
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

    // The seed's README: BACKEND_HOST (a headless service), BACKEND_PORT, RETRIES, TIMEOUT in Go's
    // format. Its defaults under the mode, without a single HERALD_* variable.
    void broadcasterDefaults()
    {
        const QByteArray config = printedConfig(environmentOf({{"BACKEND_HOST", "varnish-headless.default.svc"}}));
        QVERIFY2(mentions(config, "HERALD_COMPAT=broadcaster"), config.constData());
        QVERIFY2(mentions(config, "HERALD_DNS_NAME=varnish-headless.default.svc"), config.constData());
        QVERIFY2(mentions(config, "HERALD_DNS_PORT=6081"), config.constData());
        QVERIFY2(mentions(config, "HERALD_TIMEOUT=3s"), config.constData());
        QVERIFY2(mentions(config, "HERALD_RETRIES=2"), config.constData());
        QVERIFY2(mentions(config, "HERALD_RETRY_ON=>=400"), config.constData());
        QVERIFY2(mentions(config, "HERALD_POLICY=all"), config.constData());
        QVERIFY2(mentions(config, "HERALD_LISTEN=:8080"), config.constData());
    }

    // Every Go duration the seed's TIMEOUT took starts Herald too; the README's own values win
    // over the mode's.
    void broadcasterGoDurations_data()
    {
        QTest::addColumn<QString>("timeout");
        QTest::addColumn<QString>("shown");
        QTest::newRow("1m30s") << "1m30s"
                               << "90s";
        QTest::newRow("1h2m3.5s") << "1h2m3.5s"
                                  << "3723500ms";
        QTest::newRow("300us") << "300us"
                               << "1ms";
        QTest::newRow("500ms") << "500ms"
                               << "500ms";
    }
    void broadcasterGoDurations()
    {
        QFETCH(QString, timeout);
        QFETCH(QString, shown);
        const QByteArray config = printedConfig(environmentOf({{"BACKEND_HOST", "pods.test"}, {"TIMEOUT", timeout}}));
        QVERIFY2(mentions(config, "HERALD_TIMEOUT=" + shown.toUtf8()), config.constData());
        const QByteArray negative = printedConfig(environmentOf({{"BACKEND_HOST", "pods.test"}, {"TIMEOUT", "-1m30s"}}));
        QVERIFY2(negative.contains("TIMEOUT") && negative.contains("is negative"), negative.constData());
    }

    // Two pods of the headless service behind dnsmasq, on the README's BACKEND_PORT: each gets the
    // request as the client sent it (query kept, which the seed dropped); one pod failing is a 5xx
    // after the seed's retries; a name without records or a refused lookup is a 5xx too.
    void broadcasterReadmeDeployment()
    {
        const QString unavailable = DnsmasqServer::unavailableReason();
        if (!unavailable.isEmpty())
            QSKIP(qPrintable(unavailable));
        DnsmasqServer dns;
        QString error;
        TestBackend first;
        QVERIFY(first.listen(QHostAddress(QStringLiteral("127.0.0.21"))));
        TestBackend second;
        QVERIFY(second.listen(QHostAddress(QStringLiteral("127.0.0.22")), first.port()));
        QVERIFY2(dns.start({{"varnish.test,127.0.0.21", "varnish.test,127.0.0.22"}, {}, {"empty.test,no records"}}, &error),
                 qPrintable(error));
        QProcessEnvironment environment = environmentOf({{"BACKEND_HOST", "varnish.test"},
                                                         {"BACKEND_PORT", QString::number(first.port())},
                                                         {"RETRIES", "2"},
                                                         {"TIMEOUT", "1m30s"}});
        environment.insert(QStringLiteral("HERALD_NAMESERVER"), dns.address().toString()); // the test's DNS, not the system's
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("GET", "/readyz").status, 200, 10000);

        const HttpReply ok = serve.send("PURGE", "/products/42?variant=blue", {{"Host", "shop.example"}}, "purge me");
        QCOMPARE(ok.status, 200);
        QCOMPARE(jsonOf(ok.body).value(QLatin1String("summary")).toObject().value(QLatin1String("succeeded")).toInt(), 2);
        for (TestBackend *pod : {&first, &second}) {
            QCOMPARE(pod->requestCount(), 1);
            const RecordedRequest got = pod->requests().first();
            QCOMPARE(got.method, QByteArray("PURGE"));
            QCOMPARE(got.target, QByteArray("/products/42?variant=blue"));
            QCOMPARE(got.header("Host"), QByteArray("shop.example"));
            QCOMPARE(got.body, QByteArray("purge me"));
        }

        // One pod answering 404: retried (>= 400) RETRIES times more, then a 5xx for the caller.
        second.setStatuses({404});
        const HttpReply failed = serve.send("BAN", "/");
        QCOMPARE(failed.status, 502);
        QCOMPARE(first.requestCount(), 2);
        QCOMPARE(second.requestCount(), 1 + 3);
        QCOMPARE(serve.terminate(), 0);

        // No records, and a lookup the server refuses (dnsmasq refuses names outside .test).
        for (const QString &name : {QStringLiteral("empty.test"), QStringLiteral("varnish.example")}) {
            environment.insert(QStringLiteral("BACKEND_HOST"), name);
            ServeProcess unresolved;
            QVERIFY2(unresolved.start(environment), unresolved.errorOutput().constData());
            const HttpReply none = unresolved.send("PURGE", "/x");
            QVERIFY2(none.status >= 500 && none.status < 600, none.body.constData());
            QVERIFY2(none.body.contains(name.toUtf8()), none.body.constData());
        }
    }

    // BACKEND_PORT unset: the pods are asked on 6081, as the seed asks them. Inside a private
    // network namespace, so nothing else on the machine holds 6081: there the pod is a second
    // herald listening on :6081, whose /livez answers 200 (the first one's probes moved aside so
    // that its /livez is broadcast).
    void broadcasterAsksPort6081ByDefault()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty() || ::geteuid() != 0)
            QSKIP("needs root, unshare and curl");
        const QString script = QStringLiteral(
                                   "ip link set lo up || exit 3; "
                                   "HERALD_COMPAT=none HERALD_LISTEN=:6081 HERALD_TARGETS=http://127.0.0.1:9 %1 serve & POD=$!; "
                                   "BACKEND_HOST=localhost HERALD_LISTEN=127.0.0.1:8080 HERALD_PROBE_PREFIX=/_h %1 serve & HERALD=$!; "
                                   "for i in $(seq 100); do curl -s -o /dev/null 127.0.0.1:6081/livez && "
                                   "curl -sf -o /dev/null 127.0.0.1:8080/_h/readyz && break; sleep 0.1; done; "
                                   "curl -s -w ' STATUS %{http_code}' http://127.0.0.1:8080/livez; kill $POD $HERALD; wait")
                                   .arg(QStringLiteral(HERALD_BINARY));
        QProcess run;
        run.setProcessChannelMode(QProcess::MergedChannels);
        run.start(QStringLiteral("unshare"), {QStringLiteral("--net"), QStringLiteral("sh"), QStringLiteral("-c"), script});
        QVERIFY(run.waitForFinished(30000));
        const QByteArray output = run.readAll();
        QVERIFY2(output.contains("STATUS 200"), output.constData());
        QVERIFY2(output.contains("http://127.0.0.1:6081"), output.constData());
        QVERIFY2(!output.contains("\"failed\":1"), output.constData());
    }

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
        QTRY_VERIFY(redis.caughtUp("varnish-a"));
        QTRY_VERIFY(redis.caughtUp("varnish-b"));
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
        QTRY_VERIFY(redis.caughtUp("http-broadcast-hub"));
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

    // The README's docker run: TARGETS and MAX_BODY_SIZE, nothing else; its example request
    // POST /fanout with JSON. 202 at once with an X-Request-ID, while a slow target still works;
    // each target got the request at exactly its URL, query included, with its own Host.
    void fanoutReadmeDeployment()
    {
        m_backends.start(2);
        TestBackend &ingest = m_backends.at(0);
        TestBackend &slow = m_backends.at(1);
        slow.setDelayMs(3000);
        const QString targets = QStringLiteral("%1/ingest?token=abc,%2/hook").arg(ingest.url(), slow.url());
        ServeProcess serve;
        QVERIFY2(serve.start(environmentOf({{"TARGETS", targets}, {"MAX_BODY_SIZE", "10MB"}})), serve.errorOutput().constData());

        QElapsedTimer clock;
        clock.start();
        const QByteArray json = R"({"test":"data"})";
        const HttpReply accepted = serve.send("POST", "/fanout",
                                              {{"Content-Type", "application/json"}, {"Host", "fanout.example"}}, json);
        QCOMPARE(accepted.status, 202);
        QVERIFY2(clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
        const QByteArray id = accepted.header("X-Request-ID");
        QCOMPARE(id.size(), 36);
        QTRY_COMPARE_WITH_TIMEOUT(ingest.requestCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(slow.requestCount(), 1, 5000);
        const RecordedRequest got = ingest.requests().first();
        QCOMPARE(got.method, QByteArray("POST"));
        QCOMPARE(got.target, QByteArray("/ingest?token=abc"));
        QCOMPARE(got.header("Host"), QUrl(ingest.url()).authority().toUtf8());
        QCOMPARE(got.body, json);
        QCOMPARE(got.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(got.header("X-Request-ID"), id);
        QCOMPARE(slow.requests().first().target, QByteArray("/hook"));
        QCOMPARE(slow.requests().first().body, json);

        // The caller's own id is kept, forwarded and echoed; the client's query is kept too.
        const HttpReply withId = serve.send("POST", "/fanout?batch=7", {{"X-Request-ID", "req-1"}}, json);
        QCOMPARE(withId.status, 202);
        QCOMPARE(withId.header("X-Request-ID"), QByteArray("req-1"));
        QTRY_COMPARE_WITH_TIMEOUT(ingest.requestCount(), 2, 5000);
        QCOMPARE(ingest.requests().last().header("X-Request-ID"), QByteArray("req-1"));
        QCOMPARE(ingest.requests().last().target, QByteArray("/ingest?token=abc&batch=7"));

        // /health and /version are answered here, never broadcast; other paths are not FanOut's.
        const HttpReply health = serve.send("GET", "/health");
        QCOMPARE(health.status, 200);
        QCOMPARE(jsonOf(health.body).value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
        const HttpReply version = serve.send("GET", "/version");
        QCOMPARE(version.status, 200);
        QVERIFY2(!jsonOf(version.body).value(QLatin1String("version")).toString().isEmpty(), version.body.constData());
        QCOMPARE(serve.send("POST", "/elsewhere", {}, json).status, 404);
        QCOMPARE(serve.send("GET", "/metrics").status, 404); // METRICS_ENABLED is false by default
        QTRY_COMPARE_WITH_TIMEOUT(slow.requestCount(), 2, 8000);
        QCOMPARE(ingest.requestCount(), 2);
    }

    // MAX_BODY_SIZE in FanOut's units (1MB = 1,000,000 bytes, fractions allowed), MAX_RETRIES with
    // X-Retry-Count, METRICS_ENABLED, CLIENT_TIMEOUT and REQUEST_TIMEOUT.
    void fanoutLimitsRetriesAndMetrics()
    {
        m_backends.start(1);
        TestBackend &target = m_backends.at(0);
        target.setStatuses({503, 503, 200});
        ServeProcess serve;
        QVERIFY2(serve.start(environmentOf({{"TARGETS", target.url() + QStringLiteral("/in")},
                                            {"MAX_BODY_SIZE", "0.002MB"}, // 2,000 bytes; 2,097 if it were MiB
                                            {"MAX_RETRIES", "2"},
                                            {"CLIENT_TIMEOUT", "5s"},
                                            {"REQUEST_TIMEOUT", "15s"},
                                            {"METRICS_ENABLED", "true"}})),
                 serve.errorOutput().constData());
        QCOMPARE(serve.send("POST", "/fanout", {}, QByteArray(2001, 'x')).status, 413);
        QCOMPARE(serve.send("POST", "/fanout", {}, QByteArray(2000, 'x')).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(target.requestCount(), 3, 15000);
        QCOMPARE(target.requests().at(0).header("X-Retry-Count"), QByteArray());
        QCOMPARE(target.requests().at(1).header("X-Retry-Count"), QByteArray("1"));
        QCOMPARE(target.requests().at(2).header("X-Retry-Count"), QByteArray("2"));
        QCOMPARE(serve.send("GET", "/metrics").status, 200);

        const QByteArray config = printedConfig(environmentOf(
            {{"TARGETS", target.url()}, {"CLIENT_TIMEOUT", "5s"}, {"REQUEST_TIMEOUT", "15s"}, {"MAX_BODY_SIZE", "1.5MB"}}));
        QVERIFY2(mentions(config, "HERALD_COMPAT=fanout"), config.constData());
        QVERIFY2(mentions(config, "HERALD_TIMEOUT=5s"), config.constData());
        QVERIFY2(mentions(config, "HERALD_DEADLINE=15s"), config.constData());
        QVERIFY2(mentions(config, "HERALD_MAX_BODY=1500000"), config.constData());
        QVERIFY2(mentions(config, "HERALD_RETRIES=3"), config.constData());
        QVERIFY2(mentions(config, "HERALD_POLICY=async"), config.constData());
    }

    // TARGETS=localonly is FanOut's echo mode: nothing is sent anywhere, the request comes back.
    void fanoutEchoMode_data()
    {
        QTest::addColumn<QString>("response");
        QTest::addColumn<int>("status");
        QTest::newRow("simple") << "simple" << 202;
        QTest::newRow("full") << "full" << 200;
    }
    void fanoutEchoMode()
    {
        QFETCH(QString, response);
        QFETCH(int, status);
        ServeProcess serve;
        QVERIFY2(serve.start(
                     environmentOf({{"TARGETS", "localonly"}, {"ECHO_MODE_HEADER", "true"}, {"ECHO_MODE_RESPONSE", response}})),
                 serve.errorOutput().constData());
        const HttpReply echoed = serve.send("POST", "/fanout", {{"Content-Type", "application/json"}}, R"({"test":"data"})");
        QCOMPARE(echoed.status, status);
        QCOMPARE(echoed.header("X-Echo-Mode"), QByteArray("active"));
        const QJsonObject body = jsonOf(echoed.body);
        if (response == QLatin1String("simple")) {
            QCOMPARE(body.value(QLatin1String("status")).toString(), QStringLiteral("echoed"));
        } else {
            QCOMPARE(body.value(QLatin1String("body")).toString(), QStringLiteral(R"({"test":"data"})"));
            QCOMPARE(body.value(QLatin1String("headers")).toObject().value(QLatin1String("Content-Type")).toArray().first().toString(),
                     QStringLiteral("application/json"));
        }
        QCOMPARE(serve.send("GET", "/health").status, 200);
    }

private:
    BackendPool m_backends;
};

QTEST_GUILESS_MAIN(TestSeeds)
#include "tst_seeds.moc"
