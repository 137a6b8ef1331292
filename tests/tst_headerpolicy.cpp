// What each target receives in its headers, decided without any network.
#include "policy/headerpolicy.h"

#include <QTest>

using namespace herald;

class TestHeaderPolicy : public QObject
{
    Q_OBJECT

    static Target target() { return Target::parse(QStringLiteral("http://10.1.2.3:6081"), nullptr); }

private Q_SLOTS:
    void hostIsPreservedByDefault()
    {
        HeaderPolicy policy;
        BroadcastRequest request;
        request.headers = {{"host", "shop.example.com"}};
        const HttpHeaders out = policy.outgoingHeaders(request, target());
        QCOMPARE(headerValue(out, "Host"), QByteArray("shop.example.com"));
        QCOMPARE(out.count(HttpHeader{"host", "shop.example.com"}), 1); // not duplicated
    }

    void missingHostGetsTheTargets()
    {
        HeaderPolicy policy;
        const HttpHeaders out = policy.outgoingHeaders({}, target());
        QCOMPARE(headerValue(out, "Host"), QByteArray("10.1.2.3:6081"));
    }

    void framingHeadersAreLeftToTheTransport()
    {
        HeaderPolicy policy;
        BroadcastRequest request;
        request.headers = {{"Content-Length", "5"},
                           {"Transfer-Encoding", "chunked"},
                           {"Expect", "100-continue"},
                           {"Content-Type", "text/plain"}};
        const HttpHeaders out = policy.outgoingHeaders(request, target());
        QVERIFY(!hasHeader(out, "Content-Length"));
        QVERIFY(!hasHeader(out, "Transfer-Encoding"));
        QVERIFY(!hasHeader(out, "Expect"));
        QCOMPARE(headerValue(out, "Content-Type"), QByteArray("text/plain"));
    }

    // '_' names: dropped, refused or passed as set; a framing or hop-by-hop alias refused in every mode.
    void underscoreHeaders_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("forwarded");
        QTest::addColumn<QString>("refusal"); // part of refusalFor()'s reason; empty: accepted
        const QString alias = QStringLiteral("on a backend that maps '_' to '-'");
        for (const QString &mode : {QStringLiteral("drop"), QStringLiteral("refuse"), QStringLiteral("pass")}) {
            const auto row = [&mode](const char *name) -> QTestData & {
                return QTest::addRow("%s %s", qPrintable(mode), name) << mode << QByteArray(name);
            };
            const bool passed = mode == QLatin1String("pass");
            const QString refused = mode == QLatin1String("refuse") ? QStringLiteral("has an underscore in its name") : QString();
            row("X_Custom") << passed << refused;
            row("Upgrade_") << passed << refused; // 'Upgrade-' is no hop-by-hop header: only the '_' rule applies
            row("X-Dashed") << true << QString();
            row("Transfer_Encoding") << false << alias;
            row("content_length") << false << alias;
            row("Keep_Alive") << false << alias;
            row("Proxy_Authorization") << false << alias;
            row("X_Forwarded_Host") << passed << refused;
        }
    }
    void underscoreHeaders()
    {
        QFETCH(QString, mode);
        QFETCH(QByteArray, name);
        QFETCH(bool, forwarded);
        QFETCH(QString, refusal);
        HeaderPolicy policy;
        QVERIFY(HeaderPolicy::parseUnderscoreHeaders(mode, &policy.underscoreHeaders));
        QCOMPARE(HeaderPolicy::underscoreHeadersName(policy.underscoreHeaders), mode);
        BroadcastRequest request;
        request.headers = {{"Host", "shop"}, {name, "v"}};
        const QString reason = policy.refusalFor(request.headers);
        if (refusal.isEmpty())
            QCOMPARE(reason, QString());
        else
            QVERIFY2(reason.contains(refusal) && reason.contains(QString::fromLatin1(name)), qPrintable(reason));
        // Even a face that forwards without asking refusalFor() first never passes a framing alias on.
        QCOMPARE(hasHeader(policy.outgoingHeaders(request, target()), name), forwarded);
    }

    void viaChainsAndDetectsLoops()
    {
        HeaderPolicy policy;
        policy.instanceId = "pod-a";
        BroadcastRequest request;
        request.headers = {{"Via", "1.1 varnish"}};
        QVERIFY(!policy.isLoop(request));
        const HttpHeaders out = policy.outgoingHeaders(request, target());
        QCOMPARE(headerValue(out, "Via"), QByteArray("1.1 varnish, 1.1 herald-pod-a"));

        BroadcastRequest looped;
        looped.headers = {{"Via", headerValue(out, "Via")}};
        QVERIFY(policy.isLoop(looped));
        HeaderPolicy other;
        other.instanceId = "pod-b";
        QVERIFY(!other.isLoop(looped));
        HeaderPolicy prefix;
        prefix.instanceId = "pod";
        QVERIFY(!prefix.isLoop(looped)); // an id is matched whole, not as a prefix
    }

    void defaultSensitiveHeadersAreDropped()
    {
        HeaderPolicy policy;
        BroadcastRequest request;
        request.headers = {{"Cookie", "session=1"}, {"Authorization", "Bearer backend"}};
        const HttpHeaders out = policy.outgoingHeaders(request, target());
        QVERIFY(!hasHeader(out, "Cookie"));
        QCOMPARE(headerValue(out, "Authorization"), QByteArray("Bearer backend"));
    }

    void requestValidation_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("headerValue");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ok") << QByteArray("PURGE") << QByteArray("/a?b") << QByteArray("v") << true;
        QTest::newRow("odd token") << QByteArray("X-REFRESH_1") << QByteArray("/") << QByteArray("v") << true;
        QTest::newRow("space in method") << QByteArray("GE T") << QByteArray("/") << QByteArray("v") << false;
        QTest::newRow("no slash") << QByteArray("GET") << QByteArray("a") << QByteArray("v") << false;
        QTest::newRow("space in path") << QByteArray("GET") << QByteArray("/a b") << QByteArray("v") << false;
        QTest::newRow("CRLF in header") << QByteArray("GET") << QByteArray("/") << QByteArray("v\r\nX: y") << false;
    }
    void requestValidation()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, headerValue);
        QFETCH(bool, valid);
        BroadcastRequest request;
        request.method = method;
        request.pathAndQuery = path;
        request.headers = {{"X-Test", headerValue}};
        QCOMPARE(request.validate().isEmpty(), valid);
    }
};

QTEST_GUILESS_MAIN(TestHeaderPolicy)
#include "tst_headerpolicy.moc"
