// Metrics: counter values after real broadcasts to loopback backends, and the Prometheus text format.
#include "backendpool.h"
#include "testbackend.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "serve/metrics.h"
#include "targets/statictargetsource.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace herald;
using herald::test::BackendPool;

namespace {

const auto targets = &BackendPool::targets;

bool runBroadcast(Broadcaster &broadcaster, const QByteArray &method, const QList<Target> &to, int retries)
{
    BroadcastRequest request;
    request.method = method;
    request.pathAndQuery = "/m";
    BroadcastOptions options;
    options.retry.maxRetries = retries;
    options.retry.baseDelayMs = 1;
    Broadcast *broadcast = broadcaster.start(request, to, options);
    QSignalSpy finished(broadcast, &Broadcast::finished);
    return finished.wait(10000);
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void countersAfterBroadcasts()
    {
        const QStringList urls = m_backends.start(2);
        m_backends.at(1).setStatuses({503});
        Broadcaster broadcaster;
        broadcaster.circuitBreaker().failureThreshold = 0;
        StaticTargetSource source(targets(urls));
        Metrics metrics(&broadcaster);
        metrics.watchSource(&source);
        QVERIFY(runBroadcast(broadcaster, "PURGE", source.targets(), 1));
        QVERIFY(runBroadcast(broadcaster, "PURGE", targets({urls.at(0)}), 0));
        QVERIFY(runBroadcast(broadcaster, "X-WEIRD", targets({urls.at(0)}), 0));
        metrics.countRejected(QStringLiteral("loop"));
        metrics.countRejected(QStringLiteral("loop"));
        metrics.countAsyncDropped();
        QSignalSpy refreshed(&source, &TargetSource::refreshed);
        source.refresh();
        QVERIFY(refreshed.wait(5000));

        const QByteArray text = metrics.render();
        const QByteArray first = urls.at(0).toUtf8();
        const QByteArray second = urls.at(1).toUtf8();
        QVERIFY(text.contains("herald_broadcasts_total{method=\"PURGE\",outcome=\"not_met\"} 1\n"));
        QVERIFY(text.contains("herald_broadcasts_total{method=\"PURGE\",outcome=\"met\"} 1\n"));
        QVERIFY(text.contains("herald_broadcasts_total{method=\"other\",outcome=\"met\"} 1\n")); // bounded labels
        QVERIFY(text.contains("herald_target_requests_total{target=\"" + first + "\",code=\"200\"} 3\n"));
        QVERIFY(text.contains("herald_target_requests_total{target=\"" + second + "\",code=\"503\"} 1\n"));
        QVERIFY(text.contains("herald_retries_total 1\n"));
        QVERIFY(text.contains("herald_rejected_total{reason=\"loop\"} 2\n"));
        QVERIFY(text.contains("herald_rejected_total{reason=\"async_queue_full\"} 1\n"));
        QVERIFY(text.contains("herald_circuit_state{target=\"" + second + "\"} 0\n"));
        QVERIFY(text.contains("herald_inflight_broadcasts 0\n"));
        QVERIFY(text.contains("herald_dns_refreshes_total 1\n"));
        QVERIFY(text.contains("herald_dns_errors_total 0\n"));
        QVERIFY(text.contains("herald_broadcast_duration_seconds_count 3\n"));
        QVERIFY(text.contains("herald_attempt_latency_seconds_count 5\n")); // 2 + 1 (the retry), then 1 and 1
        QVERIFY(!text.contains("herald_relay_"));                           // no publisher, no relay series
    }

    void textFormatIsPrometheus()
    {
        const QStringList urls = m_backends.start(1);
        Broadcaster broadcaster;
        Metrics metrics(&broadcaster);
        QVERIFY(runBroadcast(broadcaster, "BAN", targets(urls), 0));
        metrics.countRejected(QStringLiteral("odd \"reason\"\\\n"));
        const QByteArray text = metrics.render();
        QVERIFY(text.endsWith('\n'));
        // Every line is a comment (# HELP / # TYPE) or `name{labels} value`.
        const QRegularExpression sample(QStringLiteral(R"(^[a-z_]+(\{([a-z]+="([^"\\]|\\["\\n])*",?)+\})? [0-9.e+-]+$)"));
        QSet<QByteArray> typed;
        for (const QByteArray &line : text.split('\n')) {
            if (line.isEmpty())
                continue;
            if (line.startsWith("# TYPE ")) {
                typed.insert(line.split(' ').at(2));
                continue;
            }
            if (line.startsWith("# HELP "))
                continue;
            QVERIFY2(sample.match(QString::fromUtf8(line)).hasMatch(), line.constData());
            QByteArray name = line.left(line.indexOf(line.contains('{') ? '{' : ' '));
            for (const char *suffix : {"_bucket", "_sum", "_count"}) {
                if (!typed.contains(name) && name.endsWith(suffix))
                    name.chop(static_cast<int>(qstrlen(suffix)));
            }
            QVERIFY2(typed.contains(name), name.constData()); // each sample after its # TYPE
        }
        QVERIFY(text.contains("herald_rejected_total{reason=\"odd \\\"reason\\\"\\\\\\n\"} 1\n"));
        // Histogram buckets are cumulative and end at +Inf = count.
        QVERIFY(text.contains("herald_broadcast_duration_seconds_bucket{le=\"+Inf\"} 1\n"));
        QVERIFY(text.contains("herald_broadcast_duration_seconds_bucket{le=\"10\"} 1\n"));
    }

    // HERALD_WORKERS: each event loop counts alone; a scrape sums the snapshots.
    void snapshotsOfWorkersMerge()
    {
        const QStringList urls = m_backends.start(2);
        m_backends.at(1).setStatuses({503});
        Broadcaster main;
        Broadcaster worker;
        main.circuitBreaker().failureThreshold = 0;
        worker.circuitBreaker().failureThreshold = 1; // this worker alone has learnt that the second is failing
        Metrics mainMetrics(&main);
        Metrics workerMetrics(&worker);
        mainMetrics.setWorker(0);
        workerMetrics.setWorker(1);
        QVERIFY(runBroadcast(main, "PURGE", targets(urls), 0));
        QVERIFY(runBroadcast(worker, "PURGE", targets(urls), 0));
        QVERIFY(runBroadcast(worker, "PURGE", targets({urls.at(0)}), 0));
        mainMetrics.countRejected(QStringLiteral("loop"));
        workerMetrics.countRejected(QStringLiteral("loop"));

        MetricsSnapshot sum = mainMetrics.snapshot();
        sum.merge(workerMetrics.snapshot());
        sum.missingWorkers.append(2);
        const QByteArray text = sum.render();
        const QByteArray first = urls.at(0).toUtf8();
        const QByteArray second = urls.at(1).toUtf8();
        QVERIFY(text.contains("herald_broadcasts_total{method=\"PURGE\",outcome=\"not_met\"} 2\n"));
        QVERIFY(text.contains("herald_broadcasts_total{method=\"PURGE\",outcome=\"met\"} 1\n"));
        QVERIFY(text.contains("herald_worker_broadcasts_total{worker=\"0\"} 1\n"));
        QVERIFY(text.contains("herald_worker_broadcasts_total{worker=\"1\"} 2\n"));
        QVERIFY(text.contains("herald_target_requests_total{target=\"" + first + "\",code=\"200\"} 3\n"));
        QVERIFY(text.contains("herald_target_requests_total{target=\"" + second + "\",code=\"503\"} 2\n"));
        QVERIFY(text.contains("herald_rejected_total{reason=\"loop\"} 2\n"));
        QVERIFY(text.contains("herald_circuit_state{target=\"" + second + "\"} 1\n")); // open on one worker: open
        QVERIFY(text.contains("herald_circuit_state{target=\"" + first + "\"} 0\n"));
        QVERIFY(text.contains("herald_broadcast_duration_seconds_count 3\n"));
        QVERIFY(text.contains("herald_attempt_latency_seconds_count 5\n"));
        QVERIFY(text.contains("herald_attempt_latency_seconds_bucket{le=\"+Inf\"} 5\n"));
        QVERIFY(text.startsWith("# worker 2 did not answer within 1 s"));
        // One event loop alone (HERALD_WORKERS=1) has no per-worker series.
        Metrics alone(&main);
        QVERIFY(!alone.render().contains("herald_worker_broadcasts_total"));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
