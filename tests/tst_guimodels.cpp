// The GUI's models checked by QAbstractItemModelTester while real broadcasts change them.
#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "historymodel.h"
#include "profilelistmodel.h"
#include "store/profilestore.h"
#include "targetstatusmodel.h"
#include "targettablemodel.h"
#include "testbackend.h"

#include <QAbstractItemModelTester>
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
