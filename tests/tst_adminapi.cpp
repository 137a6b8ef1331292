// AdminApi on request values: the admin token, listing and changing targets, refresh, running a
// saved profile; the broadcasts go to real loopback backends.
#include "backendpool.h"
#include "testbackend.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "serve/adminapi.h"
#include "store/groupstore.h"
#include "store/profilestore.h"
#include "store/historystore.h"
#include "targets/statictargetsource.h"
#include "targets/targetsourcespec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace herald;
using herald::test::BackendPool;

namespace {

const QByteArray token = "admin-token-0123456789abcdef";

const auto targets = &BackendPool::targets;

HttpServerRequest request(const QByteArray &method, const QByteArray &pathAndQuery, const QByteArray &bearer = token,
                          const QByteArray &body = {})
{
    HttpServerRequest request;
    request.method = method;
    request.pathAndQuery = pathAndQuery;
    request.version = "HTTP/1.1";
    if (!bearer.isEmpty())
        request.headers.append({"Authorization", "Bearer " + bearer});
    request.body = body;
    request.peerAddress = QHostAddress::LocalHost;
    return request;
}

HttpServerResponse answer(AdminApi &admin, const HttpServerRequest &request, const QByteArray &path)
{
    std::optional<HttpServerResponse> response;
    admin.handle(request, path, [&response](const HttpServerResponse &r) { response = r; });
    if (!QTest::qWaitFor([&] { return response.has_value(); }, 10000))
        return {0, {}, "no answer"};
    return *response;
}

QStringList listed(const HttpServerResponse &response)
{
    QStringList urls;
    for (const QJsonValue &entry : QJsonDocument::fromJson(response.body).object().value(QLatin1String("targets")).toArray())
        urls.append(entry.toObject().value(QLatin1String("target")).toString());
    return urls;
}

} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

