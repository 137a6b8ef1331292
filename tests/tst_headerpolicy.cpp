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
        request.headers = {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}, {"Expect", "100-continue"},
                           {"Content-Type", "text/plain"}};
        const HttpHeaders out = policy.outgoingHeaders(request, target());
        QVERIFY(!hasHeader(out, "Content-Length"));
        QVERIFY(!hasHeader(out, "Transfer-Encoding"));
        QVERIFY(!hasHeader(out, "Expect"));
        QCOMPARE(headerValue(out, "Content-Type"), QByteArray("text/plain"));
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
