// The SQLite history: what is recorded comes back, filters, retention, and damaged files.
#include "store/historystore.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

class TestHistoryStore : public QObject
{
    Q_OBJECT

    static HistoryEntry makeEntry(const QByteArray &method, const QByteArray &path, bool met, qint64 ageMs = 0)
    {
        HistoryEntry entry;
        entry.startedAt = QDateTime::currentDateTimeUtc().addMSecs(-ageMs);
        entry.origin = QStringLiteral("send");
        entry.request.method = method;
        entry.request.pathAndQuery = path;
        entry.request.headers = {{"Host", "shop.example.com"}};
        entry.request.body = QByteArray("\x00\x01body", 6);
        entry.summary.total = 2;
        entry.summary.succeeded = met ? 2 : 1;
        entry.summary.failed = met ? 0 : 1;
        entry.summary.policyMet = met;
        entry.summary.durationMs = 42;
        for (int i = 0; i < 2; ++i) {
            TargetResult result;
            result.target = Target::parse(QStringLiteral("http://10.0.0.%1:6081").arg(i + 1), nullptr);
            result.outcome = (met || i == 0) ? TargetOutcome::Ok : TargetOutcome::Timeout;
            result.status = (met || i == 0) ? 200 : 0;
            result.latencyMs = 7 + i;
            result.attempts = {AttemptRecord{1, 0, 7, 200, {}}, AttemptRecord{2, 10, 7, 200, {}}};
            result.error = result.outcome == TargetOutcome::Timeout ? QStringLiteral("no answer") : QString();
            entry.results.append(result);
        }
        return entry;
    }

private Q_SLOTS:
    void recordsAndReadsBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        qint64 id = 0;
        {
            HistoryStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            id = store.record(makeEntry("PURGE", "/product/42?x=1", false), &error);
            QVERIFY2(id > 0, qPrintable(error));
        }
        HistoryStore reopened(path); // survives a restart
        QString error;
        QVERIFY(reopened.open(&error));
        const HistoryEntry entry = reopened.entry(id, &error);
        QCOMPARE(entry.id, id);
        QCOMPARE(entry.request.method, QByteArray("PURGE"));
        QCOMPARE(entry.request.pathAndQuery, QByteArray("/product/42?x=1"));
        QCOMPARE(entry.request.body, QByteArray("\x00\x01body", 6));
        QCOMPARE(headerValue(entry.request.headers, "Host"), QByteArray("shop.example.com"));
        QCOMPARE(entry.summary.failed, 1);
        QCOMPARE(entry.outcomeText(), QStringLiteral("not met"));
        QCOMPARE(entry.results.size(), 2);
        QCOMPARE(entry.results.at(1).outcome, TargetOutcome::Timeout);
        QCOMPARE(entry.results.at(1).error, QStringLiteral("no answer"));
        QCOMPARE(entry.results.at(0).attempts.size(), 2);
        QCOMPARE(entry.results.at(0).target.key(), QStringLiteral("http://10.0.0.1:6081"));
    }

    void listsNewestFirstWithFilters()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")));
        QVERIFY(store.open(nullptr));
        store.record(makeEntry("PURGE", "/a", true, 3000), nullptr);
        store.record(makeEntry("BAN", "/b_%", false, 2000), nullptr);
        store.record(makeEntry("PURGE", "/c", true, 1000), nullptr);
        const QList<HistoryEntry> all = store.list();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all.first().request.pathAndQuery, QByteArray("/c"));
        QCOMPARE(all.last().request.pathAndQuery, QByteArray("/a"));
        QCOMPARE(store.list(QStringLiteral("BAN")).size(), 1);
        QCOMPARE(store.list(QStringLiteral("_%")).size(), 1); // wildcards are matched literally
        QCOMPARE(store.list({}, QStringLiteral("met")).size(), 2);
        QCOMPARE(store.list({}, QStringLiteral("not met")).size(), 1);
        QCOMPARE(store.list({}, {}, 2).size(), 2);
    }

    void retentionByCountAndAge()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")));
        QVERIFY(store.open(nullptr));
        for (int i = 0; i < 5; ++i)
            store.record(makeEntry("PURGE", "/" + QByteArray::number(i), true, (5 - i) * 1000), nullptr);
        store.record(makeEntry("PURGE", "/old", true, 10LL * 24 * 3600 * 1000), nullptr);
        QCOMPARE(store.applyRetention(0, 7), 1);
        QCOMPARE(store.count(), 5);
        QCOMPARE(store.applyRetention(3, 0), 2);
        QCOMPARE(store.count(), 3);
        QCOMPARE(store.list().last().request.pathAndQuery, QByteArray("/2"));
    }

    void corruptFileIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'Z'));
        file.close();
        HistoryStore store(path);
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY(!store.isOpen());
        QCOMPARE(store.record(makeEntry("PURGE", "/", true), &error), 0);
    }

    // Another file's broadcasts come in with their per-target results, newest first among this
    // file's own; merging the same file again adds nothing.
    void mergeAddsTheOtherFilesBroadcastsOnce()
    {
        QTemporaryDir dir;
        const QString otherPath = dir.filePath(QStringLiteral("other.sqlite"));
        {
            HistoryStore other(otherPath);
            QVERIFY(other.open(nullptr));
            QVERIFY(other.record(makeEntry("BAN", "/other-new", false, 1000), nullptr) > 0);
            QVERIFY(other.record(makeEntry("BAN", "/other-old", true, 90000), nullptr) > 0);
        }
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")));
        QVERIFY(store.open(nullptr));
        QVERIFY(store.record(makeEntry("PURGE", "/mine", true, 30000), nullptr) > 0);
        QString error;
        QCOMPARE(store.merge(otherPath, &error), 2);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QList<HistoryEntry> entries = store.list();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries.at(0).request.pathAndQuery, QByteArray("/other-new"));
        QCOMPARE(entries.at(1).request.pathAndQuery, QByteArray("/mine"));
        QCOMPARE(entries.at(2).request.pathAndQuery, QByteArray("/other-old"));
        const HistoryEntry merged = store.entry(entries.at(0).id);
        QCOMPARE(merged.results.size(), 2);
        QCOMPARE(merged.results.at(1).outcome, TargetOutcome::Timeout);
        QCOMPARE(merged.results.at(1).error, QStringLiteral("no answer"));
        QCOMPARE(store.entry(entries.at(1).id).results.size(), 2);

        QCOMPARE(store.merge(otherPath, &error), 0);
        QCOMPARE(store.count(), 3);
        // A missing file is an error naming it, not a new empty database.
        const QString missing = dir.filePath(QStringLiteral("missing.sqlite"));
        QCOMPARE(store.merge(missing, &error), -1);
        QVERIFY2(error.contains(missing), qPrintable(error));
        QVERIFY(!QFileInfo::exists(missing));
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
