// ResponseComparison: targets grouped by identical answer (status or outcome, body, chosen headers),
// and `herald serve` finding the one cache of a fleet that answers differently in one request.
#include "backendpool.h"
#include "serveprocess.h"
#include "testbackend.h"

#include "broadcast/broadcastjson.h"
#include "broadcast/responsecomparison.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace herald;
using herald::test::BackendPool;
using herald::test::HttpReply;
using herald::test::ServeProcess;

namespace {

// "200 body X-Cache=HIT", "timeout", "pending": one target's answer in a line ('_' is a space in a value).
TargetResult result(int index, const QString &spec)
{
    TargetResult r;
    r.target = Target::parse(QStringLiteral("http://127.0.0.1:%1").arg(9000 + index), nullptr);
    const QStringList parts = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.value(0) == QLatin1String("pending"))
        return r;
    r.state = TargetState::Done;
    bool isStatus = false;
    r.status = parts.value(0).toInt(&isStatus);
    if (!isStatus) {
        r.outcome = parts.value(0) == QLatin1String("timeout") ? TargetOutcome::Timeout : TargetOutcome::Refused;
        return r;
    }
    r.outcome = r.status < 400 ? TargetOutcome::Ok : TargetOutcome::HttpError;
    r.responseBody = parts.value(1).toUtf8();
    r.responseBytes = r.responseBody.size();
    for (qsizetype i = 2; i < parts.size(); ++i) {
        const QStringList header = parts.at(i).split(QLatin1Char('='));
        r.responseHeaders.append({header.value(0).toLatin1(), header.value(1).toLatin1().replace('_', ' ')});
    }
    return r;
}

QJsonObject json(const HttpReply &reply)
{
    return QJsonDocument::fromJson(reply.body).object();
}

} // namespace

