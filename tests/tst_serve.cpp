// `herald serve` as a real process, configured by environment, talked to over loopback sockets.
#include "backendpool.h"
#include "rawhttpclient.h"
#include "serveprocess.h"
#include "testbackend.h"
#include "testcertificate.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using herald::test::HttpReply;
using herald::test::RawHttpClient;
using herald::test::RawHttpResponse;
using herald::test::RecordedRequest;
using herald::test::ServeProcess;
using herald::test::TestBackend;

namespace {

QProcessEnvironment env(std::initializer_list<std::pair<const char *, QString>> values)
{
    QProcessEnvironment environment;
    for (const auto &value : values)
        environment.insert(QString::fromLatin1(value.first), value.second);
    return environment;
}

QJsonObject json(const HttpReply &reply)
{
    return QJsonDocument::fromJson(reply.body).object();
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

    herald::test::BackendPool m_backends;

    QStringList startBackends(int count) { return m_backends.start(count); }
    TestBackend &backend(int i) { return m_backends.at(i); }
    int totalRequests() const { return m_backends.totalRequests(); }

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void seedConfigurations_data()
    {
        QTest::addColumn<QString>("seed");
        for (const char *seed : {"broadcaster", "red-tentacle", "fanout", "k8sreq-duplicator", "http-broadcast"})
            QTest::newRow(seed) << QString::fromLatin1(seed);
    }
    void seedConfigurations()
    {
        QFETCH(QString, seed);
        const QStringList urls = startBackends(2);
        QProcessEnvironment environment;
        if (seed == QLatin1String("broadcaster")) {
            // One name, a port: the Kubernetes headless-service setup. localhost resolves to 127.0.0.1.
            m_backends.removeLast();
            environment = env({{"BACKEND_HOST", QStringLiteral("localhost")},
                               {"BACKEND_PORT", QString::number(backend(0).port())},
                               {"RETRIES", QStringLiteral("1")},
                               {"TIMEOUT", QStringLiteral("2s")}});
        } else if (seed == QLatin1String("red-tentacle")) {
            environment = env({{"BACKEND_SERVERS", urls.join(QLatin1Char(','))}});
        } else if (seed == QLatin1String("fanout")) {
            environment = env({{"TARGETS", urls.join(QLatin1Char(','))},
                               {"PORT", QStringLiteral("0")},
                               {"MAX_BODY_SIZE", QStringLiteral("1000")},
                               {"HTTP_TIMEOUT", QStringLiteral("2")},
                               {"SENSITIVE_HEADERS", QStringLiteral("X-Secret")}});
        } else if (seed == QLatin1String("k8sreq-duplicator")) {
            environment = env({{"HERALD_TARGETS", urls.join(QLatin1Char(' '))},
                               {"HTTP_ADDR", QStringLiteral("127.0.0.1:0")},
                               {"PROBE_ADDR", QStringLiteral("127.0.0.1:0")},
                               {"PROXY_WRITE_TIMEOUT", QStringLiteral("2s")},
                               {"PROXY_READ_TIMEOUT", QStringLiteral("5s")}});
        } else {
            environment = env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))},
                               {"SERVER_ADDR", QStringLiteral("127.0.0.1:0")},
                               {"LOG_FORMAT", QStringLiteral("json")},
                               {"LOG_LEVEL", QStringLiteral("info")}});
        }
        // The seeds' variables as aliases of Herald's own settings, under Herald's defaults; what
        // each seed's mode changes on top of them is tst_seeds' subject.
        environment.insert(QStringLiteral("HERALD_COMPAT"), QStringLiteral("none"));
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        // DNS targets resolve after the listener starts; Kubernetes waits for /readyz, so do we.
        QTRY_COMPARE(serve.send("GET", "/readyz", {}, {}, seed == QLatin1String("k8sreq-duplicator") ? serve.adminPort() : 0).status,
                     200);
        const HttpReply reply = serve.send("PURGE", "/product/42?lang=en", {{"Host", "shop.example.com"}, {"X-Secret", "s"}});
        QVERIFY2(reply.status == 200, reply.body + reply.error.toUtf8() + serve.errorOutput());
        for (int i = 0; i < m_backends.count(); ++i) {
            QCOMPARE(backend(i).requestCount(), 1);
            const auto received = backend(i).requests().first();
            QCOMPARE(received.method, QByteArray("PURGE"));
            QCOMPARE(received.target, QByteArray("/product/42?lang=en"));
            QCOMPARE(received.header("Host"), QByteArray("shop.example.com"));
            QCOMPARE(received.header("X-Secret").isEmpty(), seed == QLatin1String("fanout"));
        }
        if (seed == QLatin1String("fanout")) {
            QCOMPARE(serve.send("POST", "/", {}, QByteArray(2000, 'x')).status, 413);
            QCOMPARE(totalRequests(), 2);
        }
        if (seed == QLatin1String("k8sreq-duplicator")) {
            // Probes live on the probe port; on the main port /healthz is broadcast like any path.
            QCOMPARE(serve.send("GET", "/readyz", {}, {}, serve.adminPort()).status, 200);
            QCOMPARE(serve.send("GET", "/healthz").status, 200);
            QCOMPARE(backend(0).requests().last().target, QByteArray("/healthz"));
        }
        if (seed == QLatin1String("http-broadcast")) {
            QCOMPARE(serve.terminate(), 0);
            const QList<QByteArray> lines = serve.errorOutput().split('\n');
            int jsonLines = 0;
            for (const QByteArray &line : lines) {
                if (line.trimmed().isEmpty())
                    continue;
                QJsonParseError error;
                QJsonDocument::fromJson(line, &error);
                QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
                ++jsonLines;
            }
            QVERIFY(jsonLines >= 2);
        }
    }

    void everyMethodReachesEveryBackend_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("transport"); // empty: the default (lean)
        for (const char *method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "BAN", "REFRESH", "FOOBAR"})
            QTest::newRow(method) << QByteArray(method) << QByteArray() << QString();
        QByteArray binary;
        for (int i = 0; i < 200000; ++i)
            binary.append(char(i % 251));
        QTest::newRow("POST binary body") << QByteArray("POST") << binary << QString();
        QTest::newRow("BAN with body") << QByteArray("BAN") << QByteArray("req.url ~ /product") << QString();
        QTest::newRow("PURGE over qnam") << QByteArray("PURGE") << QByteArray() << QStringLiteral("qnam");
        QTest::newRow("HEAD over qnam") << QByteArray("HEAD") << QByteArray() << QStringLiteral("qnam");
        QTest::newRow("POST binary body over qnam") << QByteArray("POST") << binary << QStringLiteral("qnam");
        QTest::newRow("PURGE over curl, named") << QByteArray("PURGE") << QByteArray() << QStringLiteral("curl");
        // transport/threads: HERALD_TRANSPORT_THREADS as well
        QTest::newRow("PURGE over curl in 2 threads") << QByteArray("PURGE") << QByteArray() << QStringLiteral("curl/2");
        QTest::newRow("POST binary body over curl in 2 threads") << QByteArray("POST") << binary << QStringLiteral("curl/2");
    }
    void everyMethodReachesEveryBackend()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, body);
        QFETCH(QString, transport);
        const QStringList urls = startBackends(3);
        ServeProcess serve;
        QProcessEnvironment settings = env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))}});
        if (!transport.isEmpty()) {
            const QStringList parts = transport.split(QLatin1Char('/'));
            settings.insert(QStringLiteral("HERALD_TRANSPORT"), parts.first());
            if (parts.size() > 1)
                settings.insert(QStringLiteral("HERALD_TRANSPORT_THREADS"), parts.at(1));
        }
        QVERIFY(serve.start(settings));
        const HttpReply reply = serve.send(method, "/a%20b/c?x=1&y=%2F",
                                           {{"X-Custom", "v"},
                                            {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}},
                                           body);
        QVERIFY2(reply.status == 200, reply.body + reply.error.toUtf8());
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(backend(i).requestCount(), 1);
            const auto received = backend(i).requests().first();
            QCOMPARE(received.method, method);
            QCOMPARE(received.target, QByteArray("/a%20b/c?x=1&y=%2F"));
            QCOMPARE(received.header("X-Custom"), QByteArray("v"));
            QCOMPARE(received.header("traceparent"), QByteArray("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            QVERIFY(received.body == body);
            QVERIFY(received.header("X-Forwarded-For").contains("127.0.0.1"));
            QVERIFY(received.header("Via").contains("herald-"));
        }
        if (method != "HEAD") {
            const QJsonObject answer = json(reply);
            QCOMPARE(answer.value(QLatin1String("targets")).toArray().size(), 3);
        }
    }

    void policyAnswers()
    {
        const QStringList urls = startBackends(3);
        backend(2).setStatuses({500});
        backend(1).setResponseBody("answer from backend 1");
        backend(1).setResponseHeaders({{"X-From", "one"}});
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))},
                                 {"HERALD_RETRIES", QStringLiteral("0")},
                                 {"HERALD_CIRCUIT_THRESHOLD", QStringLiteral("0")}})));

        HttpReply all = serve.send("PURGE", "/x");
        QCOMPARE(all.status, 502);
        QCOMPARE(json(all).value(QLatin1String("ok")).toBool(), false);
        const QJsonArray targets = json(all).value(QLatin1String("targets")).toArray();
        QCOMPARE(targets.at(2).toObject().value(QLatin1String("status")).toInt(), 500);
        QCOMPARE(targets.at(2).toObject().value(QLatin1String("outcome")).toString(), QStringLiteral("http-error"));

        QCOMPARE(serve.send("PURGE", "/x", {{"X-Herald-Policy", "any"}}).status, 200);
        QCOMPARE(serve.send("PURGE", "/x", {{"X-Herald-Policy", "quorum=2"}}).status, 200);
        QCOMPARE(serve.send("PURGE", "/x", {{"X-Herald-Policy", "quorum=3"}}).status, 502);
        QCOMPARE(serve.send("PURGE", "/x", {{"X-Herald-Policy", "bogus"}}).status, 400);
        QVERIFY(!backend(0).requests().last().header("X-Herald-Policy").size());

        backend(0).setStatuses({500});
        const HttpReply first = serve.send("GET", "/x", {{"X-Herald-Policy", "first"}});
        QCOMPARE(first.status, 200);
        QCOMPARE(first.body, QByteArray("answer from backend 1"));
        QCOMPARE(first.header("X-From"), QByteArray("one"));

        const int before = totalRequests();
        const HttpReply async = serve.send("POST", "/hook", {{"X-Herald-Policy", "async"}}, "event");
        QCOMPARE(async.status, 202);
        QVERIFY(json(async).value(QLatin1String("accepted")).toBool());
        QTRY_COMPARE(totalRequests(), before + 3);
    }

    void healthFollowsTheBackends()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        const quint16 port = backend.port();
        const QString url = backend.url();
        backend.close();
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", url}})));
        QCOMPARE(serve.send("GET", "/healthz").status, 503);
        QCOMPARE(serve.send("GET", "/livez").status, 200); // liveness never depends on the fleet
        QCOMPARE(serve.send("GET", "/readyz").status, 200);
        TestBackend revived;
        QVERIFY(revived.listen(QHostAddress::LocalHost, port));
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("GET", "/healthz").status, 200, 10000);
        QCOMPARE(revived.requests().last().method, QByteArray("HEAD"));
    }

    // The probe is a hop of this instance like a broadcast: same Via, so loop detection and logs agree.
    void healthProbeCarriesTheInstanceVia()
    {
        const QStringList urls = startBackends(1);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_INSTANCE_ID", QStringLiteral("pod-7")}})));
        QCOMPARE(serve.send("GET", "/healthz").status, 200);
        QCOMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(0).requests().first().method, QByteArray("HEAD"));
        QCOMPARE(backend(0).requests().first().header("Via"), QByteArray("1.1 herald-pod-7"));
    }

    void metricsParseAsPrometheusText()
    {
        const QStringList urls = startBackends(2);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))}})));
        QCOMPARE(serve.send("PURGE", "/a").status, 200);
        QCOMPARE(serve.send("FOOBAR", "/a").status, 200);
        const HttpReply metrics = serve.send("GET", "/metrics");
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.header("Content-Type").startsWith("text/plain"));
        static const QRegularExpression sample(QStringLiteral(
            "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? -?[0-9.eE+-]+(Inf)?$"));
        int samples = 0;
        for (const QByteArray &line : metrics.body.split('\n')) {
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            QVERIFY2(sample.match(QString::fromUtf8(line)).hasMatch(), line.constData());
            ++samples;
        }
        QVERIFY(samples > 10);
        QVERIFY(metrics.body.contains("herald_broadcasts_total{method=\"PURGE\",outcome=\"met\"} 1"));
        QVERIFY(metrics.body.contains("herald_broadcasts_total{method=\"other\",outcome=\"met\"} 1"));
        QVERIFY(metrics.body.contains("herald_circuit_state{target=\"" + urls.at(0).toUtf8() + "\"} 0"));
    }

    void adminApiNeedsTheToken()
    {
        const QStringList urls = startBackends(2);
        {
            ServeProcess noToken;
            QVERIFY(noToken.start(env({{"HERALD_TARGETS", urls.at(0)}})));
            QCOMPARE(noToken.send("GET", "/_herald/targets").status, 200);
            const HttpReply refused = noToken.send("PUT", "/_herald/targets", {}, "[\"" + urls.at(1).toUtf8() + "\"]");
            QCOMPARE(refused.status, 403);
            QVERIFY(refused.body.contains("HERALD_ADMIN_TOKEN"));
        }
        const QByteArray token = "s3cret-admin-token-0123456789";
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_ADMIN_TOKEN", QString::fromLatin1(token)}})));
        const QByteArray replacement = "[\"" + urls.at(1).toUtf8() + "\"]";
        QCOMPARE(serve.send("PUT", "/_herald/targets", {}, replacement).status, 401);
        QCOMPARE(serve.send("PUT", "/_herald/targets", {{"Authorization", "Bearer wrong"}}, replacement).status, 401);
        QCOMPARE(serve.send("PUT", "/_herald/targets", {{"Authorization", "Bearer " + token.chopped(1)}}, replacement).status, 401);
        QCOMPARE(serve.send("GET", "/_herald/targets").status, 401);
        const HttpReply replaced = serve.send("PUT", "/_herald/targets", {{"Authorization", "Bearer " + token}}, replacement);
        QCOMPARE(replaced.status, 200);
        QCOMPARE(json(replaced).value(QLatin1String("targets")).toArray().size(), 1);
        QCOMPARE(serve.send("PURGE", "/after").status, 200);
        QCOMPARE(backend(0).requestCount(), 0);
        QCOMPARE(backend(1).requestCount(), 1);
        const HttpReply added = serve.send("POST", "/_herald/targets", {{"Authorization", "Bearer " + token}},
                                           "[\"" + urls.at(0).toUtf8() + "\"]");
        QCOMPARE(json(added).value(QLatin1String("targets")).toArray().size(), 2);
        const HttpReply removed = serve.send("DELETE", "/_herald/targets?target=" + QUrl::toPercentEncoding(urls.at(1)),
                                             {{"Authorization", "Bearer " + token}});
        QCOMPARE(removed.status, 200);
        QCOMPARE(json(removed).value(QLatin1String("targets")).toArray().size(), 1);
        QCOMPARE(serve.send("PUT", "/_herald/targets", {{"Authorization", "Bearer " + token}}, "[\"ftp://x\"]").status, 400);
    }

    void adminRunsASavedProfileAndRefreshes()
    {
        const QStringList urls = startBackends(2);
        QTemporaryDir profiles;
        QFile file(profiles.filePath(QStringLiteral("purge-product.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"name\": \"purge-product\", \"method\": \"PURGE\", \"path\": \"/product/{id}\", \"retries\": 0}");
        file.close();
        const QByteArray token = "admin-token-0123456789abcdef";
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))},
                                 {"HERALD_ADMIN_TOKEN", QString::fromLatin1(token)},
                                 {"HERALD_PROFILE_DIR", profiles.path()}})));
        const QList<QPair<QByteArray, QByteArray>> auth = {{"Authorization", "Bearer " + token}};
        const HttpReply run = serve.send("POST", "/_herald/profiles/purge-product/run?id=7", auth);
        QCOMPARE(run.status, 200);
        QCOMPARE(json(run).value(QLatin1String("targets")).toArray().size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(backend(i).requests().first().method, QByteArray("PURGE"));
            QCOMPARE(backend(i).requests().first().target, QByteArray("/product/7"));
        }
        QCOMPARE(serve.send("POST", "/_herald/profiles/purge-product/run", auth).status, 400); // {id} missing
        QCOMPARE(serve.send("POST", "/_herald/profiles/nope/run?id=1", auth).status, 404);
        QCOMPARE(serve.send("POST", "/_herald/profiles/purge-product/run?id=1").status, 401);
        QCOMPARE(serve.send("POST", "/_herald/refresh", auth).status, 202);
        const HttpReply listed = serve.send("GET", "/_herald/targets", auth);
        QCOMPARE(listed.status, 200);
        const QJsonObject first = json(listed).value(QLatin1String("targets")).toArray().first().toObject();
        QCOMPARE(first.value(QLatin1String("circuit")).toString(), QStringLiteral("closed"));
        QCOMPARE(first.value(QLatin1String("last")).toObject().value(QLatin1String("status")).toInt(), 200);
    }

    void broadcastAccessControl()
    {
        const QStringList urls = startBackends(1);
        const QByteArray token = "broadcast-token-0123456789";
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_AUTH_TOKEN", QString::fromLatin1(token)}})));
        QCOMPARE(serve.send("PURGE", "/x").status, 401);
        QCOMPARE(serve.send("PURGE", "/x", {{"Authorization", "Bearer nope"}}).status, 401);
        QCOMPARE(backend(0).requestCount(), 0);
        QCOMPARE(serve.send("PURGE", "/x", {{"Authorization", "Bearer " + token}}).status, 200);
        QVERIFY(backend(0).requests().first().header("Authorization").isEmpty()); // Herald's token stays with Herald
        ServeProcess restricted;
        QVERIFY(restricted.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_ALLOWED_CLIENTS", QStringLiteral("10.0.0.0/8")}})));
        QCOMPARE(restricted.send("PURGE", "/x").status, 403);
        QCOMPARE(backend(0).requestCount(), 1);
    }

    // A browser reads the answer only if the answer itself (not just the preflight) carries CORS.
    void corsHeadersOnActualAnswers()
    {
        const QStringList urls = startBackends(1);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_CORS_ORIGINS", QStringLiteral("https://app.example")}})));
        const HttpReply allowed = serve.send("PURGE", "/x", {{"Origin", "https://app.example"}});
        QCOMPARE(allowed.status, 200);
        QCOMPARE(allowed.header("Access-Control-Allow-Origin"), QByteArray("https://app.example"));
        QCOMPARE(allowed.header("Vary"), QByteArray("Origin"));
        QVERIFY(allowed.header("Access-Control-Expose-Headers").contains("X-Herald-Target"));
        const HttpReply foreign = serve.send("PURGE", "/x", {{"Origin", "https://elsewhere.example"}});
        QCOMPARE(foreign.status, 200);
        QVERIFY(foreign.header("Access-Control-Allow-Origin").isEmpty());
        QCOMPARE(backend(0).requestCount(), 2);
    }

    void limits()
    {
        const QStringList urls = startBackends(1);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)},
                                 {"HERALD_MAX_BODY", QStringLiteral("1KiB")},
                                 {"HERALD_MAX_HEADER_BYTES", QStringLiteral("8KiB")}})));
        QCOMPARE(serve.send("POST", "/", {}, QByteArray(1024, 'x')).status, 200);
        const HttpReply tooLarge = serve.send("POST", "/", {}, QByteArray(1025, 'x'));
        QCOMPARE(tooLarge.status, 413);
        const HttpReply hugeHeader = serve.send("GET", "/", {{"X-Big", QByteArray(16 * 1024, 'a')}});
        QCOMPARE(hugeHeader.status, 431);
        QCOMPARE(backend(0).requestCount(), 1);
        QCOMPARE(serve.send("GET", "/after").status, 200); // still serving
    }

    void routesByHostAndPrefixReloadOnChange()
    {
        const QStringList urls = startBackends(3);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("routes.json"));
        const auto write = [&](const QByteArray &content) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(content);
        };
        const QByteArray first = "{\"fallbackToDefault\": false, \"routes\": ["
                                 "{\"host\": \"a.example\", \"targets\": {\"static\": [\""
                                 + urls.at(0).toUtf8()
                                 + "\"]}},"
                                   "{\"host\": \"*.b.example\", \"pathPrefix\": \"/api\", \"retries\": 0, \"policy\": \"any\","
                                   " \"targets\": {\"static\": [\""
                                 + urls.at(1).toUtf8() + "\"]}}]}";
        write(first);
        ServeProcess serve;
        QVERIFY2(serve.start(env({{"HERALD_ROUTES", path}})), serve.errorOutput().constData());
        QCOMPARE(serve.send("PURGE", "/x", {{"Host", "a.example:8080"}}).status, 200);
        QCOMPARE(serve.send("PURGE", "/api/1", {{"Host", "shop.b.example"}}).status, 200);
        QCOMPARE(serve.send("PURGE", "/other", {{"Host", "shop.b.example"}}).status, 404);
        QCOMPARE(serve.send("PURGE", "/x", {{"Host", "c.example"}}).status, 404);
        QCOMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(1).requestCount(), 1);
        QCOMPARE(backend(1).requests().first().header("Host"), QByteArray("shop.b.example"));

        write("{\"routes\": [ broken");
        QTRY_VERIFY(serve.errorOutput().contains("keeping the last good ones"));  // the watcher saw the broken file
        QCOMPARE(serve.send("PURGE", "/y", {{"Host", "a.example"}}).status, 200); // last good routes kept
        QCOMPARE(backend(0).requestCount(), 2);

        write("{\"fallbackToDefault\": false, \"routes\": [{\"host\": \"a.example\", \"targets\": {\"static\": [\""
              + urls.at(2).toUtf8() + "\"]}}]}");
        QTRY_COMPARE_WITH_TIMEOUT(serve.send("PURGE", "/z", {{"Host", "a.example"}}).status == 200 && backend(2).requestCount() > 0,
                                  true, 10000);
        QVERIFY(serve.errorOutput().contains("keeping the last good ones"));
    }

    void tlsListenerAndCorsPreflight()
    {
        const QStringList urls = startBackends(1);
        herald::test::TestCertificate certificate;
        QString error;
        QVERIFY2(certificate.create(&error), qPrintable(error));
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)},
                                 {"SERVER_TLS_CERT_FILE", certificate.certificateFile()},
                                 {"SERVER_TLS_KEY_FILE", certificate.keyFile()},
                                 {"SERVER_CORS_ALLOWED_ORIGINS", QStringLiteral("https://admin.example.com")}})));
        QNetworkAccessManager client;
        QNetworkRequest request(QUrl(QStringLiteral("https://127.0.0.1:%1/secure?q=1").arg(serve.port())));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        request.setSslConfiguration(ssl);
        QNetworkReply *reply = client.sendCustomRequest(request, "PURGE");
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(backend(0).requests().first().target, QByteArray("/secure?q=1"));
        QCOMPARE(backend(0).requests().first().header("X-Forwarded-Proto"), QByteArray("https"));
        delete reply;

        // A preflight from an allowed origin is answered here; from another origin it is broadcast.
        QNetworkRequest preflight(QUrl(QStringLiteral("https://127.0.0.1:%1/api").arg(serve.port())));
        preflight.setSslConfiguration(ssl);
        preflight.setRawHeader("Origin", "https://admin.example.com");
        preflight.setRawHeader("Access-Control-Request-Method", "PURGE");
        reply = client.sendCustomRequest(preflight, "OPTIONS");
        QSignalSpy answered(reply, &QNetworkReply::finished);
        QVERIFY(answered.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 204);
        QCOMPARE(reply->rawHeader("Access-Control-Allow-Origin"), QByteArray("https://admin.example.com"));
        QCOMPARE(backend(0).requestCount(), 1);
        delete reply;
        preflight.setRawHeader("Origin", "https://elsewhere.example.com");
        reply = client.sendCustomRequest(preflight, "OPTIONS");
        QSignalSpy forwarded(reply, &QNetworkReply::finished);
        QVERIFY(forwarded.wait(10000));
        QCOMPARE(backend(0).requestCount(), 2);
        QCOMPARE(backend(0).requests().last().method, QByteArray("OPTIONS"));
        delete reply;
    }

    void overloadIsShedWithRetryAfter()
    {
        const QStringList urls = startBackends(1);
        backend(0).setDelayMs(1500);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_MAX_INFLIGHT", QStringLiteral("2")}})));
        QNetworkAccessManager client;
        QList<QNetworkReply *> slow;
        for (int i = 0; i < 2; ++i)
            slow.append(client.sendCustomRequest(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/slow").arg(serve.port()))),
                                                 "PURGE"));
        QTRY_COMPARE(backend(0).requestCount(), 2);
        const HttpReply shed = serve.send("PURGE", "/third");
        QCOMPARE(shed.status, 503);
        QCOMPARE(shed.header("Retry-After"), QByteArray("1"));
        QCOMPARE(backend(0).requestCount(), 2);
        for (QNetworkReply *reply : slow) {
            QSignalSpy finished(reply, &QNetworkReply::finished);
            QVERIFY(reply->isFinished() || finished.wait(10000));
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            delete reply;
        }
        QCOMPARE(serve.send("PURGE", "/after").status, 200);
    }

    void hostileRequestsAreRefusedAndNothingIsBroadcast_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        const QByteArray post = "POST / HTTP/1.1\r\nHost: h\r\n";
        QTest::newRow("request line without spaces") << QByteArray("PURGE\r\n\r\n") << 400;
        QTest::newRow("GARBAGE") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("empty method") << QByteArray(" /x HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("bad version") << QByteArray("PURGE /x HTTQ/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("request line of control bytes") << QByteArray("\x01\x02\x03\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("PURGE /x HTTP/2.0\r\nHost: h\r\n\r\n") << 505;
        QTest::newRow("space in target") << QByteArray("PURGE /a b HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("CR in target") << QByteArray("PURGE /a\rX-Injected: 1 HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("bare CR in a value") << QByteArray("PURGE / HTTP/1.1\r\nHost: h\r\nX-A: a\rX-Injected: 1\r\n\r\n") << 400;
        QTest::newRow("folded value") << QByteArray("PURGE / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n X-Injected: 1\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray("PURGE / HTTP/1.1\r\nHost: h\r\nX-A : b\r\n\r\n") << 400;
        QTest::newRow("CL and TE") << post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" << 400;
        QTest::newRow("bad chunk size") << post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n" << 400;
        QByteArray manyHeaders = "PURGE / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 10000; ++i)
            manyHeaders += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("10,000 headers") << manyHeaders + "\r\n" << 431;
        QTest::newRow("1 MiB header") << QByteArray("PURGE / HTTP/1.1\r\nHost: h\r\nX-Big: ") + QByteArray(1024 * 1024, 'b')
                                             + "\r\n\r\n"
                                      << 431;
    }
    void hostileRequestsAreRefusedAndNothingIsBroadcast()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        const QStringList urls = startBackends(1);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}})));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, serve.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(bytes);
        QByteArray answer;
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        for (int i = 0; i < 100 && closed.isEmpty() && !answer.contains("\r\n\r\n"); ++i) {
            socket.waitForReadyRead(100);
            answer += socket.readAll();
        }
        QCOMPARE(answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0, status);
        QCOMPARE(serve.send("PURGE", "/after").status, 200); // still serving
        QCOMPARE(backend(0).requestCount(), 1);              // only the good one was broadcast
        QCOMPARE(backend(0).requests().first().target, QByteArray("/after"));
    }

    // A '_' name is dropped, refused or passed as HERALD_UNDERSCORE_HEADERS says; one that a
    // backend mapping '_' to '-' would read as a framing or hop-by-hop header is refused always.
    void underscoreHeaders_data()
    {
        QTest::addColumn<QString>("mode"); // empty: the default
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("forwarded");
        QTest::addColumn<QByteArray>("reason");
        const QByteArray alias = "on a backend that maps '_' to '-'";
        for (const QString &mode : {QString(), QStringLiteral("drop"), QStringLiteral("refuse"), QStringLiteral("pass")}) {
            const QByteArray name = mode.isEmpty() ? "default" : mode.toLatin1();
            const bool refuse = mode == QLatin1String("refuse");
            QTest::addRow("%s: X_Custom", name.constData())
                << mode << QByteArray("X_Custom") << (refuse ? 400 : 200) << (mode == QLatin1String("pass"))
                << QByteArray(refuse ? "'X_Custom' has an underscore" : "");
            QTest::addRow("%s: X-Custom", name.constData()) << mode << QByteArray("X-Custom") << 200 << true << QByteArray();
            QTest::addRow("%s: Transfer_Encoding", name.constData())
                << mode << QByteArray("Transfer_Encoding") << 400 << false
                << QByteArray("'Transfer_Encoding' would read as Transfer-Encoding " + alias);
            QTest::addRow("%s: Content_Length", name.constData())
                << mode << QByteArray("Content_Length") << 400 << false
                << QByteArray("'Content_Length' would read as Content-Length " + alias);
            QTest::addRow("%s: keep_alive", name.constData()) << mode << QByteArray("keep_alive") << 400 << false << alias;
        }
    }
    void underscoreHeaders()
    {
        QFETCH(QString, mode);
        QFETCH(QByteArray, header);
        QFETCH(int, status);
        QFETCH(bool, forwarded);
        QFETCH(QByteArray, reason);
        const QStringList urls = startBackends(1);
        QProcessEnvironment environment = env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_LOG_LEVEL", QStringLiteral("debug")}});
        if (!mode.isEmpty())
            environment.insert(QStringLiteral("HERALD_UNDERSCORE_HEADERS"), mode);
        ServeProcess serve;
        QVERIFY(serve.start(environment));
        // Framed by Content-Length: the body a backend reading Transfer_Encoding as chunked would misparse.
        const QByteArray value = header.startsWith("Content") ? "5" : "chunked";
        RawHttpClient client;
        client.connectToPort(serve.port());
        client.send("PURGE /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n" + header + ": " + value + "\r\n\r\nhello");
        QTRY_VERIFY_WITH_TIMEOUT(!client.responses().isEmpty(), 10000);
        const RawHttpResponse response = client.responses().first();
        QCOMPARE(response.status, status);
        QVERIFY2(response.body.contains(reason), response.body.constData());
        if (status != 200) {
            QCOMPARE(serve.send("PURGE", "/after").status, 200); // once that is answered, a broadcast would have shown
            QCOMPARE(backend(0).requestCount(), 1);
            QCOMPARE(backend(0).requests().first().target, QByteArray("/after"));
            return;
        }
        QCOMPARE(backend(0).requestCount(), 1);
        const RecordedRequest received = backend(0).requests().first();
        QCOMPARE(received.body, QByteArray("hello"));
        QCOMPARE(received.header(header), forwarded ? value : QByteArray());
        const QByteArray dropped = "dropping header " + header;
        if (!forwarded) // said at debug level, once per request
            QTRY_VERIFY2(serve.errorOutput().contains(dropped), serve.errorOutput().constData());
        else
            QVERIFY(!serve.errorOutput().contains(dropped));
    }

    void loopsAreRefused()
    {
        const QStringList urls = startBackends(1);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)}, {"HERALD_INSTANCE_ID", QStringLiteral("pod-7")}})));
        QCOMPARE(serve.send("PURGE", "/x", {{"Via", "1.1 varnish, 1.1 herald-pod-7"}}).status, 508);
        QCOMPARE(backend(0).requestCount(), 0);
        QCOMPARE(serve.send("PURGE", "/x", {{"Via", "1.1 herald-pod-8"}}).status, 200);
        QCOMPARE(backend(0).requests().first().header("Via"), QByteArray("1.1 herald-pod-8, 1.1 herald-pod-7"));
    }

    void noTargetsIs503()
    {
        ServeProcess serve;
        QVERIFY(serve.start(
            env({{"HERALD_DNS_NAME", QStringLiteral("no-such-name.invalid")}, {"HERALD_DNS_PORT", QStringLiteral("80")}})));
        const HttpReply reply = serve.send("PURGE", "/x");
        QCOMPARE(reply.status, 503);
        QVERIFY(reply.body.contains("no targets"));
        QCOMPARE(serve.send("GET", "/readyz").status, 503);
    }

    void gracefulDrainLosesNothing()
    {
        const QStringList urls = startBackends(2);
        backend(0).setDelayMs(800);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))}})));
        // A broadcast in flight when SIGTERM arrives still completes and is answered.
        QNetworkAccessManager client;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/in-flight").arg(serve.port())));
        QNetworkReply *reply = client.sendCustomRequest(request, "PURGE");
        QTRY_COMPARE(backend(0).requestCount(), 1);
        ::kill(static_cast<pid_t>(serve.process().processId()), SIGTERM);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QSignalSpy exited(&serve.process(), &QProcess::finished);
        QVERIFY(serve.process().state() == QProcess::NotRunning || exited.wait(10000));
        QCOMPARE(serve.process().exitCode(), 0);
        QCOMPARE(backend(1).requestCount(), 1);
        delete reply;
    }

    void sighupReloadsTheConfigFile()
    {
        const QStringList urls = startBackends(2);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("herald.json"));
        const auto write = [&](const QByteArray &content) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(content);
        };
        write("{\"targets\": \"" + urls.at(0).toUtf8() + "\", \"retries\": 1}");
        ServeProcess serve;
        QVERIFY2(serve.start(env({{"HERALD_CONFIG", path}})), serve.errorOutput().constData());
        QCOMPARE(serve.send("PURGE", "/one").status, 200);
        QCOMPARE(backend(0).requestCount(), 1);

        write("{\"targets\": \"" + urls.at(1).toUtf8() + "\", \"policy\": \"any\"}");
        ::kill(static_cast<pid_t>(serve.process().processId()), SIGHUP);
        QTRY_VERIFY(serve.errorOutput().contains("configuration reloaded"));
        QCOMPARE(serve.send("PURGE", "/two").status, 200);
        QCOMPARE(backend(1).requestCount(), 1);
        QCOMPARE(backend(0).requestCount(), 1);

        write("{\"retries\": \"many\"}"); // broken: the running configuration stays
        ::kill(static_cast<pid_t>(serve.process().processId()), SIGHUP);
        QTRY_VERIFY(serve.errorOutput().contains("not reloaded"));
        QVERIFY(serve.errorOutput().contains("retries"));
        QCOMPARE(serve.send("PURGE", "/three").status, 200);
        QCOMPARE(backend(1).requestCount(), 2);
    }

    void invalidConfiguration_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("retries") << "RETRIES"
                                 << "abc"
                                 << "RETRIES (alias of HERALD_RETRIES)";
        QTest::newRow("timeout") << "HERALD_TIMEOUT"
                                 << "soon"
                                 << "HERALD_TIMEOUT";
        QTest::newRow("policy") << "HERALD_POLICY"
                                << "most"
                                << "HERALD_POLICY";
        QTest::newRow("listen") << "HTTP_ADDR"
                                << "nowhere"
                                << "HTTP_ADDR";
        QTest::newRow("targets") << "TARGETS"
                                 << "ftp://x"
                                 << "TARGETS";
        QTest::newRow("max body") << "MAX_BODY_SIZE"
                                  << "lots"
                                  << "MAX_BODY_SIZE";
        QTest::newRow("log format") << "LOG_FORMAT"
                                    << "xml"
                                    << "LOG_FORMAT";
        QTest::newRow("short admin token") << "HERALD_ADMIN_TOKEN"
                                           << "short"
                                           << "HERALD_ADMIN_TOKEN";
        QTest::newRow("cidr") << "HERALD_ALLOWED_CLIENTS"
                              << "10.0.0.0/99"
                              << "HERALD_ALLOWED_CLIENTS";
        QTest::newRow("transport") << "HERALD_TRANSPORT"
                                   << "wget"
                                   << "HERALD_TRANSPORT";
        QTest::newRow("transport threads") << "HERALD_TRANSPORT_THREADS"
                                           << "100"
                                           << "HERALD_TRANSPORT_THREADS";
        QTest::newRow("underscore headers") << "HERALD_UNDERSCORE_HEADERS"
                                            << "sometimes"
                                            << "HERALD_UNDERSCORE_HEADERS";
        QTest::newRow("answer") << "HERALD_ANSWER"
                                << "everything"
                                << "HERALD_ANSWER: 'everything' expected auto, summary or winner";
        QTest::newRow("answer max body") << "HERALD_ANSWER_MAX_BODY"
                                         << "2GiB"
                                         << "expected at most 1GiB";
        QTest::newRow("targets update path") << "HERALD_TARGETS_UPDATE_PATH"
                                             << "-update-backends"
                                             << "HERALD_TARGETS_UPDATE_PATH: '-update-backends' expected a path";
        QTest::newRow("admin cidr") << "HERALD_ADMIN_ALLOWED_CLIENTS"
                                    << "loopback"
                                    << "HERALD_ADMIN_ALLOWED_CLIENTS: 'loopback' is not a CIDR";
    }
    void invalidConfiguration()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, message);
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("HERALD_TARGETS"), QStringLiteral("http://127.0.0.1:9"));
        environment.insert(variable, value);
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(HERALD_BINARY), {QStringLiteral("serve")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        const QByteArray error = process.readAllStandardError();
        QVERIFY2(error.contains(message.toUtf8()), error.constData());
        if (variable != QLatin1String("HERALD_ADMIN_TOKEN"))
            QVERIFY2(error.contains(value.toUtf8()), error.constData());
    }

    void printConfigMasksSecrets()
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("BACKEND_SERVERS"), QStringLiteral("http://127.0.0.1:9"));
        environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QStringLiteral("very-secret-token-value"));
        environment.insert(QStringLiteral("RETRIES"), QStringLiteral("4"));
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(HERALD_BINARY),
                      {QStringLiteral("serve"), QStringLiteral("--print-config"), QStringLiteral("--retries=5")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY(!out.contains("very-secret-token-value"));
        QVERIFY(out.contains("HERALD_ADMIN_TOKEN=********"));
        QVERIFY(out.contains("HERALD_TARGETS=http://127.0.0.1:9"));
        QVERIFY(out.contains("HERALD_RETRIES=5")); // flags override the environment
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
