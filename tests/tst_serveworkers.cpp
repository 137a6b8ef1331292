// HERALD_WORKERS: `herald serve` with several event loops on one port (SO_REUSEPORT), black-box:
// broadcasts counted at loopback backends, metrics summed, the main thread's answers the same
// through any connection, reload and drain with broadcasts in flight, bad values refused.
#include "backendpool.h"
#include "rawhttpclient.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <vector>

using herald::test::BackendPool;
using herald::test::RawHttpClient;
using herald::test::RawHttpResponse;
using herald::test::ServeProcess;

namespace {

const QByteArray adminToken = "workers-admin-token-0123456789";

QProcessEnvironment env(std::initializer_list<std::pair<const char *, QString>> values)
{
    QProcessEnvironment environment;
    for (const auto &value : values)
        environment.insert(QString::fromLatin1(value.first), value.second);
    return environment;
}

QByteArray requestBytes(const QByteArray &method, const QByteArray &target, const QByteArray &extraHeaders = {})
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: workers.test\r\n" + extraHeaders + "Connection: close\r\n\r\n";
}

// One request on a connection of its own, so the kernel picks a worker for each.
RawHttpResponse exchange(quint16 port, const QByteArray &request)
{
    RawHttpClient client;
    QSignalSpy received(&client, &RawHttpClient::responseReceived);
    client.connectToPort(port);
    client.send(request);
    if (!received.wait(15000) && client.responses().isEmpty())
        return {};
    return client.responses().first();
}

// The value of one sample line of a Prometheus text, -1 when absent.
qint64 sample(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toLongLong();
    }
    return -1;
}

// What a client can compare: status, body and the headers, without Date (which ticks).
QByteArray comparable(const RawHttpResponse &response)
{
    QByteArray out = QByteArray::number(response.status) + '\n';
    for (const auto &header : response.headers) {
        if (header.first.compare("Date", Qt::CaseInsensitive) != 0)
            out += header.first.toLower() + ": " + header.second + '\n';
    }
    return out + response.body;
}

} // namespace

