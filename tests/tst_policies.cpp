// Parsing and arithmetic of the value types that configure a broadcast.
#include "broadcast/broadcastjson.h"
#include "policy/circuitbreaker.h"
#include "policy/outcomepolicy.h"
#include "policy/retrypolicy.h"
#include "policy/statusrule.h"
#include "targets/target.h"

#include <QJsonDocument>
#include <QTest>

#include <limits>

using namespace herald;

class TestPolicies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The listener's hand-written JSON must be exactly what QJsonDocument writes for the same
    // results: retries with an attempt log, errors that need escaping, non-ASCII, no status.
    void compactJsonMatchesQJsonDocument()
    {
        TargetResult ok;
        ok.target = Target::parse(QStringLiteral("http://127.0.0.1:8081/prefix"), nullptr);
        ok.outcome = TargetOutcome::Ok;
        ok.state = TargetState::Done;
        ok.status = 200;
        ok.latencyMs = 3;
        ok.attempts = {AttemptRecord{1, 0, 3, 200, {}}};
        TargetResult failed;
        failed.target = Target::parse(QStringLiteral("https://[::1]:8443"), nullptr);
        failed.outcome = TargetOutcome::HttpError;
        failed.state = TargetState::Done;
        failed.status = 503;
        failed.latencyMs = 12;
        failed.error = QStringLiteral("HTTP 503 \"busy\" \\ back\nslash\t\x01 caf\u00e9 \u2713");
        failed.attempts = {AttemptRecord{1, 0, 5, 503, QStringLiteral("HTTP 503")},
                           AttemptRecord{2, 20, 12, 0, QStringLiteral("reset by \"peer\"")}};
        TargetResult pending;
        pending.target = Target::parse(QStringLiteral("backend:80"), nullptr);
        BroadcastSummary summary;
        summary.total = 3;
        summary.succeeded = 1;
        summary.failed = 1;
        summary.pending = 1;
        summary.durationMs = 1234567890123;
        summary.policy = OutcomePolicy::parse(QStringLiteral("quorum=2"), nullptr);
        summary.reason = QStringLiteral("1 of 3 targets failed; policy quorum=2 needs 2 to succeed");
        const QList<TargetResult> results = {ok, failed, pending};
        QCOMPARE(BroadcastJson::toCompactJson(summary, results),
                 QJsonDocument(BroadcastJson::toJson(summary, results)).toJson(QJsonDocument::Compact));
        summary.reason.clear();
        summary.policyMet = true;
        QCOMPARE(BroadcastJson::toCompactJson(summary, {ok}),
                 QJsonDocument(BroadcastJson::toJson(summary, {ok})).toJson(QJsonDocument::Compact));
        QCOMPARE(BroadcastJson::toCompactJson(summary, {}),
                 QJsonDocument(BroadcastJson::toJson(summary, {})).toJson(QJsonDocument::Compact));
    }

    // The compact writer's own paths against QJsonDocument: numbers at the ends of their range,
    // strings with every kind of escape, non-ASCII after a run of ASCII, a document far past the
    // writer's first estimate, and no targets at all. The accessor overload gives the same bytes.
    void compactJsonEdgeCases_data()
    {
        QTest::addColumn<qint64>("number");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("targets");
        QString controls;
        for (char16_t c = 0; c < 0x20; ++c)
            controls += QChar(c);
        QTest::newRow("zero, empty") << qint64(0) << QString() << 1;
        QTest::newRow("negative one") << qint64(-1) << QStringLiteral("plain") << 2;
        QTest::newRow("int limits") << qint64(std::numeric_limits<int>::max()) << QStringLiteral("x") << 3;
        QTest::newRow("below int") << qint64(std::numeric_limits<int>::min()) - 1 << QStringLiteral("y") << 3;
        QTest::newRow("2^53") << (qint64(1) << 53) << QStringLiteral("z") << 2;
        QTest::newRow("int64 max") << std::numeric_limits<qint64>::max() << QStringLiteral("m") << 2;
        QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << QStringLiteral("n") << 2;
        QTest::newRow("-2^53") << -(qint64(1) << 53) << QStringLiteral("z") << 2;
        QTest::newRow("control characters") << qint64(7) << controls << 2;
        QTest::newRow("quotes and backslashes") << qint64(10) << QStringLiteral("\"\\\"\\\\/'\x7f") << 2;
        QTest::newRow("quote ending a word") << qint64(13) << QStringLiteral("abcdefg\"hijklmnop") << 2;
        QTest::newRow("control in the tail") << qint64(14) << QStringLiteral("abcdefghijklmnopq\x1f") << 2;
        QTest::newRow("backslash after non-ASCII")
            << qint64(15) << QStringLiteral("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9 x\\y") << 2;
        QTest::newRow("long, nothing to escape")
            << qint64(16) << QStringLiteral("\u00ff\u0080~ \u00e9\u4e2d!#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}") << 2;
        QTest::newRow("non-ASCII last") << qint64(11) << QStringLiteral("ascii then caf\u00e9") << 2;
        QTest::newRow("non-ASCII first") << qint64(12) << QStringLiteral("\u00fcber \U0001F600 \u2028 end") << 2;
        QTest::newRow("past the estimate") << qint64(123456789)
                                           << QString(QStringLiteral("\"\n\\\x01") + QString(3000, QChar(u'\x1f'))) << 40;
        QTest::newRow("no targets") << qint64(5) << QStringLiteral("a\tb") << 0;
    }
    void compactJsonEdgeCases()
    {
        QFETCH(qint64, number);
        QFETCH(QString, text);
        QFETCH(int, targets);
        QList<TargetResult> results;
        for (int i = 0; i < targets; ++i) {
            TargetResult result;
            result.target = Target::parse(QStringLiteral("http://127.0.0.1:%1/p").arg(9000 + i), nullptr);
            result.outcome = i % 2 ? TargetOutcome::Error : TargetOutcome::Ok;
            result.state = TargetState::Done;
            result.status = i % 2 ? 0 : 200;
            result.latencyMs = number;
            result.error = i % 2 ? text : QString();
            result.attempts = {AttemptRecord{1, number, number, 500, text}, AttemptRecord{2, ~number, 0, 0, {}}};
            if (i % 3 == 2)
                result.attempts.resize(1);
            results.append(result);
        }
        BroadcastSummary summary;
        summary.total = targets;
        summary.succeeded = (targets + 1) / 2;
        summary.failed = targets / 2;
        summary.pending = int(number % 1000);
        summary.durationMs = number;
        summary.reason = text;
        summary.policy = OutcomePolicy::parse(QStringLiteral("quorum=2"), nullptr);
        const QByteArray expected = QJsonDocument(BroadcastJson::toJson(summary, results)).toJson(QJsonDocument::Compact);
        QCOMPARE(BroadcastJson::toCompactJson(summary, results), expected);
        QCOMPARE(BroadcastJson::toCompactJson(summary, results.size(),
                                              [&results](qsizetype i) -> const TargetResult & { return results.at(i); }),
                 expected);
    }

    void outcomePolicy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("required");
        QTest::newRow("all") << "all" << true << 5 << 5;
        QTest::newRow("any") << "any" << true << 5 << 1;
        QTest::newRow("first") << "first" << true << 5 << 1;
        QTest::newRow("async") << "async" << true << 5 << 5;
        QTest::newRow("quorum count") << "quorum=3" << true << 5 << 3;
        QTest::newRow("quorum fraction") << "quorum=0.5" << true << 5 << 3;
        QTest::newRow("quorum percent") << "quorum=60%" << true << 5 << 3;
        QTest::newRow("quorum 100%") << "quorum=100%" << true << 4 << 4;
        QTest::newRow("upper case") << "ALL" << true << 2 << 2;
        QTest::newRow("quorum zero") << "quorum=0" << false << 0 << 0;
        QTest::newRow("quorum over 1") << "quorum=1.5" << false << 0 << 0;
        QTest::newRow("quorum empty") << "quorum=" << false << 0 << 0;
        QTest::newRow("unknown") << "most" << false << 0 << 0;
    }
    void outcomePolicy()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(int, total);
        QFETCH(int, required);
        QString error;
        const OutcomePolicy policy = OutcomePolicy::parse(text, &error);
        QCOMPARE(error.isEmpty(), valid);
        if (!valid) {
            QVERIFY(error.contains(text));
            return;
        }
        QCOMPARE(policy.required(total), required);
        QVERIFY(policy.isMet(required, total));
        QVERIFY(!policy.isMet(required - 1, total));
        QVERIFY(!policy.isMet(0, 0)); // no targets is never a success
        QCOMPARE(OutcomePolicy::parse(policy.toString(), nullptr).required(total), required);
    }

    // Only a 2xx wins under first (its answer is the caller's); 100-399 succeed under the others.
    void successStatus_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QList<int>>("success");
        QTest::addColumn<QList<int>>("failure");
        QTest::newRow("first") << "first" << QList<int>{200, 204, 299} << QList<int>{100, 199, 301, 302, 304, 404, 503};
        for (const char *policy : {"all", "any", "quorum=2", "async"})
            QTest::newRow(policy) << policy << QList<int>{100, 200, 204, 301, 302, 399} << QList<int>{99, 400, 404, 503};
    }
    void successStatus()
    {
        QFETCH(QString, policy);
        QFETCH(QList<int>, success);
        QFETCH(QList<int>, failure);
        const OutcomePolicy parsed = OutcomePolicy::parse(policy, nullptr);
        for (int status : success)
            QVERIFY2(parsed.isSuccessStatus(status), qPrintable(QString::number(status)));
        for (int status : failure)
            QVERIFY2(!parsed.isSuccessStatus(status), qPrintable(QString::number(status)));
    }

    void statusRule_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("matching");
        QTest::addColumn<QList<int>>("notMatching");
        QTest::newRow("default") << "5xx,429" << QList<int>{500, 503, 599, 429} << QList<int>{200, 404, 428, 430};
        QTest::newRow("seed: >=400") << ">=400" << QList<int>{400, 404, 500} << QList<int>{200, 399};
        QTest::newRow("range") << "500-504" << QList<int>{500, 504} << QList<int>{505, 499};
        QTest::newRow("none") << "none" << QList<int>{} << QList<int>{500, 429};
    }
    void statusRule()
    {
        QFETCH(QString, text);
        QFETCH(QList<int>, matching);
        QFETCH(QList<int>, notMatching);
        QString error;
        const StatusRule rule = StatusRule::parse(text, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (int status : matching)
            QVERIFY2(rule.matches(status), qPrintable(QString::number(status)));
        for (int status : notMatching)
            QVERIFY2(!rule.matches(status), qPrintable(QString::number(status)));
    }

    void statusRuleErrors_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *text : {"6xx", "abc", "600", "500-400", ">=", "5xx,foo"})
            QTest::newRow(text) << QString::fromLatin1(text);
    }
    void statusRuleErrors()
    {
        QFETCH(QString, text);
        QString error;
        StatusRule::parse(text, &error);
        QVERIFY(!error.isEmpty());
    }

    void backoffGrowsAndIsCapped()
    {
        RetryPolicy retry;
        retry.baseDelayMs = 100;
        retry.maxDelayMs = 1000;
        retry.jitter = 0;
        QCOMPARE(retry.delayMs(1), 100);
        QCOMPARE(retry.delayMs(2), 200);
        QCOMPARE(retry.delayMs(3), 400);
        QCOMPARE(retry.delayMs(10), 1000);
        retry.jitter = 0.5;
        bool varied = false;
        for (int i = 0; i < 50; ++i) {
            const int delay = retry.delayMs(2);
            QVERIFY(delay >= 100 && delay <= 300);
            varied = varied || delay != 200;
        }
        QVERIFY(varied);
    }

    void circuitBreakerStates()
    {
        CircuitBreaker breaker;
        breaker.failureThreshold = 3;
        breaker.cooldownMs = 1000;
        const QString key = QStringLiteral("http://a:80");
        for (int i = 0; i < 2; ++i) {
            QVERIFY(breaker.allow(key, 0));
            breaker.recordFailure(key, 0);
        }
        QCOMPARE(breaker.state(key), CircuitBreaker::State::Closed);
        breaker.recordFailure(key, 10);
        QCOMPARE(breaker.state(key), CircuitBreaker::State::Open);
        QVERIFY(!breaker.allow(key, 500));
        QVERIFY(breaker.allow(key, 1010)); // the probe
        QCOMPARE(breaker.state(key), CircuitBreaker::State::HalfOpen);
        QVERIFY(!breaker.allow(key, 1020)); // only one probe at a time
        breaker.recordSuccess(key);
        QCOMPARE(breaker.state(key), CircuitBreaker::State::Closed);
        QVERIFY(breaker.allow(key, 1030));
        breaker.failureThreshold = 0;
        for (int i = 0; i < 10; ++i)
            breaker.recordFailure(key, 0);
        QVERIFY(breaker.allow(key, 0));
    }

    // The Targets tab's "probe in N s" and Reset.
    void circuitBreakerProbeTimeAndReset()
    {
        CircuitBreaker breaker;
        breaker.failureThreshold = 1;
        breaker.cooldownMs = 1000;
        const QString key = QStringLiteral("http://a:80");
        QCOMPARE(breaker.msUntilProbe(key, 0), qint64(-1));
        breaker.recordFailure(key, 100);
        QCOMPARE(breaker.msUntilProbe(key, 400), qint64(700));
        QCOMPARE(breaker.msUntilProbe(key, 5000), qint64(0));
        breaker.reset(key);
        QCOMPARE(breaker.state(key), CircuitBreaker::State::Closed);
        QCOMPARE(breaker.consecutiveFailures(key), 0);
        QCOMPARE(breaker.msUntilProbe(key, 400), qint64(-1));
        QVERIFY(breaker.allow(key, 400));
    }

    void targets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("url");
        QTest::newRow("plain") << "http://10.0.0.1:6081"
                               << "http://10.0.0.1:6081"
                               << "http://10.0.0.1:6081/p?q=1";
        QTest::newRow("no scheme") << "varnish:6081"
                                   << "http://varnish:6081"
                                   << "http://varnish:6081/p?q=1";
        QTest::newRow("default port") << "http://h"
                                      << "http://h:80"
                                      << "http://h/p?q=1";
        QTest::newRow("https") << "https://h"
                               << "https://h:443"
                               << "https://h/p?q=1";
        QTest::newRow("prefix") << "http://h:1/api/"
                                << "http://h:1/api"
                                << "http://h:1/api/p?q=1";
        QTest::newRow("ipv6") << "http://[::1]:8080"
                              << "http://[::1]:8080"
                              << "http://[::1]:8080/p?q=1";
    }
    void targets()
    {
        QFETCH(QString, text);
        QFETCH(QString, key);
        QFETCH(QString, url);
        QString error;
        const Target target = Target::parse(text, &error);
        QVERIFY2(target.isValid(), qPrintable(error));
        QCOMPARE(target.key(), key);
        QCOMPARE(QString::fromLatin1(target.urlFor("/p?q=1").toEncoded()), url);
    }

    // FanOut's targets are whole URLs, query included: appended under the prefix by default, or
    // exactly the target's own path (HERALD_TARGET_PATH=exact). The client's query always follows.
    void targetUrlWithQuery_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("exact");
        QTest::addColumn<QString>("url");
        QTest::newRow("exact, own query") << "http://h:1/ingest?token=a%20b" << QByteArray("/fanout") << true
                                          << "http://h:1/ingest?token=a%20b";
        QTest::newRow("exact, both queries")
            << "http://h:1/ingest?token=a" << QByteArray("/fanout?x=1") << true << "http://h:1/ingest?token=a&x=1";
        QTest::newRow("exact, no path") << "http://h:1" << QByteArray("/fanout?x=1") << true << "http://h:1/?x=1";
        QTest::newRow("exact, no query") << "http://h:1/hook" << QByteArray("/fanout") << true << "http://h:1/hook";
        QTest::newRow("append, both queries")
            << "http://h:1/api?token=a" << QByteArray("/p?x=1") << false << "http://h:1/api/p?token=a&x=1";
        QTest::newRow("append, empty query kept") << "http://h:1" << QByteArray("/p?") << false << "http://h:1/p?";
    }
    void targetUrlWithQuery()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, request);
        QFETCH(bool, exact);
        QFETCH(QString, url);
        QString error;
        const Target target = Target::parse(text, &error);
        QVERIFY2(target.isValid(), qPrintable(error));
        QCOMPARE(QString::fromLatin1(target.urlFor(request, exact).toEncoded()), url);
        // Two targets that differ only by their query are two targets (their own breakers).
        QCOMPARE(target.key().contains(QLatin1Char('?')), text.contains(QLatin1Char('?')));
    }

    void targetErrors_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *text : {"", "ftp://h", "http://", "http://h/#top", "http://h:99999"})
            QTest::newRow(text) << QString::fromLatin1(text);
    }
    void targetErrors()
    {
        QFETCH(QString, text);
        QString error;
        QVERIFY(!Target::parse(text, &error).isValid());
        QVERIFY(!error.isEmpty());
    }

    void targetListSplitsOnCommasAndSpaces()
    {
        QString error;
        const QList<Target> list = Target::parseList(QStringLiteral("a:1, http://b:2  c:3"), &error);
        QCOMPARE(list.size(), 3);
        QCOMPARE(list.at(2).key(), QStringLiteral("http://c:3"));
        QVERIFY(Target::parseList(QStringLiteral("a:1, ftp://b"), &error).isEmpty());
        QVERIFY(error.contains(QLatin1String("ftp")));
    }
};

QTEST_GUILESS_MAIN(TestPolicies)
#include "tst_policies.moc"
