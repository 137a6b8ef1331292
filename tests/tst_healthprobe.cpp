// HealthProbe: /healthz asks the loopback backends themselves; /readyz and /livez follow the
// instance's state, which each case sets by value.
#include "backendpool.h"
#include "testbackend.h"

#include "relay/redisaddress.h"
#include "relay/relaypublisher.h"
#include "serve/healthprobe.h"
#include "serve/routeset.h"
#include "targets/statictargetsource.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace herald;
using herald::test::BackendPool;

namespace {

const auto targets = &BackendPool::targets;

HttpServerResponse check(HealthProbe &probe)
{
    std::optional<HttpServerResponse> response;
    probe.check([&response](const HttpServerResponse &r) { response = r; });
    if (!QTest::qWaitFor([&] { return response.has_value(); }, 10000))
        return {0, {}, "no answer"};
    return *response;
}

} // namespace

class TestHealthProbe : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void healthFollowsTheBackends_data()
    {
        QTest::addColumn<QList<int>>("statuses"); // one per backend; 0: nothing listens there
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("healthy");
        QTest::newRow("all up") << QList<int>{200, 204} << 200 << 2;
        QTest::newRow("4xx is alive") << QList<int>{404} << 200 << 1;
        QTest::newRow("one of two") << QList<int>{503, 200} << 200 << 1;
        QTest::newRow("all 5xx") << QList<int>{500, 503} << 503 << 0;
        QTest::newRow("nothing listens") << QList<int>{0} << 503 << 0;
        QTest::newRow("no targets") << QList<int>{} << 503 << 0;
    }

    void healthFollowsTheBackends()
    {
        QFETCH(QList<int>, statuses);
        QFETCH(int, status);
        QFETCH(int, healthy);
        QStringList urls = m_backends.start(static_cast<int>(statuses.size()));
        for (int i = 0; i < statuses.size(); ++i) {
            if (statuses.at(i) == 0)
                m_backends.at(i).close();
            else
                m_backends.at(i).setStatuses({statuses.at(i)});
        }
        StaticTargetSource source(targets(urls));
        HealthProbe probe(&source, 1000);
        const HttpServerResponse response = check(probe);
        QCOMPARE(response.status, status);
        QCOMPARE(headerValue(response.headers, "Cache-Control"), QByteArray("no-store"));
        const QJsonObject body = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(body.value(QLatin1String("healthy")).toInt(), healthy);
        QCOMPARE(body.value(QLatin1String("targets")).toInt(), static_cast<int>(statuses.size()));
        QCOMPARE(body.contains(QLatin1String("detail")), healthy < statuses.size() || statuses.isEmpty());
    }

    // Routes and no default targets (k8sreq-duplicator's deployment): the route targets are the
    // ones asked, instead of "the static target list is empty".
    void healthAsksTheRouteTargets_data()
    {
        QTest::addColumn<int>("backendStatus"); // 0: nothing listens there
        QTest::addColumn<int>("status");
        QTest::newRow("route target up") << 204 << 200;
        QTest::newRow("route target down") << 0 << 503;
    }
    void healthAsksTheRouteTargets()
    {
        QFETCH(int, backendStatus);
        QFETCH(int, status);
        const QStringList urls = m_backends.start(1);
        if (backendStatus == 0)
            m_backends.at(0).close();
        else
            m_backends.at(0).setStatuses({backendStatus});
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("routes.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"routes\": [{\"host\": \"a.example\", \"targets\": {\"static\": [\"" + urls.first().toUtf8() + "\"]}}]}");
        file.close();
        RouteSet routes(file.fileName(), BroadcastOptions());
        QString error;
        QVERIFY2(routes.load(&error), qPrintable(error));
        StaticTargetSource empty(QList<Target>{});
        HealthProbe probe(&empty, 1000);
        probe.setRoutes(&routes);
        probe.setSourceConfigured(false);
        const HttpServerResponse response = check(probe);
        QCOMPARE(response.status, status);
        const QJsonObject body = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(body.value(QLatin1String("targets")).toInt(), 1);
        QCOMPARE(body.value(QLatin1String("healthy")).toInt(), status == 200 ? 1 : 0);
        QVERIFY2(!response.body.contains("static target list"), response.body.constData());
    }

    // A probe is a hop like any broadcast: the backends see this instance's id in its Via.
    void probeCarriesTheInstanceVia_data()
    {
        QTest::addColumn<QByteArray>("instanceId"); // empty: the policy is never set
        QTest::addColumn<QByteArray>("via");
        QTest::newRow("configured id") << QByteArray("edge-7") << QByteArray("1.1 herald-edge-7");
        QTest::newRow("default id") << QByteArray() << QByteArray("1.1 herald-herald");
    }
    void probeCarriesTheInstanceVia()
    {
        QFETCH(QByteArray, instanceId);
        QFETCH(QByteArray, via);
        const QStringList urls = m_backends.start(1);
        StaticTargetSource source(targets(urls));
        HealthProbe probe(&source, 1000);
        if (!instanceId.isEmpty()) {
            HeaderPolicy policy;
            policy.instanceId = instanceId;
            probe.setHeaderPolicy(policy);
        }
        QCOMPARE(check(probe).status, 200);
        QCOMPARE(m_backends.at(0).requestCount(), 1);
        QCOMPARE(m_backends.at(0).requests().first().header("Via"), via);
    }

    void answerIsReusedForASecond()
    {
        const QStringList urls = m_backends.start(1);
        StaticTargetSource source(targets(urls));
        HealthProbe probe(&source, 1000);
        QCOMPARE(check(probe).status, 200);
        QCOMPARE(m_backends.at(0).requestCount(), 1);
        QCOMPARE(m_backends.at(0).requests().first().method, QByteArray("HEAD"));
        m_backends.at(0).setStatuses({503});
        QCOMPARE(check(probe).status, 200); // cached: the backend is not asked again at once
        QCOMPARE(m_backends.at(0).requestCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(check(probe).status, 503, 5000);
        QCOMPARE(m_backends.at(0).requestCount(), 2);
    }

    void readinessByState_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("resolved") << "resolved" << 200 << QByteArray("ready: 2 targets\n");
        QTest::newRow("draining") << "draining" << 503 << QByteArray("draining\n");
        QTest::newRow("empty list") << "empty" << 503 << QByteArray("targets not resolved: the static target list is empty\n");
        QTest::newRow("routes only") << "routes" << 200 << QByteArray("ready: 1 routes, 1 targets\n");
        QTest::newRow("relay only, Redis down") << "relay" << 503 << QByteArray("the relay's Redis is unreachable\n");
        // Every request is published first: targets do not make up for the relay's Redis.
        QTest::newRow("relay with targets, Redis down")
            << "relay+targets" << 503 << QByteArray("the relay's Redis is unreachable\n");
    }

    void readinessByState()
    {
        QFETCH(QString, state);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        const QList<Target> two = targets({QStringLiteral("http://10.0.0.1"), QStringLiteral("http://10.0.0.2")});
        StaticTargetSource source(state == QLatin1String("resolved") || state == QLatin1String("draining")
                                          || state == QLatin1String("relay+targets")
                                      ? two
                                      : QList<Target>());
        HealthProbe probe(&source, 1000);
        QTemporaryDir dir;
        std::unique_ptr<RouteSet> routes;
        if (state == QLatin1String("routes")) {
            QFile file(dir.filePath(QStringLiteral("routes.json")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("{\"routes\": [{\"host\": \"a.example\", \"targets\": {\"static\": [\"http://10.0.0.3\"]}}]}");
            file.close();
            routes = std::make_unique<RouteSet>(file.fileName(), BroadcastOptions());
            QString error;
            QVERIFY2(routes->load(&error), qPrintable(error));
            probe.setRoutes(routes.get());
            probe.setSourceConfigured(false);
        }
        std::unique_ptr<RelayPublisher> publisher;
        if (state.startsWith(QLatin1String("relay"))) {
            RedisAddress address;
            QString error;
            QVERIFY(RedisAddress::parse(QStringLiteral("redis://127.0.0.1:1"), &address, &error));
            publisher = std::make_unique<RelayPublisher>(address, "herald", 0);
            probe.setRelay(publisher.get());
            probe.setSourceConfigured(state == QLatin1String("relay+targets"));
        }
        const HttpServerResponse response = probe.readiness(state == QLatin1String("draining"));
        QCOMPARE(response.status, status);
        QCOMPARE(response.body, body);
    }

    void livenessAsksNobody()
    {
        const HttpServerResponse response = HealthProbe::liveness();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("alive\n"));
        QCOMPARE(headerValue(response.headers, "Content-Type"), QByteArray("text/plain; charset=utf-8"));
    }
};

QTEST_GUILESS_MAIN(TestHealthProbe)
#include "tst_healthprobe.moc"