class TestServeWorkers : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

    // Every request each backend got had a distinct target, and together they are exactly `targets`.
    void verifyEachOnce(int backend, const QSet<QByteArray> &targets)
    {
        QSet<QByteArray> seen;
        for (const auto &request : m_backends.at(backend).requests()) {
            QVERIFY2(!seen.contains(request.target), request.target.constData());
            seen.insert(request.target);
        }
        QCOMPARE(seen, targets);
    }

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void broadcastsSpreadOverWorkersAndMetricsSum()
    {
        const QStringList urls = m_backends.start(2);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.join(QLatin1Char(','))},
                                 {"HERALD_WORKERS", QStringLiteral("2")},
                                 {"HERALD_METRICS_LISTEN", QStringLiteral("127.0.0.1:0")}})));
        const int count = 64;
        QSet<QByteArray> sent;
        for (int i = 0; i < count; ++i) {
            const QByteArray target = "/spread/" + QByteArray::number(i);
            sent.insert(target);
            const RawHttpResponse response = exchange(serve.port(), requestBytes("PURGE", target));
            QCOMPARE(response.status, 200);
        }
        for (int backend = 0; backend < 2; ++backend)
            verifyEachOnce(backend, sent);
        // Scraped through several connections (each lands on some worker) and on the metrics port.
        for (int scrape = 0; scrape < 8; ++scrape) {
            const bool metricsPort = scrape == 7;
            const RawHttpResponse response = exchange(metricsPort ? serve.metricsPort() : serve.port(),
                                                      requestBytes("GET", "/metrics"));
            QCOMPARE(response.status, 200);
            const QByteArray &text = response.body;
            QCOMPARE(sample(text, "herald_broadcasts_total{method=\"PURGE\",outcome=\"met\"}"), count);
            const qint64 main = sample(text, "herald_worker_broadcasts_total{worker=\"0\"}");
            const qint64 worker = sample(text, "herald_worker_broadcasts_total{worker=\"1\"}");
            QVERIFY2(main > 0 && worker > 0, text.constData()); // both event loops broadcast
            QCOMPARE(main + worker, count);
            for (const QString &url : urls)
                QCOMPARE(sample(text, "herald_target_requests_total{target=\"" + url.toUtf8() + "\",code=\"200\"}"), count);
            QCOMPARE(sample(text, "herald_attempt_latency_seconds_count"), 2 * count);
            QVERIFY(!text.contains("did not answer"));
        }
        QCOMPARE(serve.terminate(), 0);
    }

    void mainThreadAnswersAlikeThroughAnyConnection()
    {
        const QStringList urls = m_backends.start(2);
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", urls.at(0)},
                                 {"HERALD_WORKERS", QStringLiteral("2")},
                                 {"HERALD_ADMIN_TOKEN", QString::fromLatin1(adminToken)},
                                 {"HERALD_TARGETS_UPDATE_PATH", QStringLiteral("/update-backends")}})));
        const QByteArray auth = "Authorization: Bearer " + adminToken + "\r\n";
        const QList<QByteArray> asked = {requestBytes("GET", "/readyz"), requestBytes("GET", "/livez"),
                                         requestBytes("GET", "/_herald/targets"), requestBytes("GET", "/_herald/targets", auth),
                                         requestBytes("GET", "/_herald/jobs/nope", auth)};
        const QList<int> statuses = {200, 200, 401, 200, 404};
        for (int i = 0; i < asked.size(); ++i) {
            const QByteArray first = comparable(exchange(serve.port(), asked.at(i)));
            QVERIFY2(first.startsWith(QByteArray::number(statuses.at(i)) + '\n'), first.constData());
            // 16 connections: with two sockets on the port, both workers answer some of them.
            for (int round = 0; round < 16; ++round)
                QCOMPARE(comparable(exchange(serve.port(), asked.at(i))), first);
        }
        // Async broadcasts become jobs of the main thread, readable through any connection; dry runs
        // are answered there too and send nothing.
        for (int i = 0; i < 8; ++i) {
            const RawHttpResponse queued = exchange(serve.port(), requestBytes("PURGE", "/async/" + QByteArray::number(i),
                                                                               "X-Herald-Policy: async\r\n"));
            QCOMPARE(queued.status, 202);
            const QByteArray location = queued.header("Location");
            QVERIFY2(location.startsWith("/_herald/jobs/"), location.constData());
            QTRY_COMPARE_WITH_TIMEOUT(exchange(serve.port(), requestBytes("GET", location, auth)).status, 200, 10000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_backends.at(0).requestCount(), 8, 10000);
        const RawHttpResponse dryRun = exchange(serve.port(), requestBytes("PURGE", "/dry", "X-Herald-Dry-Run: 1\r\n"));
        QCOMPARE(dryRun.status, 200);
        QVERIFY2(dryRun.body.contains(urls.at(0).toUtf8()), dryRun.body.constData());
        const RawHttpResponse updated = exchange(serve.port(),
                                                 requestBytes("POST", "/update-backends?backends=" + urls.at(1).toUtf8()));
        QCOMPARE(updated.status, 200);
        QCOMPARE(m_backends.at(0).requestCount(), 8); // the update itself is never broadcast
        QSet<QByteArray> sent;
        for (int i = 0; i < 32; ++i) {
            const QByteArray target = "/after-update/" + QByteArray::number(i);
            sent.insert(target);
            QCOMPARE(exchange(serve.port(), requestBytes("PURGE", target)).status, 200);
        }
        QCOMPARE(m_backends.at(0).requestCount(), 8);
        verifyEachOnce(1, sent);
        // Those broadcasts, and so the connections above, reached both sockets on the port.
        const QByteArray metrics = exchange(serve.port(), requestBytes("GET", "/metrics")).body;
        QVERIFY2(sample(metrics, "herald_worker_broadcasts_total{worker=\"0\"}") > 0, metrics.constData());
        QVERIFY2(sample(metrics, "herald_worker_broadcasts_total{worker=\"1\"}") > 0, metrics.constData());
        // And through the admin API, likewise on every worker.
        const QByteArray body = "[\"" + urls.at(0).toUtf8() + "\"]";
        const RawHttpResponse replaced = exchange(serve.port(), "PUT /_herald/targets HTTP/1.1\r\nHost: workers.test\r\n" + auth
                                                                    + "Content-Length: " + QByteArray::number(body.size())
                                                                    + "\r\nConnection: close\r\n\r\n" + body);
        QCOMPARE(replaced.status, 200);
        for (int i = 0; i < 16; ++i)
            QCOMPARE(exchange(serve.port(), requestBytes("PURGE", "/after-admin/" + QByteArray::number(i))).status, 200);
        QCOMPARE(m_backends.at(0).requestCount(), 8 + 16);
        QCOMPARE(m_backends.at(1).requestCount(), 32);
        QCOMPARE(serve.terminate(), 0);
    }

    void reloadAndDrainWithBroadcastsInFlight()
    {
        const QStringList urls = m_backends.start(2);
        for (int backend = 0; backend < 2; ++backend)
            m_backends.at(backend).setDelayMs(700);
        QTemporaryDir directory;
        const QString configPath = directory.filePath(QStringLiteral("herald.json"));
        const auto writeConfig = [&](const QByteArray &instanceId) {
            QFile file(configPath);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write("{\"targets\": \"" + urls.join(QLatin1Char(',')).toUtf8() + "\", \"instance-id\": \"" + instanceId + "\"}");
        };
        writeConfig("before-reload");
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_WORKERS", QStringLiteral("2")}}), {QStringLiteral("--config"), configPath}));
        const int count = 24;
        std::vector<std::unique_ptr<RawHttpClient>> clients;
        for (int i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<RawHttpClient>());
            clients.back()->connectToPort(serve.port());
            clients.back()->send(requestBytes("PURGE", "/in-flight/" + QByteArray::number(i)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_backends.totalRequests(), 2 * count, 10000);
        writeConfig("after-reload");
        ::kill(static_cast<pid_t>(serve.process().processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(serve.errorOutput().contains("SIGHUP: configuration reloaded"), 10000);
        // After the reload every worker sends the new instance id in Via.
        for (int i = 0; i < 16; ++i)
            QCOMPARE(exchange(serve.port(), requestBytes("PURGE", "/reloaded/" + QByteArray::number(i))).status, 200);
        for (const auto &request : m_backends.at(0).requests()) {
            if (request.target.startsWith("/reloaded/"))
                QVERIFY2(request.header("Via").contains("after-reload"), request.header("Via").constData());
        }
        // Broadcasts in flight when SIGTERM comes are finished and answered, on every worker.
        std::vector<std::unique_ptr<RawHttpClient>> late;
        for (int i = 0; i < count; ++i) {
            late.push_back(std::make_unique<RawHttpClient>());
            late.back()->connectToPort(serve.port());
            late.back()->send(requestBytes("PURGE", "/draining/" + QByteArray::number(i)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_backends.totalRequests(), 2 * (2 * count + 16), 10000);
        QCOMPARE(serve.terminate(), 0);
        for (const auto *batch : {&clients, &late}) {
            for (const auto &client : *batch) {
                QTRY_COMPARE_WITH_TIMEOUT(client->responses().size(), 1, 5000);
                QCOMPARE(client->responses().first().status, 200);
            }
        }
        QCOMPARE(m_backends.totalRequests(), 2 * (2 * count + 16)); // nothing lost, nothing repeated
    }

    void badWorkerCounts_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("zero") << QStringLiteral("0");
        QTest::newRow("not a number") << QStringLiteral("abc");
        QTest::newRow("above 64") << QStringLiteral("65");
    }
    void badWorkerCounts()
    {
        QFETCH(QString, value);
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("HERALD_TARGETS"), QStringLiteral("http://127.0.0.1:9"));
        environment.insert(QStringLiteral("HERALD_WORKERS"), value);
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(HERALD_BINARY), {QStringLiteral("serve")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        const QByteArray error = process.readAllStandardError();
        QVERIFY2(error.contains("HERALD_WORKERS"), error.constData());
        QVERIFY2(error.contains("'" + value.toUtf8() + "'"), error.constData());
        QVERIFY2(error.contains("from 1 to 64"), error.constData());
    }
};

QTEST_GUILESS_MAIN(TestServeWorkers)
#include "tst_serveworkers.moc"