private Q_SLOTS:
    // Profile runs are recorded in the default history unless a case names one: keep that in
    // Qt's test locations, never in the user's own history.
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void cleanup() { m_backends.clear(); }

    void tokenIsRequired_data()
    {
        QTest::addColumn<QByteArray>("configured");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("given");
        QTest::addColumn<int>("status");
        QTest::newRow("no token configured: reads are open") << QByteArray() << QByteArray("GET") << QByteArray() << 200;
        QTest::newRow("no token configured: writes are off") << QByteArray() << QByteArray("PUT") << token << 403;
        QTest::newRow("read without the token") << token << QByteArray("GET") << QByteArray() << 401;
        QTest::newRow("write without the token") << token << QByteArray("POST") << QByteArray() << 401;
        QTest::newRow("one character short") << token << QByteArray("GET") << token.chopped(1) << 401;
        QTest::newRow("wrong token") << token << QByteArray("DELETE") << QByteArray("x").repeated(token.size()) << 401;
        QTest::newRow("right token") << token << QByteArray("GET") << token << 200;
    }

    void tokenIsRequired()
    {
        QFETCH(QByteArray, configured);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, given);
        QFETCH(int, status);
        ServeConfig config;
        config.adminToken = configured;
        Broadcaster broadcaster;
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1:80")}));
        AdminApi admin(config, &broadcaster, &source);
        const HttpServerResponse response = answer(admin, request(method, "/_herald/targets", given, "[\"http://10.0.0.2\"]"),
                                                   "targets");
        QCOMPARE(response.status, status);
        if (status == 401)
            QCOMPARE(headerValue(response.headers, "WWW-Authenticate"), QByteArray("Bearer"));
        if (status != 200)
            QCOMPARE(source.targets(), targets({QStringLiteral("http://10.0.0.1:80")})); // nothing changed
    }

    void targetChanges_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("after");
        const QString a = QStringLiteral("http://10.0.0.1"), b = QStringLiteral("http://10.0.0.2"),
                      c = QStringLiteral("http://10.0.0.3");
        QTest::newRow("PUT replaces") << QByteArray("PUT") << QByteArray() << QByteArray("[\"http://10.0.0.3\"]") << 200
                                      << QStringList{c};
        QTest::newRow("PUT object form") << QByteArray("PUT") << QByteArray()
                                         << QByteArray("{\"targets\": [\"http://10.0.0.3\"]}") << 200 << QStringList{c};
        QTest::newRow("POST adds once") << QByteArray("POST") << QByteArray()
                                        << QByteArray("[\"http://10.0.0.2\", \"http://10.0.0.3\"]") << 200 << QStringList{a, b, c};
        QTest::newRow("DELETE removes") << QByteArray("DELETE") << QByteArray("?target=http%3A%2F%2F10.0.0.1") << QByteArray()
                                        << 200 << QStringList{b};
        QTest::newRow("DELETE unknown") << QByteArray("DELETE") << QByteArray("?target=http://10.0.0.9") << QByteArray() << 404
                                        << QStringList{a, b};
        QTest::newRow("not JSON") << QByteArray("PUT") << QByteArray() << QByteArray("http://10.0.0.3") << 400 << QStringList{a, b};
        QTest::newRow("empty list") << QByteArray("PUT") << QByteArray() << QByteArray("[]") << 400 << QStringList{a, b};
        QTest::newRow("bad target") << QByteArray("PUT") << QByteArray() << QByteArray("[\"ftp://x\"]") << 400 << QStringList{a, b};
        QTest::newRow("PATCH") << QByteArray("PATCH") << QByteArray() << QByteArray("[\"http://10.0.0.3\"]") << 405
                               << QStringList{a, b};
    }

    void targetChanges()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QStringList, after);
        ServeConfig config;
        config.adminToken = token;
        Broadcaster broadcaster;
        StaticTargetSource source(targets({QStringLiteral("http://10.0.0.1"), QStringLiteral("http://10.0.0.2")}));
        AdminApi admin(config, &broadcaster, &source);
        const HttpServerResponse response = answer(admin, request(method, "/_herald/targets" + query, token, body), "targets");
        QCOMPARE(response.status, status);
        QCOMPARE(source.targets(), targets(after));
        if (status == 200)
            QCOMPARE(targets(listed(response)), targets(after));
    }

    void onlyAStaticListCanChange()
    {
        ServeConfig config;
        config.adminToken = token;
        Broadcaster broadcaster;
        TargetSourceSpec spec;
        spec.kind = TargetSourceSpec::Kind::Dns;
        spec.name = QStringLiteral("varnish.invalid");
        spec.port = 6081;
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        AdminApi admin(config, &broadcaster, source.get());
        const HttpServerResponse response = answer(admin, request("PUT", "/_herald/targets", token, "[\"http://10.0.0.3\"]"),
                                                   "targets");
        QCOMPARE(response.status, 409);
        QSignalSpy refreshed(source.get(), &TargetSource::refreshed);
        QSignalSpy failed(source.get(), &TargetSource::errorOccurred);
        QCOMPARE(answer(admin, request("POST", "/_herald/refresh"), "refresh").status, 202);
        QVERIFY(refreshed.wait(10000) || !failed.isEmpty()); // the refresh really ran
        QCOMPARE(answer(admin, request("GET", "/_herald/nope"), "nope").status, 404);
    }

    void listShowsCircuitAndLastResult()
    {
        const QStringList urls = m_backends.start(2);
        m_backends.at(1).setStatuses({503});
        ServeConfig config;
        Broadcaster broadcaster;
        broadcaster.circuitBreaker().failureThreshold = 1;
        StaticTargetSource source(targets(urls));
        AdminApi admin(config, &broadcaster, &source);
        BroadcastOptions options;
        options.retry.maxRetries = 0;
        Broadcast *broadcast = broadcaster.start(BroadcastRequest(), source.targets(), options);
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QVERIFY(finished.wait(10000));
        const QJsonArray list = QJsonDocument::fromJson(answer(admin, request("GET", "/_herald/targets", {}), "targets").body)
                                    .object()
                                    .value(QLatin1String("targets"))
                                    .toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).toObject().value(QLatin1String("circuit")).toString(), QStringLiteral("closed"));
        QCOMPARE(list.at(0).toObject().value(QLatin1String("last")).toObject().value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(list.at(1).toObject().value(QLatin1String("circuit")).toString(), QStringLiteral("open"));
        QCOMPARE(list.at(1).toObject().value(QLatin1String("last")).toObject().value(QLatin1String("status")).toInt(), 503);
    }

    void runsASavedProfile()
    {
        const QStringList urls = m_backends.start(1);
        QTemporaryDir profiles;
        QFile file(profiles.filePath(QStringLiteral("purge-product.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"name\": \"purge-product\", \"method\": \"PURGE\", \"path\": \"/product/{id}\", \"retries\": 0}");
        file.close();
        ServeConfig config;
        config.adminToken = token;
        config.profileDirectory = profiles.path();
        config.historyPath = profiles.filePath(QStringLiteral("history.sqlite"));
        Broadcaster broadcaster;
        StaticTargetSource source(targets(urls));
        AdminApi admin(config, &broadcaster, &source);
        const HttpServerResponse run = answer(admin, request("POST", "/_herald/profiles/purge-product/run?id=7"),
                                              "profiles/purge-product/run");
        QCOMPARE(run.status, 200);
        QCOMPARE(m_backends.at(0).requests().first().target, QByteArray("/product/7"));
        QCOMPARE(answer(admin, request("POST", "/_herald/profiles/nope/run"), "profiles/nope/run").status, 404);
        QCOMPARE(m_backends.at(0).requestCount(), 1);
        // The run is in the shared history as the admin face's, with the profile and its result.
        HistoryStore history(config.historyPath);
        QVERIFY(history.open(nullptr));
        QTRY_COMPARE(history.count(), 1);
        const QList<HistoryEntry> entries = history.list();
        QCOMPARE(entries.first().origin, QStringLiteral("admin"));
        QCOMPARE(entries.first().profile, QStringLiteral("purge-product"));
        QCOMPARE(entries.first().request.pathAndQuery, QByteArray("/product/7"));
        QCOMPARE(history.entry(entries.first().id).results.first().status, 200);
    }

    // A profile's "group" is resolved by the same plan as `herald send --group`, beside the profiles.
    void runsAProfilesGroup_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error"); // the start of the answer, or empty
        QTest::newRow("static group") << "eu" << 200 << "";
        QTest::newRow("dns group") << "k8s" << 400 << "group \"k8s\": DNS varnish.svc:6081 is resolved by DNS or SRV";
        QTest::newRow("unknown group") << "asia" << 400 << "group \"asia\": unknown group 'asia' (known: eu, k8s)";
    }
    void runsAProfilesGroup()
    {
        QFETCH(QString, group);
        const QStringList urls = m_backends.start(3); // the instance's own, then the group's two
        QTemporaryDir dir;
        GroupStore groups(dir.filePath(QStringLiteral("groups")));
        TargetGroup eu{QStringLiteral("eu"), {}, {}};
        eu.targets.targets = targets(urls.mid(1));
        TargetGroup k8s{QStringLiteral("k8s"), {}, {}};
        QVERIFY(TargetSourceSpec::parseDns(QStringLiteral("varnish.svc:6081"), &k8s.targets, nullptr));
        QVERIFY(groups.save(eu, nullptr) && groups.save(k8s, nullptr));
        ProfileStore profiles(dir.filePath(QStringLiteral("profiles")));
        Profile profile;
        profile.name = QStringLiteral("grouped");
        profile.method = "PURGE";
        profile.groups = {group};
        profile.retries = 0;
        QVERIFY(profiles.save(profile, nullptr));
        ServeConfig config;
        config.adminToken = token;
        config.profileDirectory = profiles.directory();
        Broadcaster broadcaster;
        StaticTargetSource source(targets(urls.mid(0, 1)));
        AdminApi admin(config, &broadcaster, &source);
        const HttpServerResponse run = answer(admin, request("POST", "/_herald/profiles/grouped/run"), "profiles/grouped/run");
        QTEST(run.status, "status");
        QFETCH(QString, error);
        QVERIFY2(run.body.startsWith(error.toUtf8()), run.body.constData());
        const bool sent = error.isEmpty();
        QCOMPARE(m_backends.at(0).requestCount(), 0); // never the instance's targets instead
        QCOMPARE(m_backends.at(1).requestCount(), sent ? 1 : 0);
        QCOMPARE(m_backends.at(2).requestCount(), sent ? 1 : 0);
    }
};

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
