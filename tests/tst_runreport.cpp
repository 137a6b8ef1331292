// RunReport: a run's per-target results as CSV (RFC 4180 quoting) and JSON, with comparison groups.
#include "broadcast/runreport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

namespace {

TargetResult done(const QString &url, TargetOutcome outcome, int status, const QString &error = {})
{
    TargetResult result;
    result.target = Target::parse(url, nullptr);
    result.state = TargetState::Done;
    result.outcome = outcome;
    result.status = status;
    result.latencyMs = 12;
    result.error = error;
    result.attempts = {AttemptRecord{1, 0, 5, status, error}, AttemptRecord{2, 7, 12, status, error}};
    result.responseBody = status == 200 ? "ok\n" : "";
    result.responseBytes = result.responseBody.size();
    return result;
}

struct Fixture
{
    QList<TargetResult> results;
    BroadcastSummary summary;
    ResponseComparison comparison;

    Fixture()
    {
        results = {done(QStringLiteral("http://127.0.0.1:8081"), TargetOutcome::Ok, 200),
                   done(QStringLiteral("http://127.0.0.1:8082"), TargetOutcome::HttpError, 503,
                        QStringLiteral("HTTP 503 \"busy\", try\nlater")),
                   done(QStringLiteral("http://127.0.0.1:8083"), TargetOutcome::Timeout, 0, QStringLiteral("timed out"))};
        TargetResult pending;
        pending.target = Target::parse(QStringLiteral("http://127.0.0.1:8084"), nullptr);
        results.append(pending);
        summary.total = 4;
        summary.succeeded = 1;
        summary.failed = 2;
        summary.pending = 1;
        comparison = ResponseComparison::compare(results, {});
    }
};

} // namespace

class TestRunReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csv()
    {
        const Fixture f;
        const RunReport report(f.summary, f.results, f.comparison);
        QCOMPARE(report.toCsv(), QByteArray("target,outcome,status,latency_ms,attempts,error,group\r\n"
                                            "http://127.0.0.1:8081,ok,200,12,2,,0\r\n"
                                            "http://127.0.0.1:8082,http-error,503,12,2,\"HTTP 503 \"\"busy\"\", try\nlater\",1\r\n"
                                            "http://127.0.0.1:8083,timeout,,12,2,timed out,2\r\n"
                                            "http://127.0.0.1:8084,pending,,0,0,,\r\n"));
    }

    void json()
    {
        const Fixture f;
        const RunReport report(f.summary, f.results, f.comparison);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(report.toJson(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json.value(QLatin1String("disagree")).toBool(), true);
        QCOMPARE(json.value(QLatin1String("groups")).toArray().size(), 3);
        const QJsonArray targets = json.value(QLatin1String("targets")).toArray();
        QCOMPARE(targets.size(), 4);
        const QList<int> groups = {0, 1, 2, -1};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(targets.at(i).toObject().value(QLatin1String("group")).toInt(), groups.at(i));
        QCOMPARE(targets.at(1).toObject().value(QLatin1String("error")).toString(), f.results.at(1).error);
        QCOMPARE(json.value(QLatin1String("summary")).toObject().value(QLatin1String("failed")).toInt(), 2);
    }

    void writeChoosesTheFormatByName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("starts");
        QTest::newRow("csv") << "run.csv" << true << QByteArray("target,outcome,");
        QTest::newRow("CSV") << "RUN.CSV" << true << QByteArray("target,outcome,");
        QTest::newRow("json") << "run.json" << true << QByteArray("{");
        QTest::newRow("txt") << "run.txt" << false << QByteArray();
        QTest::newRow("missing folder") << "no/such/folder/run.csv" << false << QByteArray();
    }
    void writeChoosesTheFormatByName()
    {
        QFETCH(QString, name);
        QFETCH(bool, ok);
        QFETCH(QByteArray, starts);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        const Fixture f;
        QString error;
        QCOMPARE(RunReport(f.summary, f.results, f.comparison).write(path, &error), ok);
        QCOMPARE(error.isEmpty(), ok);
        if (!ok) {
            QVERIFY2(error.startsWith(QStringLiteral("report %1: ").arg(path)), qPrintable(error));
            QVERIFY(!QFile::exists(path));
            return;
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().startsWith(starts));
    }
};

QTEST_GUILESS_MAIN(TestRunReport)
#include "tst_runreport.moc"
