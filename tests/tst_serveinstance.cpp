// ServeInstance, the composition root of `herald serve`, in process: what start() and applyConfig()
// set on the parts, what a reload may change and what it keeps, and the drain.
#include "backendpool.h"
#include "testbackend.h"

#include "broadcast/broadcaster.h"
#include "serve/router.h"
#include "serve/serveinstance.h"
#include "targets/targetsource.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace herald;
using herald::test::BackendPool;

namespace {

ServeConfig configFor(const QStringList &urls)
{
    ServeConfig config;
    config.listenAddress = QHostAddress::LocalHost;
    config.listenPort = 0;
    config.source.kind = TargetSourceSpec::Kind::Static;
    for (const QString &url : urls) {
        QString error;
        config.source.targets.append(Target::parse(url, &error));
    }
    config.sourceConfigured = true;
    config.transport = TransportKind::Qnam;
    config.perTargetConcurrency = 3;
    config.totalConcurrency = 7;
    config.circuitThreshold = 2;
    config.circuitCooldownMs = 1234;
    config.headerPolicy.instanceId = "pod-9";
    config.maxInFlight = 1;
    return config;
}

HttpServerResponse answer(Router *router, const QByteArray &method, const QByteArray &path)
{
    HttpServerRequest request;
    request.method = method;
    request.pathAndQuery = path;
    request.version = "HTTP/1.1";
    request.peerAddress = QHostAddress::LocalHost;
    std::optional<HttpServerResponse> response;
    router->handle(request, false, [&response](const HttpServerResponse &r) { response = r; });
    if (!QTest::qWaitFor([&] { return response.has_value(); }, 10000))
        return {0, {}, "no answer"};
    return *response;
}

} // namespace

class TestServeInstance : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

    static void compareLimits(ServeInstance &instance, const ServeConfig &config)
    {
        Broadcaster *broadcaster = instance.broadcaster();
        QCOMPARE(broadcaster->limiter().perKeyLimit, config.perTargetConcurrency);
        QCOMPARE(broadcaster->limiter().totalLimit, config.totalConcurrency);
        QCOMPARE(broadcaster->circuitBreaker().failureThreshold, config.circuitThreshold);
        QCOMPARE(broadcaster->circuitBreaker().cooldownMs, config.circuitCooldownMs);
        QCOMPARE(broadcaster->headerPolicy().instanceId, config.headerPolicy.instanceId);
        QCOMPARE(instance.config().maxInFlight, config.maxInFlight);
    }

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void reloadKeepsAndChangesWhatItMay()
    {
        const QStringList urls = m_backends.start(2);
        const ServeConfig config = configFor({urls.at(0)});
        ServeInstance instance;
        QString error;
        QVERIFY2(instance.start(config, &error), qPrintable(error));
        QVERIFY(instance.port() != 0);
        compareLimits(instance, config);

        instance.applyConfig(config); // SIGHUP with nothing changed
        compareLimits(instance, config);

        ServeConfig changed = config;
        changed.perTargetConcurrency = 1;
        changed.totalConcurrency = 2;
        changed.circuitThreshold = 9;
        changed.circuitCooldownMs = 4321;
        changed.headerPolicy.instanceId = "pod-10";
        changed.maxInFlight = 50;
        changed.source.targets = configFor({urls.at(1)}).source.targets;
        instance.applyConfig(changed);
        compareLimits(instance, changed);
        QCOMPARE(instance.source()->targets(), changed.source.targets);
        QCOMPARE(answer(instance.router(), "PURGE", "/after-reload").status, 200);
        QCOMPARE(m_backends.at(1).requestCount(), 1);
        QCOMPARE(m_backends.at(0).requestCount(), 0);
    }

    void restartOnlySettingsKeepTheirRunningValues()
    {
        const QStringList urls = m_backends.start(1);
        const ServeConfig config = configFor(urls);
        ServeInstance instance;
        QString error;
        QVERIFY2(instance.start(config, &error), qPrintable(error));
        const quint16 port = instance.port();
        ServeConfig changed = config;
        changed.listenPort = port + 1;
        changed.maxBodyBytes = 10;
        changed.adminListenEnabled = true; // no admin listener was started: the main port keeps its probes
        changed.routesFile = QStringLiteral("/nonexistent/routes.json");
        instance.applyConfig(changed);
        QCOMPARE(instance.port(), port);
        QCOMPARE(instance.config().listenPort, config.listenPort);
        QCOMPARE(instance.config().maxBodyBytes, config.maxBodyBytes);
        QCOMPARE(instance.config().adminListenEnabled, false);
        QCOMPARE(instance.config().routesFile, QString());
        QCOMPARE(answer(instance.router(), "GET", "/livez").body, QByteArray("alive\n"));
    }

    void drainWaitsForBroadcastsInFlight()
    {
        const QStringList urls = m_backends.start(1);
        m_backends.at(0).setDelayMs(300);
        ServeInstance instance;
        QString error;
        QVERIFY2(instance.start(configFor(urls), &error), qPrintable(error));
        HttpServerRequest request;
        request.method = "PURGE";
        request.pathAndQuery = "/slow";
        request.peerAddress = QHostAddress::LocalHost;
        std::optional<int> status;
        instance.router()->handle(request, false, [&status](const HttpServerResponse &r) { status = r.status; });
        QTRY_COMPARE(m_backends.at(0).requestCount(), 1);
        QSignalSpy drained(&instance, &ServeInstance::drained);
        instance.drain();
        QCOMPARE(instance.router()->isDraining(), true);
        QVERIFY(!status.has_value());
        QVERIFY(drained.wait(10000));
        QCOMPARE(status.value_or(0), 200); // answered before the drain ended
        QCOMPARE(drained.count(), 1);
        QCOMPARE(answer(instance.router(), "PURGE", "/late").status, 503);
    }

    void failedStartNamesTheVariable()
    {
        const QStringList urls = m_backends.start(1);
        ServeConfig config = configFor(urls);
        config.routesFile = QStringLiteral("/nonexistent/routes.json");
        ServeInstance instance;
        QString error;
        QVERIFY(!instance.start(config, &error));
        QVERIFY2(error.startsWith(QLatin1String("invalid configuration: HERALD_ROUTES: ")), qPrintable(error));
        QCOMPARE(instance.port(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServeInstance)
#include "tst_serveinstance.moc"
