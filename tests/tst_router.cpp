// Router::handle on request values: which part answers each reserved path, with and without a
// probe prefix or admin port, and the broadcast answer by policy. No listener; the backends are
// real loopback servers.
#include "backendpool.h"
#include "testbackend.h"

#include "broadcast/broadcaster.h"
#include "broadcast/jobregistry.h"
#include "serve/adminapi.h"
#include "serve/healthprobe.h"
#include "serve/jobapi.h"
#include "serve/metrics.h"
#include "serve/router.h"
#include "serve/targetsupdate.h"
#include "targets/statictargetsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <optional>

using namespace herald;

Q_DECLARE_METATYPE(herald::AnswerMode)
using herald::test::BackendPool;

namespace {

const auto targets = &BackendPool::targets;

HttpServerRequest request(const QByteArray &method, const QByteArray &path, const HttpHeaders &headers = {})
{
    HttpServerRequest request;
    request.method = method;
    request.pathAndQuery = path;
    request.version = "HTTP/1.1";
    request.headers = headers;
    request.peerAddress = QHostAddress::LocalHost;
    return request;
}

// One router and everything it dispatches to, over `urls`.
struct Fixture
{
    explicit Fixture(const QStringList &urls, const ServeConfig &config)
        : source(targets(urls))
        , metrics(&broadcaster)
        , health(&source, 2000)
        , admin(config, &broadcaster, &source)
        , jobApi(config, &jobs, nullptr)
        , targetsUpdate(&source)
        , router(config,
                 Router::Parts{&broadcaster, &source, &metrics, &health, &admin, nullptr, nullptr, &jobs, &jobApi, &targetsUpdate})
    {
    }

    // Handles `request` and waits for its answer.
    HttpServerResponse answer(const HttpServerRequest &request, bool fromAdminPort = false)
    {
        std::optional<HttpServerResponse> response;
        router.handle(request, fromAdminPort, [&response](const HttpServerResponse &r) { response = r; });
        if (!QTest::qWaitFor([&] { return response.has_value(); }, 10000))
            return {0, {}, "no answer"};
        return *response;
    }

    Broadcaster broadcaster;
    StaticTargetSource source;
    Metrics metrics;
    HealthProbe health;
    AdminApi admin;
    JobRegistry jobs;
    JobApi jobApi;
    TargetsUpdate targetsUpdate;
    Router router;
};

QJsonObject json(const HttpServerResponse &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

} // namespace

class TestRouter : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void dispatch_data()
    {
        QTest::addColumn<bool>("adminListen");
        QTest::addColumn<QString>("probePrefix");
        QTest::addColumn<bool>("fromAdminPort");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("answeredBy"); // health, live, ready, metrics, admin, broadcast, not-found

