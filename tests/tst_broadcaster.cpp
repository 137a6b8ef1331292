// The broadcast engine against real HTTP servers on loopback. Every case runs once per
// transport (ctest runs it with HERALD_TEST_TRANSPORT=qnam, =curl, =curl-threads, =lean and =lean-threads):
// all pass one suite.
#include "backendpool.h"
#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "reservedport.h"
#include "transport/curltransport.h"
#include "transport/leantransport.h"
#include "transport/routingtransport.h"
#include "testbackend.h"
#include "testcertificate.h"
#include "transport/transportfactory.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::ReservedPort;
using herald::test::TestBackend;

class TestBroadcaster : public QObject
{
    Q_OBJECT

private:
    herald::test::BackendPool m_backends;
    std::vector<std::unique_ptr<ReservedPort>> m_reservedPorts;

    QList<Target> startBackends(int count) { return Target::parseList(m_backends.start(count).join(QLatin1Char(',')), nullptr); }
    TestBackend &backend(int i) { return m_backends.at(i); }

    // A refused port, held until the test function ends.
    quint16 closedPort()
    {
        m_reservedPorts.push_back(std::make_unique<ReservedPort>());
        return m_reservedPorts.back()->port();
    }

    // Would the breaker let a half-open probe to `key` through now? Asked of a copy, so the probe
    // slot of the real breaker stays free for the next broadcast.
    static bool coolDownPassed(Broadcaster &broadcaster, const QString &key)
    {
        CircuitBreaker copy = broadcaster.circuitBreaker();
        return copy.allow(key, broadcaster.nowMs());
    }

    // The transport under test, from HERALD_TEST_TRANSPORT (qnam when unset).
    static Transport *newTransport(bool verifyPeer = true)
    {
        TransportKind kind = TransportKind::Qnam;
        QString name = qEnvironmentVariable("HERALD_TEST_TRANSPORT", QStringLiteral("qnam"));
        // "curl-threads", "lean-threads": two worker threads behind a ThreadedTransport.
        const int threads = name.endsWith(QLatin1String("-threads")) ? 2 : 0;
        name.remove(QLatin1String("-threads"));
        if (!parseTransportKind(name, &kind))
            qFatal("HERALD_TEST_TRANSPORT=%s: expected qnam, curl or lean, with -threads or not", qPrintable(name));
        return createTransport(kind, verifyPeer, threads);
    }

    // A field of /proc/self/status in KiB (VmRSS, VmHWM).
    static qint64 statusKiB(const char *field)
    {
        QFile status(QStringLiteral("/proc/self/status"));
        if (!status.open(QIODevice::ReadOnly))
            return 0;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith(field))
                return line.mid(line.indexOf(':') + 1).trimmed().split(' ').first().toLongLong();
        }
        return 0;
    }

    // QNAM is the one transport that adds headers of its own and rewrites dot segments.
    static bool qnamUnderTest()
    {
        const QString name = qEnvironmentVariable("HERALD_TEST_TRANSPORT", QStringLiteral("qnam"));
        return name == QLatin1String("qnam");
    }

    static BroadcastOptions fastOptions()
    {
        BroadcastOptions options;
        options.retry.baseDelayMs = 10;
        options.retry.jitter = 0;
        options.attemptTimeoutMs = 2000;
        return options;
    }

    // Runs a broadcast to the end and returns its results and summary.
    struct Run
    {
        QList<TargetResult> results;
        BroadcastSummary summary;
        int finishedSignals = 0;
        int decidedSignals = 0;
    };
    static Run run(Broadcaster &broadcaster, const BroadcastRequest &request, const QList<Target> &targets,
                   const BroadcastOptions &options)
    {
        Broadcast *broadcast = broadcaster.start(request, targets, options);
        broadcast->setAutoDelete(false);
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QSignalSpy decided(broadcast, &Broadcast::decided);
        if (!broadcast->isFinished())
            finished.wait(20000);
        QCoreApplication::processEvents();
        Run result{broadcast->results(), broadcast->summary(), int(finished.count()), int(decided.count())};
        delete broadcast;
        return result;
    }