class TestResponseComparison : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void groups_data()
    {
        QTest::addColumn<QStringList>("answers");
        QTest::addColumn<QString>("headers");
        QTest::addColumn<QList<int>>("groupOf");
        QTest::newRow("all alike") << QStringList{"200 ok", "200 ok", "200 ok"} << "" << QList<int>{0, 0, 0};
        QTest::newRow("one body differs") << QStringList{"200 ok", "200 stale", "200 ok"} << "" << QList<int>{0, 1, 0};
        QTest::newRow("same length, other body") << QStringList{"200 ok", "200 no", "200 ok"} << "" << QList<int>{0, 1, 0};
        // Each result is first held against the group the one before it joined, then looked up.
        QTest::newRow("alternating answers")
            << QStringList{"200 a", "200 b", "200 a", "200 b", "200 b", "404 a"} << "" << QList<int>{0, 1, 0, 1, 1, 2};
        QTest::newRow("status differs") << QStringList{"200 ok", "404 ok"} << "" << QList<int>{0, 1};
        QTest::newRow("header not compared") << QStringList{"200 ok X-Cache=HIT", "200 ok X-Cache=MISS"} << "" << QList<int>{0, 0};
        QTest::newRow("header compared") << QStringList{"200 ok X-Cache=MISS", "200 ok X-Cache=HIT", "200 ok X-Cache=MISS"}
                                         << "x-cache" << QList<int>{0, 1, 0};
        QTest::newRow("absent is not empty") << QStringList{"200 ok Age=", "200 ok", "200 ok Age="} << "Age" << QList<int>{0, 1, 0};
        QTest::newRow("repeats joined") << QStringList{"200 ok Age=1 Age=2", "200 ok Age=1,_2", "200 ok Age=1"} << "Age"
                                        << QList<int>{0, 0, 1};
        QTest::newRow("failures by outcome")
            << QStringList{"timeout", "200 ok", "timeout", "refused"} << "" << QList<int>{0, 1, 0, 2};
        QTest::newRow("pending left out") << QStringList{"pending", "200 ok"} << "" << QList<int>{-1, 0};
        QTest::newRow("none") << QStringList{} << "" << QList<int>{};
    }
    void groups()
    {
        QFETCH(QStringList, answers);
        QFETCH(QString, headers);
        QFETCH(QList<int>, groupOf);
        QList<TargetResult> results;
        for (qsizetype i = 0; i < answers.size(); ++i)
            results.append(result(static_cast<int>(i), answers.at(i)));
        const ResponseComparison comparison = ResponseComparison::compare(results, ResponseComparison::parseHeaderList(headers));
        QList<int> actual;
        for (qsizetype i = 0; i < results.size(); ++i)
            actual.append(comparison.groupOf(static_cast<int>(i)));
        QCOMPARE(actual, groupOf);
        const int groups = groupOf.isEmpty() ? 0 : *std::max_element(groupOf.cbegin(), groupOf.cend()) + 1;
        QCOMPARE(comparison.groups().size(), groups);
        QCOMPARE(comparison.disagree(), groups > 1);
        for (int g = 0; g < groups; ++g) {
            for (const int member : comparison.groups().at(g).members)
                QCOMPARE(comparison.groupOf(member), g);
        }
    }

    // The majority's group is the fleet's answer; every other group is odd, a tie goes to the first.
    void oddOnesOut_data()
    {
        QTest::addColumn<QStringList>("answers");
        QTest::addColumn<int>("majority");
        QTest::addColumn<QList<bool>>("odd");
        QTest::newRow("all alike") << QStringList{"200 ok", "200 ok"} << 0 << QList<bool>{false, false};
        QTest::newRow("one stale") << QStringList{"200 stale", "200 ok", "200 ok"} << 1 << QList<bool>{true, false, false};
        QTest::newRow("tie") << QStringList{"200 a", "200 b"} << 0 << QList<bool>{false, true};
        QTest::newRow("pending is not odd") << QStringList{"pending", "200 ok", "timeout"} << 0 << QList<bool>{false, false, true};
        QTest::newRow("none") << QStringList{} << -1 << QList<bool>{};
    }
    void oddOnesOut()
    {
        QFETCH(QStringList, answers);
        QFETCH(int, majority);
        QFETCH(QList<bool>, odd);
        QList<TargetResult> results;
        for (qsizetype i = 0; i < answers.size(); ++i)
            results.append(result(static_cast<int>(i), answers.at(i)));
        const ResponseComparison comparison = ResponseComparison::compare(results, {});
        QCOMPARE(comparison.majorityGroup(), majority);
        QList<bool> actual;
        for (qsizetype i = 0; i < results.size(); ++i)
            actual.append(comparison.isOdd(static_cast<int>(i)));
        QCOMPARE(actual, odd);
    }

    // Past 16 groups they are found through a hash rather than a scan: the groups stay those a
    // plain pairwise comparison gives, in order of first appearance, whatever the count.
    void manyGroupsMatchAPairwiseComparison_data()
    {
        QTest::addColumn<int>("distinct");
        for (const int distinct : {1, 2, 15, 16, 17, 18, 20, 25, 40})
            QTest::newRow(qPrintable(QStringLiteral("%1 answers").arg(distinct))) << distinct;
    }

    void manyGroupsMatchAPairwiseComparison()
    {
        QFETCH(int, distinct);
        QList<TargetResult> results;
        for (int i = 0; i < 3 * distinct + 5; ++i) {
            const int answer = (i * 7) % distinct; // interleaved, so no answer comes in one run
            QString spec = QStringLiteral("200 body%1 X-Cache=%2").arg(answer).arg(answer % 2 ? "HIT" : "MISS");
            if (answer % 5 == 4)
                spec = QStringLiteral("timeout"); // all failures of one kind are one answer
            else if (answer % 5 == 3)
                spec = QStringLiteral("503 body%1").arg(answer);
            results.append(result(i, spec));
        }
        const ResponseComparison comparison = ResponseComparison::compare(results, {"X-Cache"});
        QList<int> expected(results.size(), -1);
        int groups = 0;
        for (int i = 0; i < results.size(); ++i) {
            for (int j = 0; j < i && expected[i] < 0; ++j) {
                const TargetResult &a = results.at(i);
                const TargetResult &b = results.at(j);
                if (a.status == b.status && (a.status != 0 || a.outcome == b.outcome) && a.responseBody == b.responseBody
                    && (a.status == 0 || a.responseHeaders == b.responseHeaders))
                    expected[i] = expected[j];
            }
            if (expected[i] < 0)
                expected[i] = groups++;
        }
        QList<int> actual;
        for (int i = 0; i < results.size(); ++i)
            actual.append(comparison.groupOf(i));
        QCOMPARE(actual, expected);
        QCOMPARE(comparison.groups().size(), groups);
        for (int g = 0; g < groups; ++g)
            QCOMPARE(comparison.groups().at(g).members.size(), expected.count(g));
    }

    void describe()
    {
        const QList<TargetResult> results = {result(0, "200 ok X-Cache=MISS"), result(1, "200 ok X-Cache=HIT"),
                                             result(2, "timeout"), result(3, "200 ok X-Cache=MISS")};
        const ResponseComparison comparison = ResponseComparison::compare(results, {"X-Cache", "Age"});
        QCOMPARE(comparison.describe(results),
                 (QStringList{"2 targets: 200, 2 bytes, sha256 2689367b205c, X-Cache: MISS: http://127.0.0.1:9000, "
                              "http://127.0.0.1:9003",
                              "1 target: 200, 2 bytes, sha256 2689367b205c, X-Cache: HIT: http://127.0.0.1:9001",
                              "1 target: timeout: http://127.0.0.1:9002"}));
    }

    void headerList()
    {
        QCOMPARE(ResponseComparison::parseHeaderList(QStringLiteral(" Age, X-Cache,,age ,x-cache,Via")),
                 (QByteArrayList{"Age", "X-Cache", "Via"}));
        QVERIFY(ResponseComparison::parseHeaderList(QString()).isEmpty());
    }

    // The listener's hand-written JSON carries the groups byte for byte as QJsonDocument would,
    // header names sorted the same way, values that need escaping, failures without a status.
    void compactJsonWithGroupsMatchesQJsonDocument()
    {
        QList<TargetResult> results = {result(0, "200 ok x-b=1 X-Cache=HIT Age=0"), result(1, "200 stale x-b=2"),
                                       result(2, "timeout"), result(3, "pending")};
        results[1].responseHeaders.append(HttpHeader{"X-Cache", "MISS \"q\" caf\xc3\xa9"});
        results[1].responseBytes = 100000; // more than was kept
        BroadcastSummary summary;
        summary.total = 4;
        summary.succeeded = 2;
        summary.failed = 1;
        summary.pending = 1;
        const ResponseComparison comparison = ResponseComparison::compare(results, {"X-Cache", "x-b", "Age"});
        QCOMPARE(comparison.groups().size(), 3);
        QCOMPARE(BroadcastJson::toCompactJson(summary, results, &comparison),
                 QJsonDocument(BroadcastJson::toJson(summary, results, &comparison)).toJson(QJsonDocument::Compact));
        const ResponseComparison empty = ResponseComparison::compare({}, {});
        QCOMPARE(BroadcastJson::toCompactJson(summary, {}, &empty),
                 QJsonDocument(BroadcastJson::toJson(summary, {}, &empty)).toJson(QJsonDocument::Compact));
        const QJsonObject group = comparison.toJson(results).at(1).toObject();
        QCOMPARE(group.value(QLatin1String("bodyBytes")).toInteger(), 100000);
        QCOMPARE(group.value(QLatin1String("headers")).toObject().value(QLatin1String("X-Cache")).toString(),
                 QString::fromUtf8("MISS \"q\" caf\xc3\xa9"));
    }

    // Three caches, one still answering from cache: one request to serve finds it, by body or by header.
    void serveFindsTheCacheThatAnswersDifferently_data()
    {
        QTest::addColumn<QString>("compareHeaders");
        QTest::addColumn<bool>("byBody");
        QTest::newRow("different body") << "" << true;
        QTest::newRow("different X-Cache") << "Age,X-Cache" << false;
        QTest::newRow("X-Cache not compared") << "" << false;
    }
    void serveFindsTheCacheThatAnswersDifferently()
    {
        QFETCH(QString, compareHeaders);
        QFETCH(bool, byBody);
        const QStringList urls = m_backends.start(3);
        for (int i = 0; i < 3; ++i)
            m_backends.at(i).setResponseHeaders({{"X-Cache", i == 1 ? "HIT" : "MISS"}});
        if (byBody)
            m_backends.at(1).setResponseBody("stale\n");
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_TARGETS"), urls.join(QLatin1Char(',')));
        if (!compareHeaders.isEmpty())
            environment.insert(QStringLiteral("HERALD_COMPARE_HEADERS"), compareHeaders);
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        const bool expectDisagree = byBody || !compareHeaders.isEmpty();

        const HttpReply reply = serve.send("GET", "/product/7");
        QCOMPARE(reply.status, 200);
        const QJsonObject answer = json(reply);
        QCOMPARE(answer.value(QLatin1String("disagree")).toBool(), expectDisagree);
        const QJsonArray groups = answer.value(QLatin1String("groups")).toArray();
        QCOMPARE(groups.size(), expectDisagree ? 2 : 1);
        QCOMPARE(groups.at(0).toObject().value(QLatin1String("targets")).toArray(),
                 expectDisagree ? QJsonArray({urls.at(0), urls.at(2)}) : QJsonArray({urls.at(0), urls.at(1), urls.at(2)}));
        if (expectDisagree) {
            const QJsonObject odd = groups.at(1).toObject();
            QCOMPARE(odd.value(QLatin1String("targets")).toArray(), QJsonArray({urls.at(1)}));
            QCOMPARE(odd.value(QLatin1String("status")).toInt(), 200);
            QCOMPARE(odd.value(QLatin1String("bodyBytes")).toInt(), byBody ? 6 : 3);
            const QJsonObject headers = odd.value(QLatin1String("headers")).toObject();
            QCOMPARE(headers.value(QLatin1String("X-Cache")).toString(),
                     compareHeaders.isEmpty() ? QString() : QStringLiteral("HIT"));
            QVERIFY(!headers.contains(QLatin1String("Age")));
        }
        QTRY_VERIFY(serve.send("GET", "/metrics")
                        .body.contains("herald_broadcasts_disagree_total " + QByteArray(expectDisagree ? "1" : "0")));

        // A purge the fleet agrees on counts nothing more.
        m_backends.at(1).setResponseBody("ok\n");
        m_backends.at(1).setResponseHeaders({{"X-Cache", "MISS"}});
        QCOMPARE(json(serve.send("PURGE", "/product/7")).value(QLatin1String("disagree")).toBool(), false);
        QTRY_VERIFY(serve.send("GET", "/metrics").body.contains("herald_broadcasts_total{method=\"PURGE\""));
        QVERIFY(serve.send("GET", "/metrics")
                    .body.contains("herald_broadcasts_disagree_total " + QByteArray(expectDisagree ? "1" : "0")));
    }

    void compareHeadersSetting()
    {
        ServeProcess serve;
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_TARGETS"), QStringLiteral("http://127.0.0.1:9"));
        environment.insert(QStringLiteral("HERALD_COMPARE_HEADERS"), QStringLiteral("X-Cache,Bad Name"));
        QVERIFY(!serve.start(environment));
        QVERIFY2(serve.errorOutput().contains("HERALD_COMPARE_HEADERS")
                     && serve.errorOutput().contains("\"Bad Name\" is not a header name"),
                 serve.errorOutput().constData());
    }
};

QTEST_GUILESS_MAIN(TestResponseComparison)
#include "tst_responsecomparison.moc"