        const QString none;
        QTest::newRow("healthz") << false << none << false << QByteArray("GET") << QByteArray("/healthz") << "health";
        QTest::newRow("livez") << false << none << false << QByteArray("GET") << QByteArray("/livez") << "live";
        QTest::newRow("readyz") << false << none << false << QByteArray("HEAD") << QByteArray("/readyz") << "ready";
        QTest::newRow("metrics") << false << none << false << QByteArray("GET") << QByteArray("/metrics?x") << "metrics";
        QTest::newRow("admin") << false << none << false << QByteArray("GET") << QByteArray("/_herald/targets") << "admin";
        QTest::newRow("bare admin prefix is broadcast")
            << false << none << false << QByteArray("GET") << QByteArray("/_herald/") << "broadcast";
        QTest::newRow("PURGE /livez is broadcast")
            << false << none << false << QByteArray("PURGE") << QByteArray("/livez") << "broadcast";
        QTest::newRow("other path") << false << none << false << QByteArray("PURGE") << QByteArray("/product/1") << "broadcast";
        QTest::newRow("prefix: livez") << false << "/-" << false << QByteArray("GET") << QByteArray("/-/livez") << "live";
        QTest::newRow("prefix: metrics") << false << "/-" << false << QByteArray("GET") << QByteArray("/-/metrics") << "metrics";
        QTest::newRow("prefix: bare livez is broadcast")
            << false << "/-" << false << QByteArray("GET") << QByteArray("/livez") << "broadcast";
        QTest::newRow("admin port: livez") << true << "/-" << true << QByteArray("GET") << QByteArray("/livez") << "live";
        QTest::newRow("admin port: readyz") << true << none << true << QByteArray("GET") << QByteArray("/readyz") << "ready";
        QTest::newRow("admin port: healthz") << true << none << true << QByteArray("GET") << QByteArray("/healthz") << "health";
        QTest::newRow("admin port: admin API") << true << none << true << QByteArray("GET") << QByteArray("/targets") << "admin";
        QTest::newRow("admin port: PURGE is the admin API's")
            << true << none << true << QByteArray("PURGE") << QByteArray("/x") << "admin";
        QTest::newRow("admin port: GET unknown") << true << none << true << QByteArray("GET") << QByteArray("/x") << "admin";
        QTest::newRow("admin port: not a path") << true << none << true << QByteArray("OPTIONS") << QByteArray("*") << "not-found";
        QTest::newRow("main port with admin port: livez is broadcast")
            << true << none << false << QByteArray("GET") << QByteArray("/livez") << "broadcast";
        QTest::newRow("main port with admin port: admin is broadcast")
            << true << none << false << QByteArray("GET") << QByteArray("/_herald/targets") << "broadcast";
    }

    void dispatch()
    {
        QFETCH(bool, adminListen);
        QFETCH(QString, probePrefix);
        QFETCH(bool, fromAdminPort);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QString, answeredBy);

        const QStringList urls = m_backends.start(1);
        ServeConfig config;
        config.sourceConfigured = true;
        config.adminListenEnabled = adminListen;
        config.probePrefix = probePrefix;
        Fixture fixture(urls, config);
        const HttpServerResponse response = fixture.answer(request(method, path), fromAdminPort);

