// BroadcastAdmission on values: a request and the instance's load in, a decision out; no sockets.
#include "backendpool.h"
#include "serve/broadcastadmission.h"
#include "serve/routeset.h"
#include "targets/statictargetsource.h"

#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using herald::test::BackendPool;

namespace {

const auto targets = &BackendPool::targets;

HttpServerRequest request(const QByteArray &method, const QByteArray &path, const QByteArrayList &headerLines = {},
                          const QString &peer = QStringLiteral("127.0.0.1"))
{
    HttpServerRequest request;
    request.method = method;
    request.pathAndQuery = path;
    request.version = "HTTP/1.1";
    request.headers = {{"Host", "shop.example"}};
    for (const QByteArray &line : headerLines)
        request.headers.append({line.left(line.indexOf(':')).trimmed(), line.mid(line.indexOf(':') + 1).trimmed()});
    request.peerAddress = QHostAddress(peer);
    return request;
}

ServeConfig baseConfig()
{
    ServeConfig config;
    config.sourceConfigured = true;
    config.headerPolicy.instanceId = "pod-7";
    config.maxInFlight = 10;
    config.asyncQueueLimit = 2;
    return config;
}

} // namespace

class TestBroadcastAdmission : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusals_data()
    {
        QTest::addColumn<QString>("setting"); // which part of the configuration the row sets
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArrayList>("headers");
        QTest::addColumn<QString>("peer");
        QTest::addColumn<int>("inFlight");
        QTest::addColumn<int>("asyncInFlight");
        QTest::addColumn<bool>("draining");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QByteArray>("header"); // one the refusal must carry, "Name: value"

        const QByteArrayList none;
        QTest::newRow("client not in the allow-list") << "allow" << QByteArray("PURGE") << none << "192.168.1.9" << 0 << 0
                                                      << false << 403 << "client 192.168.1.9 is not allowed to broadcast"
                                                      << "forbidden" << QByteArray();
        QTest::newRow("no token") << "token" << QByteArray("PURGE") << none << "127.0.0.1" << 0 << 0 << false << 401
                                  << "a valid bearer token is required to broadcast"
                                  << "unauthorized" << QByteArray("WWW-Authenticate: Bearer");
        QTest::newRow("wrong token") << "token" << QByteArray("PURGE") << QByteArrayList{"Authorization: Bearer nope"}
                                     << "127.0.0.1" << 0 << 0 << false << 401 << "a valid bearer token is required to broadcast"
                                     << "unauthorized" << QByteArray("WWW-Authenticate: Bearer");
        QTest::newRow("loop") << "" << QByteArray("PURGE") << QByteArrayList{"Via: 1.1 varnish, 1.1 herald-pod-7"} << "127.0.0.1"
                              << 0 << 0 << false << 508
                              << "loop detected: this request already passed through Herald instance 'pod-7'"
                              << "loop" << QByteArray();
        QTest::newRow("invalid method") << "" << QByteArray("PUR GE") << none << "127.0.0.1" << 0 << 0 << false << 400 << ""
                                        << "invalid" << QByteArray();
        QTest::newRow("draining") << "" << QByteArray("PURGE") << none << "127.0.0.1" << 0 << 0 << true << 503
                                  << "draining: this instance is shutting down"
                                  << "draining" << QByteArray();
        QTest::newRow("overloaded") << "" << QByteArray("PURGE") << none << "127.0.0.1" << 10 << 0 << false << 503
                                    << "overloaded: 10 broadcasts in flight"
                                    << "overloaded" << QByteArray("Retry-After: 1");
        QTest::newRow("async queue full") << "" << QByteArray("PURGE") << QByteArrayList{"X-Herald-Policy: async"} << "127.0.0.1"
                                          << 2 << 2 << false << 503 << "async queue full (2 broadcasts in flight)"
                                          << "async_queue_full" << QByteArray("Retry-After: 1");
        QTest::newRow("bad override") << "" << QByteArray("PURGE") << QByteArrayList{"X-Herald-Policy: most"} << "127.0.0.1" << 0
                                      << 0 << false << 400 << "X-Herald-Policy: "
                                      << "invalid" << QByteArray();
        QTest::newRow("no targets") << "empty" << QByteArray("PURGE") << none << "127.0.0.1" << 0 << 0 << false << 503
                                    << "no targets to broadcast to (the static target list is empty)"
                                    << "no_targets" << QByteArray();
        QTest::newRow("no route") << "routes" << QByteArray("PURGE") << none << "127.0.0.1" << 0 << 0 << false << 404
                                  << "no route for host 'shop.example' and path '/x', and no default group"
                                  << "no_route" << QByteArray();
        // The order: the allow-list comes before the token, the token before everything else.
        QTest::newRow("allow-list before token") << "allow+token" << QByteArray("PURGE") << none << "10.1.1.1" << 0 << 0 << true
                                                 << 403 << "client 10.1.1.1 is not allowed to broadcast"
                                                 << "forbidden" << QByteArray();
        QTest::newRow("token before draining") << "token" << QByteArray("PURGE") << none << "127.0.0.1" << 0 << 0 << true << 401
                                               << "a valid bearer token is required to broadcast"
                                               << "unauthorized" << QByteArray("WWW-Authenticate: Bearer");
        QTest::newRow("loop before draining") << "" << QByteArray("PURGE") << QByteArrayList{"Via: 1.1 herald-pod-7"}
                                              << "127.0.0.1" << 0 << 0 << true << 508 << "loop detected"
                                              << "loop" << QByteArray();
    }

    void refusals()
    {
        QFETCH(QString, setting);
        QFETCH(QByteArray, method);
        QFETCH(QByteArrayList, headers);
        QFETCH(QString, peer);
        QFETCH(int, inFlight);
        QFETCH(int, asyncInFlight);
        QFETCH(bool, draining);
        QFETCH(int, status);
        QFETCH(QString, reason);
        QFETCH(QString, metric);
        QFETCH(QByteArray, header);

        ServeConfig config = baseConfig();
        if (setting.contains(QLatin1String("allow")))
            config.allowedClients = {QHostAddress::parseSubnet(QStringLiteral("127.0.0.0/8"))};
        if (setting.contains(QLatin1String("token")))
            config.authToken = "secret-token";
        StaticTargetSource source(setting == QLatin1String("empty") ? QList<Target>()
                                                                    : targets({QStringLiteral("http://10.0.0.1:6081")}));
        QTemporaryDir dir;
        std::unique_ptr<RouteSet> routes;
        if (setting == QLatin1String("routes")) {
            QFile file(dir.filePath(QStringLiteral("routes.json")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(
                "{\"fallbackToDefault\": false, \"routes\": [{\"host\": \"other.example\", \"targets\": {\"static\": [\"http://10.0.0.2\"]}}]}");
            file.close();
            routes = std::make_unique<RouteSet>(file.fileName(), config.options);
            QString error;
            QVERIFY2(routes->load(&error), qPrintable(error));
        }
        const BroadcastAdmission admission(config, &source, routes.get());
        const AdmissionDecision decision = admission.admit(request(method, "/x", headers, peer),
                                                           {inFlight, asyncInFlight, draining});

        QCOMPARE(decision.verdict, AdmissionDecision::Verdict::Refused);
        QCOMPARE(decision.status, status);
        QVERIFY2(decision.reason.startsWith(reason), qPrintable(decision.reason));
        QVERIFY(!decision.reason.isEmpty());
        QCOMPARE(decision.metric, metric);
        if (!header.isEmpty()) {
            const QByteArray name = header.left(header.indexOf(':'));
            QCOMPARE(headerValue(decision.headers, name), header.mid(name.size() + 2));
        }
    }

    void acceptedRequestIsResolved()
    {
        ServeConfig config = baseConfig();
        config.authToken = "secret-token";
        config.options.policy = OutcomePolicy::parse(QStringLiteral("all"), nullptr);
        config.options.retry.maxRetries = 4;
        config.answerMaxBodyBytes = 1000;
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081"), QStringLiteral("http://10.0.0.2:6081")}));
        const BroadcastAdmission admission(config, &source);
        HttpServerRequest http = request("PURGE", "/p?x=1", {"Authorization: Bearer secret-token", "X-Herald-Policy: first"},
                                         "::1");
        http.tls = true;
        const AdmissionDecision decision = admission.admit(http, {9, 0, false});

        QCOMPARE(decision.verdict, AdmissionDecision::Verdict::Broadcast);
        QCOMPARE(decision.targets, source.targets());
        QCOMPARE(decision.options.policy.kind, OutcomePolicy::Kind::First);
        QCOMPARE(decision.options.retry.maxRetries, 4);
        // `first` passes the winner's body through (HERALD_ANSWER=auto), kept up to one byte over
        // HERALD_ANSWER_MAX_BODY so that a larger one is refused rather than cut.
        QVERIFY(decision.answerWinner);
        QCOMPARE(decision.winnerMaxBody, 1000);
        QCOMPARE(decision.options.bodyLimit, 1001);
        QCOMPARE(decision.request.method, QByteArray("PURGE"));
        QCOMPARE(decision.request.pathAndQuery, QByteArray("/p?x=1"));
        QCOMPARE(decision.request.clientAddress, QStringLiteral("::1"));
        QCOMPARE(decision.request.clientScheme, QByteArray("https"));
        // Herald's own credential and its override header are not forwarded.
        QVERIFY(!hasHeader(decision.request.headers, "Authorization"));
        QVERIFY(!hasHeader(decision.request.headers, "X-Herald-Policy"));
        QCOMPARE(headerValue(decision.request.headers, "Host"), QByteArray("shop.example"));
    }

    // X-Herald-Dry-Run: a dry run sends nothing, so no in-flight limit applies; the header never travels on.
    void dryRunHeader_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("publishing");
        QTest::addColumn<bool>("draining");
        QTest::addColumn<int>("inFlight");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<int>("status");
        using V = AdmissionDecision::Verdict;
        QTest::newRow("dry run") << QByteArray("1") << false << false << 0 << int(V::DryRun) << 0;
        QTest::newRow("dry run at the in-flight limit") << QByteArray("true") << false << false << 10 << int(V::DryRun) << 0;
        QTest::newRow("0 broadcasts") << QByteArray("0") << false << false << 0 << int(V::Broadcast) << 0;
        QTest::newRow("bad value") << QByteArray("maybe") << false << false << 0 << int(V::Refused) << 400;
        QTest::newRow("publishing") << QByteArray("1") << true << false << 0 << int(V::Refused) << 501;
        QTest::newRow("publishing, not a dry run") << QByteArray("no") << true << false << 0 << int(V::Publish) << 0;
        QTest::newRow("draining") << QByteArray("1") << false << true << 0 << int(V::Refused) << 503;
    }
    void dryRunHeader()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, publishing);
        QFETCH(bool, draining);
        QFETCH(int, inFlight);
        QFETCH(int, verdict);
        QFETCH(int, status);
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081")}));
        BroadcastAdmission admission(baseConfig(), &source);
        admission.setPublishing(publishing);
        const AdmissionDecision decision = admission.admit(request("PURGE", "/p", {"X-Herald-Dry-Run: " + value}),
                                                           {inFlight, 0, draining});
        QCOMPARE(int(decision.verdict), verdict);
        QCOMPARE(decision.status, status);
        if (decision.verdict == AdmissionDecision::Verdict::Refused)
            return;
        QVERIFY(!hasHeader(decision.request.headers, "X-Herald-Dry-Run"));
        if (decision.verdict == AdmissionDecision::Verdict::DryRun)
            QCOMPARE(decision.targets, source.targets());
    }

    void routeChoosesTargetsAndOptions()
    {
        ServeConfig config = baseConfig();
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081")}));
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("routes.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"routes\": [{\"host\": \"shop.example\", \"pathPrefix\": \"/api\", \"retries\": 0, \"policy\": \"any\","
                   " \"targets\": {\"static\": [\"http://10.0.0.9:80\"]}}]}");
        file.close();
        RouteSet routes(file.fileName(), config.options);
        QString error;
        QVERIFY2(routes.load(&error), qPrintable(error));
        const BroadcastAdmission admission(config, &source, &routes);

        const AdmissionDecision routed = admission.admit(request("PURGE", "/api/x"), {});
        QCOMPARE(routed.verdict, AdmissionDecision::Verdict::Broadcast);
        QCOMPARE(routed.targets, targets({QStringLiteral("http://10.0.0.9:80")}));
        QCOMPARE(routed.options.policy.kind, OutcomePolicy::Kind::Any);
        QCOMPARE(routed.options.retry.maxRetries, 0);
        const AdmissionDecision fallback = admission.admit(request("PURGE", "/other"), {});
        QCOMPARE(fallback.verdict, AdmissionDecision::Verdict::Broadcast);
        QCOMPARE(fallback.targets, source.targets());
    }

    void corsPreflightAndPublish()
    {
        ServeConfig config = baseConfig();
        config.corsOrigins = {QStringLiteral("https://app.example")};
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081")}));
        BroadcastAdmission admission(config, &source);
        const AdmissionDecision preflight =
            admission.admit(request("OPTIONS", "/x", {"Origin: https://app.example", "Access-Control-Request-Method: PURGE"}), {});
        QCOMPARE(preflight.verdict, AdmissionDecision::Verdict::Preflight);
        QCOMPARE(preflight.status, 204);
        QCOMPARE(headerValue(preflight.headers, "Access-Control-Allow-Origin"), QByteArray("https://app.example"));
        QCOMPARE(headerValue(preflight.headers, "Access-Control-Allow-Methods"), QByteArray("PURGE"));
        // Another origin's OPTIONS is not ours: it is broadcast like any request.
        const AdmissionDecision foreign =
            admission.admit(request("OPTIONS", "/x", {"Origin: https://elsewhere.example", "Access-Control-Request-Method: PURGE"}),
                            {});
        QCOMPARE(foreign.verdict, AdmissionDecision::Verdict::Broadcast);

        admission.setPublishing(true);
        const AdmissionDecision published = admission.admit(request("PURGE", "/x"), {});
        QCOMPARE(published.verdict, AdmissionDecision::Verdict::Publish);
        QCOMPARE(published.request.pathAndQuery, QByteArray("/x"));
        QCOMPARE(admission.admit(request("PURGE", "/x"), {0, 0, true}).status, 503); // draining refuses publishing too
    }

    // CORS on the actual answer too, not just the preflight, or a browser cannot read it; and on
    // refusals, so it can read why. Nothing for an origin that is not allowed.
    void corsHeadersOnEveryAnswerToAnAllowedOrigin()
    {
        ServeConfig config = baseConfig();
        config.corsOrigins = {QStringLiteral("https://app.example")};
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081")}));
        BroadcastAdmission admission(config, &source);
        const AdmissionDecision allowed = admission.admit(request("PURGE", "/x", {"Origin: https://app.example"}), {});
        QCOMPARE(allowed.verdict, AdmissionDecision::Verdict::Broadcast);
        QCOMPARE(headerValue(allowed.answerHeaders, "Access-Control-Allow-Origin"), QByteArray("https://app.example"));
        QCOMPARE(headerValue(allowed.answerHeaders, "Vary"), QByteArray("Origin"));
        QVERIFY(headerValue(allowed.answerHeaders, "Access-Control-Expose-Headers").contains("X-Herald-Target"));
        const AdmissionDecision refused = admission.admit(request("PURGE", "/x", {"Origin: https://app.example"}),
                                                          {0, 0, true}); // draining
        QCOMPARE(refused.status, 503);
        QCOMPARE(headerValue(refused.answerHeaders, "Access-Control-Allow-Origin"), QByteArray("https://app.example"));
        const AdmissionDecision foreign = admission.admit(request("PURGE", "/x", {"Origin: https://elsewhere.example"}), {});
        QVERIFY(!hasHeader(foreign.answerHeaders, "Access-Control-Allow-Origin"));
        QVERIFY(admission.admit(request("PURGE", "/x"), {}).answerHeaders.isEmpty());

        config.corsOrigins = {QStringLiteral("*")};
        admission.setConfig(config);
        QCOMPARE(headerValue(admission.admit(request("PURGE", "/x", {"Origin: https://any.example"}), {}).answerHeaders,
                             "Access-Control-Allow-Origin"),
                 QByteArray("*"));
    }

    // HERALD_BROADCAST_PATH, HERALD_REQUEST_ID and the echo of HERALD_TARGETS=localonly.
    void broadcastPathRequestIdAndEcho()
    {
        ServeConfig config = baseConfig();
        config.broadcastPath = QStringLiteral("/fanout");
        config.requestId = true;
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081")}));
        BroadcastAdmission admission(config, &source);
        const AdmissionDecision other = admission.admit(request("POST", "/other"), {});
        QCOMPARE(other.status, 404);
        QVERIFY2(other.reason.contains(QLatin1String("only /fanout is broadcast")), qPrintable(other.reason));
        const AdmissionDecision made = admission.admit(request("POST", "/fanout?x=1"), {});
        QCOMPARE(made.verdict, AdmissionDecision::Verdict::Broadcast);
        const QByteArray id = headerValue(made.request.headers, "X-Request-ID");
        QCOMPARE(id.size(), 36); // a UUID
        QCOMPARE(headerValue(made.answerHeaders, "X-Request-ID"), id);
        const AdmissionDecision taken = admission.admit(request("POST", "/fanout", {"X-Request-ID: abc-123"}), {});
        QCOMPARE(headerValue(taken.request.headers, "X-Request-ID"), QByteArray("abc-123"));
        QCOMPARE(headerValue(taken.answerHeaders, "X-Request-ID"), QByteArray("abc-123"));
        QCOMPARE(headerValue(other.answerHeaders, "X-Request-ID").size(), 36); // a refusal carries it too

        config.echo = true;
        admission.setConfig(config);
        QCOMPARE(admission.admit(request("POST", "/fanout"), {}).verdict, AdmissionDecision::Verdict::Echo);
    }

    void reloadedConfigurationTakesEffect()
    {
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:6081")}));
        BroadcastAdmission admission(baseConfig(), &source);
        QCOMPARE(admission.admit(request("PURGE", "/x"), {5, 0, false}).verdict, AdmissionDecision::Verdict::Broadcast);
        ServeConfig stricter = baseConfig();
        stricter.maxInFlight = 5;
        admission.setConfig(stricter);
        QCOMPARE(admission.admit(request("PURGE", "/x"), {5, 0, false}).status, 503);
    }
};

QTEST_GUILESS_MAIN(TestBroadcastAdmission)
#include "tst_broadcastadmission.moc"