private Q_SLOTS:
    void cleanup()
    {
        m_backends.clear();
        m_reservedPorts.clear();
    }

    void everyMethodReachesEveryTarget_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("body");
        for (const char *method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "BAN", "FOOBAR"})
            QTest::newRow(method) << QByteArray(method) << QByteArray();
        QTest::newRow("POST with body") << QByteArray("POST") << QByteArray("{\"id\":42}\n");
        QByteArray binary;
        for (int i = 0; i < 1024 * 1024; ++i)
            binary.append(char(i * 7 % 256));
        QTest::newRow("PUT 1 MiB binary") << QByteArray("PUT") << binary;
        QTest::newRow("BAN with body") << QByteArray("BAN") << QByteArray("obj.http.x-url ~ ^/product");
    }
    void everyMethodReachesEveryTarget()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, body);
        const QList<Target> targets = startBackends(3);
        Broadcaster broadcaster(newTransport());
        BroadcastRequest request;
        request.method = method;
        request.pathAndQuery = "/product/42?lang=en&q=a%20b&x=%2F";
        request.headers = {{"Host", "shop.example.com"}, {"X-Custom", "v1, v2"}, {"Content-Type", "application/json"}};
        if (!body.isEmpty())
            request.headers.append({"Content-Length", QByteArray::number(body.size())});
        request.body = body;

        const Run result = run(broadcaster, request, targets, fastOptions());
        QCOMPARE(result.finishedSignals, 1);
        QVERIFY(result.summary.policyMet);
        QCOMPARE(result.summary.succeeded, 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(backend(i).requestCount(), 1);
            const auto received = backend(i).requests().first();
            QCOMPARE(received.method, method);
            QCOMPARE(received.target, request.pathAndQuery);
            QCOMPARE(received.header("Host"), QByteArray("shop.example.com"));
            QCOMPARE(received.header("X-Custom"), QByteArray("v1, v2"));
            QCOMPARE(received.body.size(), body.size());
            QVERIFY(received.body == body);
            QCOMPARE(result.results.at(i).status, 200);
            QCOMPARE(result.results.at(i).outcome, TargetOutcome::Ok);
            QCOMPARE(result.results.at(i).attempts.size(), 1);
        }
    }

    // What a backend receives is what the client sent after the header policy: nothing
    // renamed, no empty value lost, and only the headers each transport is known to add.
    void headersReachTheBackendAsSent()
    {
        const QList<Target> targets = startBackends(1);
        Broadcaster broadcaster(newTransport());
        BroadcastRequest request;
        request.method = "BAN";
        request.pathAndQuery = "/a/b%20c?obj=%2Fx&lang=en";
        request.headers = {{"Host", "shop.example.com"}, {"X-Empty", ""}, {"x-lower-case", "Value"}, {"Content-Length", "3"}};
        request.body = "a=b";
        const Run result = run(broadcaster, request, targets, fastOptions());
        QCOMPARE(result.results.first().outcome, TargetOutcome::Ok);
        const auto received = backend(0).requests().first();
        QCOMPARE(received.target, request.pathAndQuery);
        QCOMPARE(received.body, QByteArray("a=b"));
        QCOMPARE(received.header("Content-Length"), QByteArray("3"));
        QList<QByteArray> names;
        for (const auto &header : received.headers)
            names.append(header.first.toLower());
        QVERIFY(names.contains("x-empty"));
        QCOMPARE(received.header("X-Empty"), QByteArray());
        QCOMPARE(received.header("x-lower-case"), QByteArray("Value"));
        QVERIFY2(!names.contains("content-type"), "no Content-Type of the transport's own");
        QVERIFY2(!names.contains("expect"), "no Expect: 100-continue");
        // QNAM adds these three when absent (noted in docs/performance.md); curl and lean add none.
        const QList<QByteArray> transportOwn = !qnamUnderTest()
                                                   ? QList<QByteArray>{}
                                                   : QList<QByteArray>{"accept-encoding", "accept-language", "user-agent"};
        const QList<QByteArray> policyOwn = {"host", "content-length",  "x-empty",           "x-lower-case",
                                             "via",  "x-forwarded-for", "x-forwarded-proto", "connection"};
        for (const QByteArray &name : names)
            QVERIFY2(policyOwn.contains(name) || transportOwn.contains(name), name.constData());
    }

    // A proxy forwards the request target as received; rewriting dot segments would make a
    // PURGE or BAN reach a different object than the client named.
    void dotSegmentsReachTheBackendUnchanged()
    {
        const QList<Target> targets = startBackends(1);
        Broadcaster broadcaster(newTransport());
        BroadcastRequest request;
        request.method = "PURGE";
        request.pathAndQuery = "/a/./b/../c?x=1";
        QCOMPARE(run(broadcaster, request, targets, fastOptions()).results.first().outcome, TargetOutcome::Ok);
        if (qnamUnderTest())
            QEXPECT_FAIL("", "Qt 6.4's HTTP client rewrites /a/./b/../c as /a//c; serve uses curl", Continue);
        QCOMPARE(backend(0).requests().first().target, request.pathAndQuery);
    }

    void workStartsOnTheNextEventLoopTurn()
    {
        const QList<Target> targets = startBackends(1);
        Broadcaster broadcaster(newTransport());
        Broadcast *broadcast = broadcaster.start({}, targets, fastOptions());
        QSignalSpy updated(broadcast, &Broadcast::targetUpdated);
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QCOMPARE(updated.count(), 0);
        QCOMPARE(broadcast->result(0).state, TargetState::Pending);
        QVERIFY(finished.wait(5000));
        QVERIFY(updated.count() >= 2); // sending, then done
    }

    // A finished broadcast is deleted by its Broadcaster on a later turn, never while a slot of its
    // finished() still runs, not even one that spins an event loop of its own.
    void finishedBroadcastsAreDeletedOnALaterTurn()
    {
        const QList<Target> targets = startBackends(2);
        Broadcaster broadcaster(newTransport());
        QList<QPointer<Broadcast>> all;
        bool aliveThroughNestedLoop = false;
        for (int i = 0; i < 3; ++i)
            all.append(broadcaster.start({}, targets, fastOptions()));
        connect(all.first(), &Broadcast::finished, this, [&] {
            QEventLoop nested;
            QTimer::singleShot(50, &nested, &QEventLoop::quit);
            nested.exec(); // the other two finish and are deleted meanwhile
            aliveThroughNestedLoop = !all.first().isNull() && all.first()->isFinished();
        });
        QTRY_VERIFY_WITH_TIMEOUT(all.at(0).isNull() && all.at(1).isNull() && all.at(2).isNull(), 10000);
        QVERIFY(aliveThroughNestedLoop);
        QCOMPARE(broadcaster.activeBroadcasts(), 0);
    }

    // Deleted by hand before it began, or after it finished but before its Broadcaster's turn: the
    // Broadcaster neither begins nor deletes it again (ASan's build would see either).
    void broadcastsDeletedByHandLeaveTheBroadcastersTurn()
    {
        const QList<Target> targets = startBackends(1);
        Broadcaster broadcaster(newTransport());
        delete broadcaster.start({}, targets, fastOptions()); // never begun
        // Without targets both finish inside the same turn, in the order they started: the first
        // waits for the next turn to be deleted when the second's slot deletes it.
        QPointer<Broadcast> first = broadcaster.start({}, {}, fastOptions());
        Broadcast *second = broadcaster.start({}, {}, fastOptions());
        bool firstWasWaiting = false;
        connect(second, &Broadcast::finished, this, [&] {
            firstWasWaiting = first && first->isFinished();
            delete first.data();
        });
        QPointer<Broadcast> last = broadcaster.start({}, targets, fastOptions());
        QTRY_VERIFY_WITH_TIMEOUT(last.isNull(), 5000);
        QVERIFY(firstWasWaiting);
        QVERIFY(first.isNull());
        QCOMPARE(backend(0).requestCount(), 1);
    }

    void hopByHopAndSensitiveHeadersAreDropped()
    {
        const QList<Target> targets = startBackends(1);
        Broadcaster broadcaster(newTransport());
        broadcaster.headerPolicy().sensitiveHeaders = {"X-Secret"};
        BroadcastRequest request;
        request.method = "PURGE";
        request.pathAndQuery = "/a";
        request.clientAddress = QStringLiteral("192.0.2.7");
        request.headers = {{"Host", "h"},
                           {"Connection", "keep-alive, X-Hop"},
                           {"Keep-Alive", "5"},
                           {"TE", "trailers"},
                           {"Upgrade", "websocket"},
                           {"Proxy-Authorization", "Basic x"},
                           {"X-Hop", "1"},
                           {"X-Secret", "s"},
                           {"X-Keep", "yes"},
                           {"X-Forwarded-For", "198.51.100.1"}};
        run(broadcaster, request, targets, fastOptions());
        const auto received = backend(0).requests().first();
        for (const char *dropped : {"Keep-Alive", "TE", "Upgrade", "Proxy-Authorization", "X-Hop", "X-Secret"})
            QVERIFY2(received.header(dropped).isEmpty(), dropped);
        QCOMPARE(received.header("X-Keep"), QByteArray("yes"));
        QCOMPARE(received.header("X-Forwarded-For"), QByteArray("198.51.100.1, 192.0.2.7"));
        QCOMPARE(received.header("X-Forwarded-Proto"), QByteArray("http"));
        QCOMPARE(received.header("Via"), QByteArray("1.1 herald-herald"));
    }

    void targetHostModeSendsEachTargetsOwnHost()
    {
        const QList<Target> targets = startBackends(2);
        Broadcaster broadcaster(newTransport());
        broadcaster.headerPolicy().hostMode = HeaderPolicy::HostMode::TargetHost;
        BroadcastRequest request;
        request.headers = {{"Host", "shop.example.com"}};
        run(broadcaster, request, targets, fastOptions());
        for (int i = 0; i < 2; ++i)
            QCOMPARE(backend(i).requests().first().header("Host"),
                     QByteArray("127.0.0.1:") + QByteArray::number(backend(i).port()));
    }

    void retryAfter503KeepsTheBody()
    {
        const QList<Target> targets = startBackends(2);
        backend(1).setStatuses({503, 200});
        Broadcaster broadcaster(newTransport());
        BroadcastRequest request;
        request.method = "POST";
        request.body = "payload-that-must-survive-retries";
        const Run result = run(broadcaster, request, targets, fastOptions());
        QVERIFY(result.summary.policyMet);
        QCOMPARE(backend(1).requestCount(), 2);
        QCOMPARE(backend(1).requests().at(0).body, request.body);
        QCOMPARE(backend(1).requests().at(1).body, request.body);
        QCOMPARE(result.results.at(1).attempts.size(), 2);
        QCOMPARE(result.results.at(1).attempts.at(0).status, 503);
        QCOMPARE(result.results.at(1).outcome, TargetOutcome::Ok);
    }

    void retryRule_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QList<int>>("statuses");
        QTest::addColumn<int>("expectedAttempts");
        QTest::addColumn<int>("expectedOutcome");
        QTest::newRow("404 not retried by default") << "5xx,429" << QList<int>{404, 200} << 1 << int(TargetOutcome::HttpError);
        QTest::newRow("404 retried with >=400") << ">=400" << QList<int>{404, 200} << 2 << int(TargetOutcome::Ok);
        QTest::newRow("429 retried") << "5xx,429" << QList<int>{429, 200} << 2 << int(TargetOutcome::Ok);
        QTest::newRow("500 exhausts retries") << "5xx" << QList<int>{500} << 3 << int(TargetOutcome::HttpError);
        QTest::newRow("none never retries") << "none" << QList<int>{500, 200} << 1 << int(TargetOutcome::HttpError);
    }
    void retryRule()
    {
        QFETCH(QString, rule);
        QFETCH(QList<int>, statuses);
        QFETCH(int, expectedAttempts);
        QFETCH(int, expectedOutcome);
        const QList<Target> targets = startBackends(1);
        backend(0).setStatuses(statuses);
        BroadcastOptions options = fastOptions();
        QString error;
        options.retry.retryStatuses = StatusRule::parse(rule, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, targets, options);
        QCOMPARE(result.results.first().attempts.size(), expectedAttempts);
        QCOMPARE(int(result.results.first().outcome), expectedOutcome);
        QCOMPARE(backend(0).requestCount(), expectedAttempts);
    }

    void stalledTargetDoesNotDelayTheOthers()
    {
        const QList<Target> targets = startBackends(3);
        backend(1).setBehaviour(TestBackend::Behaviour::Stall);
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 0;
        options.attemptTimeoutMs = 1500;
        Broadcaster broadcaster(newTransport());
        Broadcast *broadcast = broadcaster.start({}, targets, options);
        broadcast->setAutoDelete(false);
        QList<int> doneOrder;
        connect(broadcast, &Broadcast::targetUpdated, this, [&](int index) {
            if (broadcast->result(index).isDone())
                doneOrder.append(index);
        });
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(doneOrder.size(), 3);
        QCOMPARE(doneOrder.last(), 1); // the fast targets were reported before the stalled one timed out
        QCOMPARE(broadcast->result(1).outcome, TargetOutcome::Timeout);
        QVERIFY(broadcast->result(0).latencyMs < options.attemptTimeoutMs);
        QVERIFY(broadcast->result(1).latencyMs >= options.attemptTimeoutMs);
        QVERIFY(!broadcast->summary().policyMet);
        delete broadcast;
    }

    void transportFaults_data()
    {
        QTest::addColumn<int>("behaviour");
        QTest::addColumn<int>("expectedOutcome");
        QTest::newRow("stalled body") << int(TestBackend::Behaviour::StallBody) << int(TargetOutcome::Timeout);
        QTest::newRow("reset") << int(TestBackend::Behaviour::Reset) << int(TargetOutcome::Error);
        QTest::newRow("reset mid body") << int(TestBackend::Behaviour::ResetMidBody) << int(TargetOutcome::Error);
        QTest::newRow("garbage") << int(TestBackend::Behaviour::Garbage) << int(TargetOutcome::Error);
    }
    void transportFaults()
    {
        QFETCH(int, behaviour);
        QFETCH(int, expectedOutcome);
        const QList<Target> targets = startBackends(2);
        backend(0).setBehaviour(TestBackend::Behaviour(behaviour));
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 1;
        options.attemptTimeoutMs = 500;
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, targets, options);
        QCOMPARE(int(result.results.at(0).outcome), expectedOutcome);
        QVERIFY(!result.results.at(0).error.isEmpty());
        QCOMPARE(result.results.at(0).attempts.size(), 2);
        QCOMPARE(result.results.at(1).outcome, TargetOutcome::Ok);
    }

    // A backend that accepts the connection and never reads: the kernel buffers fill and the upload
    // blocks. The per-attempt timeout must still end every attempt, and the 64 MiB body must not be
    // copied per target (peak RSS, from /proc/self/status, after resetting it through clear_refs).
    void neverReadingBackendsHoldTheTimeoutAndNoMemory()
    {
        const QList<Target> targets = startBackends(3);
        for (int i = 0; i < 3; ++i)
            backend(i).setBehaviour(TestBackend::Behaviour::NeverRead);
        BroadcastRequest request;
        request.method = "POST";
        request.body = QByteArray(64 * 1024 * 1024, 'b');
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 1;
        options.attemptTimeoutMs = 1000;
        Broadcaster broadcaster(newTransport());
        QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
        const bool peakReset = clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
        clearRefs.close();
        const qint64 before = statusKiB("VmRSS");
        QElapsedTimer clock;
        clock.start();
        const Run result = run(broadcaster, request, targets, options);
        const qint64 elapsed = clock.elapsed();
        const qint64 peak = peakReset ? statusKiB("VmHWM") : statusKiB("VmRSS");
        for (const TargetResult &target : result.results) {
            QCOMPARE(target.outcome, TargetOutcome::Timeout);
            QCOMPARE(target.attempts.size(), 2);
            for (const AttemptRecord &attempt : target.attempts)
                QVERIFY2(attempt.latencyMs < options.attemptTimeoutMs + 500, qPrintable(QString::number(attempt.latencyMs)));
        }
        QVERIFY2(elapsed < 2 * (options.attemptTimeoutMs + 500), qPrintable(QString::number(elapsed)));
        const qint64 growthMiB = (peak - before) / 1024;
        qInfo("never-reading backends: 3 x 64 MiB POST ended in %lld ms, peak RSS %lld MiB above the start (body itself: 64 MiB)",
              elapsed, growthMiB);
        QVERIFY2(growthMiB < 64, qPrintable(QStringLiteral("peak RSS grew by %1 MiB").arg(growthMiB)));
    }

    void neverReadingBackendDoesNotDelayTheOthers()
    {
        const QList<Target> targets = startBackends(3);
        backend(0).setBehaviour(TestBackend::Behaviour::NeverRead);
        BroadcastRequest request;
        request.method = "POST";
        request.body = QByteArray(16 * 1024 * 1024, 'b');
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 0;
        options.attemptTimeoutMs = 3000;
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, request, targets, options);
        QCOMPARE(result.results.at(0).outcome, TargetOutcome::Timeout);
        for (int i = 1; i < 3; ++i) {
            QCOMPARE(result.results.at(i).outcome, TargetOutcome::Ok);
            QVERIFY2(result.results.at(i).latencyMs < options.attemptTimeoutMs,
                     qPrintable(QString::number(result.results.at(i).latencyMs)));
            QCOMPARE(backend(i).requests().first().body.size(), request.body.size());
        }
    }

    void refusedConnection()
    {
        const QList<Target> targets = {Target::parse(QStringLiteral("http://127.0.0.1:%1").arg(closedPort()), nullptr)};
        BroadcastOptions options = fastOptions();
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, targets, options);
        QCOMPARE(result.results.first().outcome, TargetOutcome::Refused);
        QCOMPARE(result.results.first().attempts.size(), options.retry.maxRetries + 1);
        QVERIFY(!result.summary.policyMet);
    }

    void circuitOpensAndCloses()
    {
        const quint16 port = closedPort();
        const QList<Target> targets = {Target::parse(QStringLiteral("http://127.0.0.1:%1").arg(port), nullptr)};
        Broadcaster broadcaster(newTransport());
        broadcaster.circuitBreaker().failureThreshold = 2;
        broadcaster.circuitBreaker().cooldownMs = 300;
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 0;
        QCOMPARE(run(broadcaster, {}, targets, options).results.first().outcome, TargetOutcome::Refused);
        QCOMPARE(run(broadcaster, {}, targets, options).results.first().outcome, TargetOutcome::Refused);
        QCOMPARE(broadcaster.circuitBreaker().state(targets.first().key()), CircuitBreaker::State::Open);

        // While open, the target is skipped without a connection, even once it is back.
        TestBackend revived;
        m_reservedPorts.back()->release();
        QVERIFY(revived.listen(QHostAddress::LocalHost, port));
        const Run skipped = run(broadcaster, {}, targets, options);
        QCOMPARE(skipped.results.first().outcome, TargetOutcome::CircuitOpen);
        QCOMPARE(skipped.results.first().attempts.size(), 0);
        QCOMPARE(revived.requestCount(), 0);

        // After the cool-down a half-open probe goes through and its success closes the circuit.
        QTRY_VERIFY(coolDownPassed(broadcaster, targets.first().key()));
        const Run probe = run(broadcaster, {}, targets, options);
        QCOMPARE(probe.results.first().outcome, TargetOutcome::Ok);
        QCOMPARE(revived.requestCount(), 1);
        QCOMPARE(broadcaster.circuitBreaker().state(targets.first().key()), CircuitBreaker::State::Closed);
    }

    void halfOpenProbeFailureReopens()
    {
        const QList<Target> targets = {Target::parse(QStringLiteral("http://127.0.0.1:%1").arg(closedPort()), nullptr)};
        Broadcaster broadcaster(newTransport());
        broadcaster.circuitBreaker().failureThreshold = 1;
        broadcaster.circuitBreaker().cooldownMs = 200;
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 0;
        run(broadcaster, {}, targets, options);
        QCOMPARE(broadcaster.circuitBreaker().state(targets.first().key()), CircuitBreaker::State::Open);
        QTRY_VERIFY(coolDownPassed(broadcaster, targets.first().key()));
        QCOMPARE(run(broadcaster, {}, targets, options).results.first().outcome, TargetOutcome::Refused);
        QCOMPARE(broadcaster.circuitBreaker().state(targets.first().key()), CircuitBreaker::State::Open);
        QCOMPARE(run(broadcaster, {}, targets, options).results.first().outcome, TargetOutcome::CircuitOpen);
    }

    void policies_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<int>("failing");
        QTest::addColumn<bool>("met");
        QTest::newRow("all, none failing") << "all" << 0 << true;
        QTest::newRow("all, one failing") << "all" << 1 << false;
        QTest::newRow("any, two failing") << "any" << 2 << true;
        QTest::newRow("any, all failing") << "any" << 3 << false;
        QTest::newRow("quorum=2, one failing") << "quorum=2" << 1 << true;
        QTest::newRow("quorum=2, two failing") << "quorum=2" << 2 << false;
        QTest::newRow("quorum=0.5, one failing") << "quorum=0.5" << 1 << true;
        QTest::newRow("quorum=100%, one failing") << "quorum=100%" << 1 << false;
        QTest::newRow("first, two failing") << "first" << 2 << true;
        QTest::newRow("first, all failing") << "first" << 3 << false;
        QTest::newRow("async, none failing") << "async" << 0 << true;
    }
    void policies()
    {
        QFETCH(QString, policy);
        QFETCH(int, failing);
        QFETCH(bool, met);
        const QList<Target> targets = startBackends(3);
        for (int i = 0; i < failing; ++i)
            backend(i).setStatuses({500});
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 0;
        QString error;
        options.policy = OutcomePolicy::parse(policy, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, targets, options);
        QCOMPARE(result.summary.policyMet, met);
        QCOMPARE(result.summary.failed, failing);
        QCOMPARE(result.decidedSignals, 1);
        QCOMPARE(result.finishedSignals, 1);
    }

    void firstIsDecidedByTheFirstSuccess()
    {
        const QList<Target> targets = startBackends(2);
        backend(0).setBehaviour(TestBackend::Behaviour::Stall);
        backend(1).setResponseBody("from the fast one");
        BroadcastOptions options = fastOptions();
        options.policy = OutcomePolicy::parse(QStringLiteral("first"), nullptr);
        options.attemptTimeoutMs = 3000;
        options.retry.maxRetries = 0;
        Broadcaster broadcaster(newTransport());
        Broadcast *broadcast = broadcaster.start({}, targets, options);
        QSignalSpy decided(broadcast, &Broadcast::decided);
        QVERIFY(decided.wait(5000));
        QVERIFY(!broadcast->isFinished());
        QCOMPARE(broadcast->decidingIndex(), 1);
        QCOMPARE(broadcast->result(1).responseBody, QByteArray("from the fast one"));
        broadcast->cancel();
    }

    // Under first a redirect is not an answer the caller wants: the slower 2xx wins. Under all
    // the same 302 still counts, as before.
    void firstIsWonOnlyByA2xx_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<int>("redirectOutcome");
        QTest::newRow("first") << "first" << int(TargetOutcome::HttpError);
        QTest::newRow("all") << "all" << int(TargetOutcome::Ok);
    }
    void firstIsWonOnlyByA2xx()
    {
        QFETCH(QString, policy);
        QFETCH(int, redirectOutcome);
        const QList<Target> targets = startBackends(2);
        backend(0).setStatuses({302});
        backend(0).setResponseHeaders({{"Location", "http://elsewhere.example/"}});
        backend(1).setDelayMs(200);
        backend(1).setResponseBody("from the 2xx one");
        BroadcastOptions options = fastOptions();
        options.policy = OutcomePolicy::parse(policy, nullptr);
        options.retry.maxRetries = 0;
        Broadcaster broadcaster(newTransport());
        Broadcast *broadcast = broadcaster.start({}, targets, options);
        broadcast->setAutoDelete(false);
        QSignalSpy decided(broadcast, &Broadcast::decided);
        QVERIFY(decided.wait(5000));
        QCOMPARE(broadcast->decidingIndex(), policy == QLatin1String("first") ? 1 : 0);
        QSignalSpy finished(broadcast, &Broadcast::finished);
        if (!broadcast->isFinished())
            QVERIFY(finished.wait(5000));
        QCOMPARE(broadcast->result(0).status, 302);
        QCOMPARE(int(broadcast->result(0).outcome), redirectOutcome);
        QCOMPARE(broadcast->result(1).responseBody, QByteArray("from the 2xx one"));
        QVERIFY(broadcast->summary().policyMet);
        delete broadcast;
    }

    void emptyTargetSetIsNeverASuccess()
    {
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, {}, fastOptions());
        QCOMPARE(result.finishedSignals, 1);
        QVERIFY(!result.summary.policyMet);
        QCOMPARE(result.summary.reason, QStringLiteral("no targets"));
    }

    void cancelStopsEverythingInFlight()
    {
        const QList<Target> targets = startBackends(2);
        backend(0).setBehaviour(TestBackend::Behaviour::Stall);
        backend(1).setBehaviour(TestBackend::Behaviour::Stall);
        Broadcaster broadcaster(newTransport());
        Broadcast *broadcast = broadcaster.start({}, targets, fastOptions());
        broadcast->setAutoDelete(false);
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QTRY_COMPARE(backend(0).requestCount() + backend(1).requestCount(), 2);
        broadcast->cancel();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(broadcast->result(0).outcome, TargetOutcome::Cancelled);
        QCOMPARE(broadcast->result(1).outcome, TargetOutcome::Cancelled);
        broadcast->cancel();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(broadcaster.limiter().inFlight(), 0);
        delete broadcast;
    }

    void deadlineEndsTheBroadcast()
    {
        const QList<Target> targets = startBackends(2);
        backend(0).setBehaviour(TestBackend::Behaviour::Stall);
        BroadcastOptions options = fastOptions();
        options.attemptTimeoutMs = 10000;
        options.deadlineMs = 400;
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, targets, options);
        QCOMPARE(result.results.at(0).outcome, TargetOutcome::Timeout);
        QVERIFY(result.results.at(0).error.contains(QLatin1String("deadline")));
        QCOMPARE(result.results.at(1).outcome, TargetOutcome::Ok);
        QVERIFY(result.summary.durationMs < 5000);
    }

    void perTargetConcurrencyIsLimited()
    {
        const QList<Target> targets = startBackends(1);
        backend(0).setBehaviour(TestBackend::Behaviour::Stall);
        Broadcaster broadcaster(newTransport());
        broadcaster.limiter().perKeyLimit = 2;
        QList<Broadcast *> broadcasts;
        for (int i = 0; i < 5; ++i)
            broadcasts.append(broadcaster.start({}, targets, fastOptions()));
        QTRY_COMPARE(backend(0).requestCount(), 2);
        QCOMPARE(broadcaster.limiter().waiting(), 3);
        for (Broadcast *broadcast : broadcasts)
            broadcast->cancel();
        QCOMPARE(broadcaster.limiter().waiting(), 0);
        QCOMPARE(broadcaster.limiter().inFlight(), 0);
    }

    void responseBodyIsBounded()
    {
        const QList<Target> targets = startBackends(1);
        backend(0).setResponseBody(QByteArray(100000, 'x'));
        BroadcastOptions options = fastOptions();
        options.bodyLimit = 1000;
        Broadcaster broadcaster(newTransport());
        const Run result = run(broadcaster, {}, targets, options);
        QCOMPARE(result.results.first().responseBody.size(), 1000);
        QCOMPARE(result.results.first().responseBytes, 100000);
    }

    void httpsTargets()
    {
        herald::test::TestCertificate certificate;
        QString error;
        QVERIFY2(certificate.create(&error), qPrintable(error));
        TestBackend secure;
        QVERIFY(secure.listenTls(certificate.certificateFile(), certificate.keyFile()));
        const QList<Target> targets = {Target::parse(secure.url(), nullptr)};
        QVERIFY(secure.url().startsWith(QLatin1String("https://")));
        BroadcastRequest request;
        request.method = "PURGE";
        request.pathAndQuery = "/secure?x=1";
        BroadcastOptions options = fastOptions();
        options.retry.maxRetries = 0;

        Broadcaster verifying(newTransport()); // a self-signed certificate is refused by default
        const Run refused = run(verifying, request, targets, options);
        QCOMPARE(refused.results.first().outcome, TargetOutcome::Error);
        QVERIFY(!refused.results.first().error.isEmpty());
        QCOMPARE(secure.requestCount(), 0);

        Broadcaster insecure(newTransport(false));
        const Run accepted = run(insecure, request, targets, options);
        QCOMPARE(accepted.results.first().outcome, TargetOutcome::Ok);
        QCOMPARE(secure.requestCount(), 1);
        QCOMPARE(secure.requests().first().target, QByteArray("/secure?x=1"));
        QCOMPARE(secure.requests().first().method, QByteArray("PURGE"));
    }

    void backendClosingKeepAliveBetweenRequests()
    {
        const QList<Target> targets = startBackends(1);
        backend(0).setBehaviour(TestBackend::Behaviour::CloseAfterAnswer);
        Broadcaster broadcaster(newTransport());
        for (int i = 0; i < 3; ++i)
            QVERIFY(run(broadcaster, {}, targets, fastOptions()).summary.policyMet);
        QCOMPARE(backend(0).requestCount(), 3);
        QCOMPARE(backend(0).connectionCount(), 3); // a fresh connection each time, no failed attempt
    }

    // More backends than one curl multi handle serves (CurlTransport::kHostsPerMulti): every
    // one is reached, twice, over one kept-alive connection each.
    void manyBackendsEachKeepTheirConnection()
    {
        const int count = 300;
        const QList<Target> targets = startBackends(count);
        Transport *transport = newTransport();
        Broadcaster broadcaster(transport);
        BroadcastOptions options = fastOptions();
        // What is measured is connection reuse, not speed: 300 backends served by this test's own
        // event loop can be slow on a loaded machine (an ASan build beside another suite), and a
        // timed-out attempt retried would add a request. So no retry, and time enough.
        options.retry.maxRetries = 0;
        options.attemptTimeoutMs = 30000;
        options.deadlineMs = 60000;
        for (int round = 0; round < 2; ++round) {
            const Run result = run(broadcaster, {}, targets, options);
            QStringList failures;
            for (int i = 0; i < result.results.size(); ++i) {
                if (result.results.at(i).outcome != TargetOutcome::Ok)
                    failures.append(QStringLiteral("%1: %2").arg(i).arg(result.results.at(i).error));
            }
            QVERIFY2(failures.isEmpty(), qPrintable(QStringLiteral("round %1: ").arg(round) + failures.join(QLatin1String("; "))));
            QCOMPARE(result.summary.succeeded, count);
        }
        for (int i = 0; i < count; ++i) {
            QVERIFY2(backend(i).requestCount() == 2, qPrintable(QStringLiteral("backend %1: %2 requests over %3 connections")
                                                                    .arg(i)
                                                                    .arg(backend(i).requestCount())
                                                                    .arg(backend(i).connectionCount())));
            QCOMPARE(backend(i).connectionCount(), 1);
        }
        if (auto *curl = qobject_cast<CurlTransport *>(transport)) {
            QCOMPARE(curl->multiCount(), (count + CurlTransport::kHostsPerMulti - 1) / CurlTransport::kHostsPerMulti);
            QCOMPARE(curl->activeCalls(), 0);
        }
        if (auto *routing = qobject_cast<RoutingTransport *>(transport)) {
            auto *lean = qobject_cast<LeanTransport *>(routing->lean());
            QVERIFY(lean);
            QCOMPARE(lean->activeCalls(), 0);
            QCOMPARE(lean->idleConnections(), count);
        }
    }

    void keepAliveConnectionsAreReused()
    {
        const QList<Target> targets = startBackends(1);
        Broadcaster broadcaster(newTransport());
        for (int i = 0; i < 5; ++i)
            QVERIFY(run(broadcaster, {}, targets, fastOptions()).summary.policyMet);
        QCOMPARE(backend(0).requestCount(), 5);
        QCOMPARE(backend(0).connectionCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBroadcaster)
#include "tst_broadcaster.moc"