        const QByteArray contentType = headerValue(response.headers, "Content-Type");
        const QJsonObject body = json(response);
        // HEAD /healthz is a probe too: the backend sees it, so count only what was not a probe.
        const int broadcasts = answeredBy == QLatin1String("health") ? 0 : m_backends.at(0).requestCount();
        QString actual;
        if (body.contains(QLatin1String("healthy")))
            actual = QStringLiteral("health");
        else if (response.body == "alive\n")
            actual = QStringLiteral("live");
        else if (response.body.startsWith("ready: "))
            actual = QStringLiteral("ready");
        else if (contentType.contains("version=0.0.4"))
            actual = QStringLiteral("metrics");
        else if (body.contains(QLatin1String("source")) || response.body.startsWith("admin writes are disabled")
                 || response.body.startsWith("unknown admin endpoint"))
            actual = QStringLiteral("admin");
        else if (body.contains(QLatin1String("summary")) && broadcasts == 1)
            actual = QStringLiteral("broadcast");
        else if (response.status == 404 && broadcasts == 0)
            actual = QStringLiteral("not-found");
        QCOMPARE(actual, answeredBy);
        QCOMPARE(broadcasts, answeredBy == QLatin1String("broadcast") ? 1 : 0);
    }

    void broadcastAnswerByPolicy_data()
    {
        QTest::addColumn<QByteArray>("policy");
        QTest::addColumn<int>("failing"); // backends answering 503
        QTest::addColumn<int>("status");
        QTest::newRow("all met") << QByteArray("all") << 0 << 200;
        QTest::newRow("all not met") << QByteArray("all") << 1 << 502;
        QTest::newRow("any met") << QByteArray("any") << 1 << 200;
        QTest::newRow("any not met") << QByteArray("any") << 2 << 502;
        QTest::newRow("first passes the winner through") << QByteArray("first") << 0 << 201;
        QTest::newRow("async is accepted at once") << QByteArray("async") << 2 << 202;
    }

    void broadcastAnswerByPolicy()
    {
        QFETCH(QByteArray, policy);
        QFETCH(int, failing);
        QFETCH(int, status);

        const QStringList urls = m_backends.start(2);
        for (int i = 0; i < 2; ++i) {
            m_backends.at(i).setStatuses({i < failing ? 503 : (policy == "first" ? 201 : 200)});
            m_backends.at(i).setResponseBody("body " + QByteArray::number(i));
            m_backends.at(i).setResponseHeaders({{"X-Backend", QByteArray::number(i)}});
        }
        ServeConfig config;
        config.sourceConfigured = true;
        config.options.retry.maxRetries = 0;
        Fixture fixture(urls, config);
        const HttpServerResponse response = fixture.answer(request("PURGE", "/p", {{"X-Herald-Policy", policy}}));
        QCOMPARE(response.status, status);
        const QJsonObject body = json(response);
        if (policy == "first") {
            const QByteArray target = headerValue(response.headers, "X-Herald-Target");
            const int winner = target == urls.at(0).toUtf8() ? 0 : 1;
            QVERIFY2(target == urls.at(winner).toUtf8(), target.constData());
            QCOMPARE(response.body, "body " + QByteArray::number(winner));
            QCOMPARE(headerValue(response.headers, "X-Backend"), QByteArray::number(winner));
        } else if (policy == "async") {
            QCOMPARE(body.value(QLatin1String("accepted")).toBool(), true);
            QCOMPARE(body.value(QLatin1String("targets")).toInt(), 2);
            const QString id = body.value(QLatin1String("id")).toString();
            QVERIFY(!id.isEmpty());
            QCOMPARE(headerValue(response.headers, "Location"), "/_herald/jobs/" + id.toUtf8());
            QTRY_COMPARE(fixture.router.inFlight(), 0); // finishes on its own
        } else {
            QCOMPARE(body.value(QLatin1String("ok")).toBool(), status == 200);
            QCOMPARE(body.value(QLatin1String("policy")).toString(), QString::fromLatin1(policy));
            QCOMPARE(body.value(QLatin1String("targets")).toArray().size(), 2);
        }
        QTRY_COMPARE(m_backends.totalRequests(), 2);
        QVERIFY(!m_backends.at(0).requests().first().headers.contains({"X-Herald-Policy", policy}));
    }

    // HERALD_TARGETS_UPDATE_PATH: who may replace the static targets, and what a bad list gets.
    // Refused or not, the request is never broadcast.
    void targetsUpdate_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("peer");
        QTest::addColumn<QString>("allowed"); // HERALD_ADMIN_ALLOWED_CLIENTS; "" the default (loopback)
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("named"); // in the answer's body
        const QByteArray good = "?backends=http://10.1.0.1:6081,http://10.1.0.2";
        const QByteArray token = "Bearer admin-token-0123456789";
        QTest::newRow("loopback") << QByteArray("POST") << good << "127.0.0.1"
                                  << "" << QByteArray() << 200 << QByteArray("Backends updated successfully");
        QTest::newRow("loopback v6") << QByteArray("POST") << good << "::1"
                                     << "" << QByteArray() << 200 << QByteArray();
        QTest::newRow("allow-listed") << QByteArray("POST") << good << "10.9.8.7"
                                      << "10.0.0.0/8" << QByteArray() << 200 << QByteArray();
        QTest::newRow("outsider with token") << QByteArray("POST") << good << "192.0.2.7"
                                             << "" << token << 200 << QByteArray();
        QTest::newRow("outsider, wrong token") << QByteArray("POST") << good << "192.0.2.7"
                                               << "" << QByteArray("Bearer nope") << 401 << QByteArray("admin bearer token");
        QTest::newRow("loopback not trusted, no token") << QByteArray("POST") << good << "127.0.0.1"
                                                        << "none" << QByteArray() << 401 << QByteArray("from 127.0.0.1");
        QTest::newRow("outsider, no admin token set")
            << QByteArray("POST") << good << "192.0.2.7"
            << "" << QByteArray("-") << 403 << QByteArray("not in HERALD_ADMIN_ALLOWED_CLIENTS");
        QTest::newRow("GET") << QByteArray("GET") << good << "127.0.0.1"
                             << "" << QByteArray() << 405 << QByteArray("POST");
        QTest::newRow("empty list") << QByteArray("POST") << QByteArray("?backends=") << "127.0.0.1"
                                    << "" << QByteArray() << 400 << QByteArray("no target given");
        QTest::newRow("no list") << QByteArray("POST") << QByteArray() << "127.0.0.1"
                                 << "" << QByteArray() << 400 << QByteArray("no target given");
        QTest::newRow("bad URL") << QByteArray("POST") << QByteArray("?backends=http://10.1.0.1,ftp://x") << "127.0.0.1"
                                 << "" << QByteArray() << 400 << QByteArray("'ftp://x'");
    }
    void targetsUpdate()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, query);
        QFETCH(QString, peer);
        QFETCH(QString, allowed);
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        QFETCH(QByteArray, named);
        const QStringList urls = m_backends.start(1);
        ServeConfig config;
        config.sourceConfigured = true;
        config.targetsUpdatePath = QStringLiteral("/-update-backends");
        config.adminToken = "admin-token-0123456789";
        if (allowed == QLatin1String("none"))
            config.adminAllowedClients.clear();
        else if (!allowed.isEmpty())
            config.adminAllowedClients = {QHostAddress::parseSubnet(allowed)};
        HttpServerRequest update = request(method, "/-update-backends" + query);
        update.peerAddress = QHostAddress(peer);
        if (authorization == "-")
            config.adminToken.clear(); // then only the allow-list opens it
        else if (!authorization.isEmpty())
            update.headers.append({"Authorization", authorization});
        Fixture fixture(urls, config);
        const HttpServerResponse response = fixture.answer(update);
        QCOMPARE(response.status, status);
        QVERIFY2(response.body.contains(named), response.body.constData());
        if (status == 200) {
            QCOMPARE(fixture.source.targets(),
                     targets({QStringLiteral("http://10.1.0.1:6081"), QStringLiteral("http://10.1.0.2")}));
        } else {
            QCOMPARE(fixture.source.targets(), targets(urls));
        }
        QCOMPARE(fixture.router.inFlight(), 0);
        QCOMPARE(m_backends.totalRequests(), 0);
    }

    // HERALD_ANSWER: the summary or the winner's own answer, whatever the policy.
    void answerMode_data()
    {
        QTest::addColumn<AnswerMode>("mode");
        QTest::addColumn<QByteArray>("policy");
        QTest::addColumn<int>("failing"); // of two backends, answering 503
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("winner"); // the answer is backend 1's own
        QTest::newRow("auto, all: summary") << AnswerMode::Auto << QByteArray("all") << 0 << 200 << false;
        QTest::newRow("auto, first: winner") << AnswerMode::Auto << QByteArray("first") << 1 << 201 << true;
        QTest::newRow("summary, first") << AnswerMode::Summary << QByteArray("first") << 1 << 200 << false;
        QTest::newRow("winner, any") << AnswerMode::Winner << QByteArray("any") << 1 << 201 << true;
        QTest::newRow("winner, all not met") << AnswerMode::Winner << QByteArray("all") << 1 << 502 << false;
        QTest::newRow("winner, first, none") << AnswerMode::Winner << QByteArray("first") << 2 << 502 << false;
    }
    void answerMode()
    {
        QFETCH(AnswerMode, mode);
        QFETCH(QByteArray, policy);
        QFETCH(int, failing);
        QFETCH(int, status);
        QFETCH(bool, winner);
        const QStringList urls = m_backends.start(2);
        for (int i = 0; i < 2; ++i) {
            m_backends.at(i).setStatuses({i < failing ? 503 : 201});
            m_backends.at(i).setResponseBody("body " + QByteArray::number(i));
        }
        ServeConfig config;
        config.sourceConfigured = true;
        config.options.retry.maxRetries = 0;
        config.answerMode = mode;
        Fixture fixture(urls, config);
        const HttpServerResponse response = fixture.answer(request("PURGE", "/p", {{"X-Herald-Policy", policy}}));
        QCOMPARE(response.status, status);
        if (winner) {
            QCOMPARE(response.body, QByteArray("body 1"));
            QCOMPARE(headerValue(response.headers, "X-Herald-Target"), urls.at(1).toUtf8());
        } else if (status == 502 && mode == AnswerMode::Winner) {
            // The reason in plain text, naming what each target did.
            QVERIFY2(response.body.contains(urls.at(0).toUtf8() + ": HTTP 503"), response.body.constData());
            const QByteArray reason = failing == 2 ? "no target answered 2xx"
                                                   : "policy all not met: 1 of 2 targets succeeded, it needs 2";
            QVERIFY2(response.body.startsWith(reason), response.body.constData());
        } else {
            QCOMPARE(json(response).value(QLatin1String("policy")).toString(), QString::fromLatin1(policy));
        }
        QTRY_COMPARE(fixture.router.inFlight(), 0);
    }

    // A winner's body is passed back whole up to HERALD_ANSWER_MAX_BODY, and past it is a 502
    // that says so, never a body cut at the limit.
    void winnerBodyIsWholeOrRefused_data()
    {
        QTest::addColumn<int>("bodyBytes");
        QTest::addColumn<qint64>("limit"); // 0: the default, 64 MiB
        QTest::addColumn<int>("status");
        QTest::newRow("12 MiB under the default") << 12 * 1024 * 1024 << qint64(0) << 200;
        QTest::newRow("at the limit") << 1024 * 1024 << qint64(1024 * 1024) << 200;
        QTest::newRow("one byte over") << 1024 * 1024 + 1 << qint64(1024 * 1024) << 502;
    }
    void winnerBodyIsWholeOrRefused()
    {
        QFETCH(int, bodyBytes);
        QFETCH(qint64, limit);
        QFETCH(int, status);
        const QStringList urls = m_backends.start(1);
        QByteArray body(bodyBytes, 'b');
        body[0] = 'a';
        body[bodyBytes - 1] = 'z';
        m_backends.at(0).setResponseBody(body);
        ServeConfig config;
        config.sourceConfigured = true;
        config.options.policy.kind = OutcomePolicy::Kind::First;
        if (limit > 0)
            config.answerMaxBodyBytes = limit;
        Fixture fixture(urls, config);
        const HttpServerResponse response = fixture.answer(request("GET", "/big"));
        QCOMPARE(response.status, status);
        if (status == 200) {
            QCOMPARE(response.body.size(), bodyBytes);
            QVERIFY(response.body == body);
        } else {
            QVERIFY2(response.body.contains(QByteArray::number(bodyBytes) + "-byte body, over HERALD_ANSWER_MAX_BODY"),
                     response.body.constData());
        }
    }
    void refusalIsCountedAndDrainingTurnsReadinessOff()
    {
        const QStringList urls = m_backends.start(1);
        ServeConfig config;
        config.sourceConfigured = true;
        Fixture fixture(urls, config);
        fixture.router.setDraining(true);
        const HttpServerResponse refused = fixture.answer(request("PURGE", "/x"));
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.body, QByteArray("draining: this instance is shutting down\n"));
        QCOMPARE(fixture.answer(request("GET", "/readyz")).status, 503);
        QVERIFY(fixture.metrics.render().contains("herald_rejected_total{reason=\"draining\"} 1\n"));
        QCOMPARE(m_backends.totalRequests(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
