// The GUI's models checked by QAbstractItemModelTester while real broadcasts change them.
#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "historymodel.h"
#include "profilelistmodel.h"
#include "requestsummary.h"
#include "store/profilestore.h"
#include "targetstatusmodel.h"
#include "targettablemodel.h"
#include "testbackend.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::TestBackend;

class TestGuiModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void targetTableFollowsABroadcastInBatches()
    {
        std::vector<std::unique_ptr<TestBackend>> backends;
        QList<Target> targets;
        for (int i = 0; i < 20; ++i) {
            backends.push_back(std::make_unique<TestBackend>());
            QVERIFY(backends.back()->listen());
            if (i % 5 == 0)
                backends.back()->setStatuses({500});
            targets.append(Target::parse(backends.back()->url(), nullptr));
        }
        TargetTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Broadcaster broadcaster;
        BroadcastOptions options;
        options.retry.maxRetries = 0;
        Broadcast *broadcast = broadcaster.start({}, targets, options);
        model.setBroadcast(broadcast);
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(model.index(0, TargetTableModel::StateColumn).data().toString(), QStringLiteral("pending"));
        QSignalSpy changed(&model, &TargetTableModel::dataChanged);
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QVERIFY(finished.wait(10000));
        QTRY_COMPARE(model.index(19, TargetTableModel::StateColumn).data().toString(), QStringLiteral("ok"));
        // 20 targets, each changing state at least twice, arrive in far fewer, merged signals.
        QVERIFY(changed.count() >= 1);
        QVERIFY(changed.count() < 20);
        QCOMPARE(model.index(0, TargetTableModel::StateColumn).data().toString(), QStringLiteral("failed: http-error"));
        QCOMPARE(model.index(0, TargetTableModel::CodeColumn).data().toInt(), 500);
        QCOMPARE(model.index(1, TargetTableModel::CodeColumn).data().toInt(), 200);
        QVERIFY(!model.index(1, TargetTableModel::StateColumn).data(Qt::DecorationRole).isNull());
        // Rows stay after the broadcast object is gone.
        QTRY_VERIFY(broadcaster.findChildren<Broadcast *>().isEmpty());
        QCOMPARE(model.rowCount(), 20);
    }

    void historyModel()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        HistoryEntry entry;
        entry.id = 1;
        entry.startedAt = QDateTime::currentDateTimeUtc();
        entry.request.method = "BAN";
        entry.request.pathAndQuery = "/x";
        entry.summary.total = 3;
        entry.summary.succeeded = 2;
        model.setEntries({entry, entry});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, HistoryModel::MethodColumn).data().toString(), QStringLiteral("BAN"));
        QCOMPARE(model.index(0, HistoryModel::TargetsColumn).data().toString(), QStringLiteral("2/3 ok"));
        QCOMPARE(model.index(0, HistoryModel::OutcomeColumn).data().toString(), QStringLiteral("not met"));
        model.setEntries({});
        QCOMPARE(model.rowCount(), 0);
    }

    void targetStatusModel()
    {
        Broadcaster broadcaster;
        TargetStatusModel model(&broadcaster);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<Target> targets = Target::parseList(QStringLiteral("http://a:1 http://b:2"), nullptr);
        model.setTargets(targets);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, TargetStatusModel::LastStatusColumn).data().toString(), QStringLiteral("not contacted yet"));
        TargetResult result;
        result.target = targets.at(1);
        result.state = TargetState::Done;
        result.outcome = TargetOutcome::Ok;
        result.status = 204;
        model.remember({result});
        QCOMPARE(model.index(1, TargetStatusModel::LastStatusColumn).data().toString(), QStringLiteral("204 (ok)"));
        QCOMPARE(model.index(1, TargetStatusModel::CircuitColumn).data().toString(), QStringLiteral("closed"));
    }

    // The history list shows the request headers and the body's size, so two BANs differ.
    void historyModelShowsHeadersAndBodySize()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        HistoryEntry entry;
        entry.id = 1;
        entry.request.method = "BAN";
        entry.request.pathAndQuery = "/";
        entry.request.headers = {{"Host", "shop.example.com"}, {"X-Ban-Url", "^/product/"}};
        entry.request.body = "12345";
        model.setEntries({entry});
        QString shown;
        for (int column = 0; column < model.columnCount(); ++column)
            shown += model.index(0, column).data().toString() + QLatin1Char('|');
        QVERIFY2(shown.contains(QLatin1String("X-Ban-Url: ^/product/")), qPrintable(shown));
        QVERIFY2(shown.contains(QLatin1String("5 bytes")), qPrintable(shown));
    }

    // The history's body column tells bodies apart: text by its first characters, binary by the
    // start of its SHA-256, each with its size and content type.
    void requestSummaryTellsBodiesApart_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("summary");
        QTest::newRow("none") << QByteArray() << QByteArray() << QString();
        QTest::newRow("json") << QByteArray("application/json") << QByteArray("{\"id\": 42}")
                              << QStringLiteral("10 bytes, application/json: \"{\"id\": 42}\"");
        QTest::newRow("lines folded") << QByteArray("text/plain") << QByteArray("a\n  b\tc\n")
                                      << QStringLiteral("8 bytes, text/plain: \"a b c\"");
        QTest::newRow("long text cut")
            << QByteArray() << QByteArray(50, 'x')
            << QStringLiteral("50 bytes, no content type: \"%1\u2026\"").arg(QString(40, QLatin1Char('x')));
        QTest::newRow("binary hashed") << QByteArray("application/octet-stream") << QByteArray("\x00\x01\xff", 3)
                                       << QStringLiteral("3 bytes, application/octet-stream, sha256 26a66b061e8f");
        QTest::newRow("one byte") << QByteArray() << QByteArray("1") << QStringLiteral("1 byte, no content type: \"1\"");
    }
    void requestSummaryTellsBodiesApart()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QString, summary);
        BroadcastRequest request;
        request.method = "POST";
        request.pathAndQuery = "/hook";
        if (!contentType.isEmpty())
            request.headers = {{"Content-Type", contentType}};
        request.body = body;
        QCOMPARE(RequestSummary::body(request), summary);
        QVERIFY(RequestSummary::text(request).startsWith(QLatin1String("POST /hook\n")));
        QVERIFY(RequestSummary::text(request).endsWith(summary.isEmpty() ? QStringLiteral("no body") : summary));
    }

    // An open circuit says when its next probe goes, and Reset closes it.
    void targetStatusShowsTheNextProbeAndResets()
    {
        Broadcaster broadcaster;
        broadcaster.circuitBreaker().failureThreshold = 1;
        broadcaster.circuitBreaker().cooldownMs = 30000;
        TargetStatusModel model(&broadcaster);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<Target> targets = Target::parseList(QStringLiteral("http://a:1 http://b:2"), nullptr);
        model.setTargets(targets);
        broadcaster.circuitBreaker().recordFailure(targets.at(0).key(), broadcaster.nowMs());
        const QString open = model.index(0, TargetStatusModel::CircuitColumn).data().toString();
        QVERIFY2(open.contains(QRegularExpression(QStringLiteral("probe in (29|30) s"))), qPrintable(open));
        QSignalSpy changed(&model, &TargetStatusModel::dataChanged);
        model.resetCircuit(0);
        QCOMPARE(model.index(0, TargetStatusModel::CircuitColumn).data().toString(), QStringLiteral("closed"));
        QVERIFY(changed.count() >= 1);
        QVERIFY(broadcaster.circuitBreaker().allow(targets.at(0).key(), broadcaster.nowMs()));
    }

    // A row that never got an answer shows no latency rather than "0 ms".
    void noLatencyForRowsWithoutAnAnswer_data()
    {
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("latency");
        QTest::newRow("cancelled") << int(TargetOutcome::Cancelled) << QString();
        QTest::newRow("circuit open") << int(TargetOutcome::CircuitOpen) << QString();
        QTest::newRow("ok") << int(TargetOutcome::Ok) << QStringLiteral("12 ms");
    }
    void noLatencyForRowsWithoutAnAnswer()
    {
        QFETCH(int, outcome);
        QFETCH(QString, latency);
        TargetResult result;
        result.target = Target::parse(QStringLiteral("http://a:1"), nullptr);
        result.state = TargetState::Done;
        result.outcome = TargetOutcome(outcome);
        result.latencyMs = outcome == int(TargetOutcome::Ok) ? 12 : 0;
        AttemptRecord attempt;
        attempt.number = 1;
        result.attempts.append(attempt);
        TargetTableModel model;
        model.setResults({result});
        QCOMPARE(model.index(0, TargetTableModel::LatencyColumn).data().toString(), latency);
    }

    // 1,000 targets: the table's updates arrive merged, and what a view reads on each is cheap.
    // The numbers printed here are the ones quoted in docs/gui.md.
    void thousandTargetsStayCheap()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        QList<Target> targets;
        for (int i = 0; i < 1000; ++i)
            targets.append(Target::parse(QStringLiteral("%1/t%2").arg(backend.url()).arg(i), nullptr));
        TargetTableModel model;
        Broadcaster broadcaster;
        BroadcastOptions options;
        options.retry.maxRetries = 0;
        Broadcast *broadcast = broadcaster.start({}, targets, options);
        int updates = 0;
        connect(broadcast, &Broadcast::targetUpdated, this, [&updates] { ++updates; });
        model.setBroadcast(broadcast);
        qint64 modelNs = 0;
        int signalCount = 0;
        int rows = 0;
        // A view repaints the changed cells: read each of them, as it would, and time it with the flush.
        connect(&model, &TargetTableModel::dataChanged, this, [&](const QModelIndex &from, const QModelIndex &to) {
            QElapsedTimer read;
            read.start();
            for (int row = from.row(); row <= to.row(); ++row) {
                for (int column = 0; column < TargetTableModel::ColumnCount; ++column) {
                    model.index(row, column).data(Qt::DisplayRole);
                    model.index(row, column).data(Qt::DecorationRole);
                }
            }
            modelNs += read.nsecsElapsed();
            ++signalCount;
            rows += to.row() - from.row() + 1;
        });
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QElapsedTimer wall;
        wall.start();
        QVERIFY(finished.wait(60000));
        const qint64 wallMs = wall.elapsed();
        QTRY_COMPARE(model.index(999, TargetTableModel::StateColumn).data().toString(), QStringLiteral("ok"));
        qInfo("1000 targets: %d target updates -> %d dataChanged signals (%d rows), %.1f ms reading changed cells, "
              "%.3f ms per signal, broadcast %lld ms",
              updates, signalCount, rows, modelNs / 1e6, signalCount ? modelNs / 1e6 / signalCount : 0.0, wallMs);
        QVERIFY(updates >= 2000);
        QVERIFY2(signalCount < updates / 10, qPrintable(QString::number(signalCount)));
    }

    void profileListModel()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.path());
        ProfileListModel model(&store);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        Profile profile;
        profile.name = QStringLiteral("b-profile");
        QVERIFY(store.save(profile, nullptr));
        profile.name = QStringLiteral("a-profile");
        QVERIFY(store.save(profile, nullptr));
        model.reload();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("a-profile"));
        QCOMPARE(model.rowOf(QStringLiteral("b-profile")), 1);
    }
};

QTEST_MAIN(TestGuiModels)
#include "tst_guimodels.moc"
