// The lean HTTP/1.1 transport: its response parser fed every split of real answers, and the
// transport against scripted loopback servers that write exact bytes (good, bad and cut off).
#include "reservedport.h"
#include "scriptedserver.h"
#include "transport/leanresponseparser.h"
#include "transport/leantransport.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <sys/resource.h>

#include <memory>

using namespace herald;
using herald::test::ReservedPort;
using herald::test::ScriptedReply;
using herald::test::ScriptedServer;
using State = LeanResponseParser::State;

Q_DECLARE_METATYPE(ScriptedReply::After)
Q_DECLARE_METATYPE(TransportError)

namespace {

// Feeds `bytes` in the pieces `cuts` makes (offsets), then the close when `eof`. Each piece is
// read from a buffer that is overwritten once fed, as a connection reuses its read buffer, so the
// parser cannot lean on bytes it was given earlier.
State parseInPieces(LeanResponseParser &parser, const QByteArray &bytes, const QList<int> &cuts, bool eof)
{
    State state = State::NeedMore;
    int from = 0;
    QList<int> ends = cuts;
    ends.append(int(bytes.size()));
    QByteArray buffer;
    for (int end : ends) {
        size_t consumed = 0;
        buffer = bytes.mid(from, end - from);
        state = parser.feed(buffer.constData(), size_t(end - from), &consumed);
        buffer.fill('#');
        if (state != State::NeedMore)
            return consumed == size_t(end - from) ? state : State::Failed; // no bytes left over
        from = end;
    }
    return eof ? parser.finish() : state;
}

QByteArray headerOf(const TransportResponse &response, const QByteArray &name)
{
    return headerValue(response.headers, name);
}

} // namespace

class TestLeanTransport : public QObject
{
    Q_OBJECT

private:
    static TransportRequest request(const QString &url, const QByteArray &method = "GET")
    {
        TransportRequest request;
        request.method = method;
        request.setUrl(QUrl(url));
        request.timeoutMs = 3000;
        return request;
    }

    // Sends one request and waits for its answer.
    static TransportResponse exchange(Transport &transport, const TransportRequest &request)
    {
        std::unique_ptr<TransportCall> call(transport.send(request, nullptr));
        QSignalSpy finished(call.get(), &TransportCall::finished);
        if (!finished.wait(10000)) {
            TransportResponse none;
            none.error = TransportError::Other;
            none.errorString = QStringLiteral("no finished() from the call");
            return none;
        }
        return finished.first().first().value<TransportResponse>();
    }

private Q_SLOTS:
    void answersParseAtEverySplit_data();
    void answersParseAtEverySplit();
    void pipelinedAnswersStopAtTheBoundary();
    void badFramingIsAnError_data();
    void badFramingIsAnError();

    void exchange_data();
    void exchange();
    void requestGoesOutAsGiven();
    void onlyTheNamedHeadersAreKept();
    void connectionIsReusedAcrossRequests();
    void connectionCloseIsHonoured();
    void idleCloseArrivesAsAnEvent();
    void staleConnectionIsRetriedOnce();
    void freshConnectionClosingIsNotRetried();
    void timeout();
    void refused();
    void hostNotFound();
    void hostNamesResolveAsynchronously();
    void abortedCallNeverFinishes();
    void startedExchangesReachTheirReceiver();
    void staleTicketsAbortNothing();
    void aCallDeletedWhileItsFailureWaitsIsNeverTold();
};

void TestLeanTransport::answersParseAtEverySplit_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("head");
    QTest::addColumn<bool>("eof"); // the body runs to the close
    QTest::addColumn<int>("bodyLimit");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("bodyBytes");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<QByteArray>("header"); // "Name: value" that must be there, "Name:" absent
    QTest::addColumn<QByteArray>("reason");

    QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello") << false
                                    << false << 4096 << 200 << QByteArray("hello") << qint64(5) << true << QByteArray("X-A: b")
                                    << QByteArray("OK");
    QTest::newRow("chunked, extensions, trailers")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6;x\r\n world\r\n"
                      "0\r\nX-Trailer: t\r\n\r\n")
        << false << false << 4096 << 200 << QByteArray("hello world") << qint64(11) << true << QByteArray("X-Trailer: t")
        << QByteArray("OK");
    QTest::newRow("100 continue") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
                                  << false << false << 4096 << 201 << QByteArray("ok") << qint64(2) << true
                                  << QByteArray("Content-Length: 2") << QByteArray("Created");
    QTest::newRow("103 then 204") << QByteArray("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
                                  << false << false << 4096 << 204 << QByteArray() << qint64(0) << true << QByteArray("Link:")
                                  << QByteArray("No Content");
    QTest::newRow("close-delimited") << QByteArray("HTTP/1.1 200 OK\r\n\r\nuntil the close") << false << true << 4096 << 200
                                     << QByteArray("until the close") << qint64(15) << false << QByteArray() << QByteArray("OK");
    QTest::newRow("HEAD") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n") << true << false << 4096 << 200
                          << QByteArray() << qint64(0) << true << QByteArray("Content-Length: 1000") << QByteArray("OK");
    QTest::newRow("204") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << false << 4096 << 204 << QByteArray()
                         << qint64(0) << true << QByteArray() << QByteArray("No Content");
    QTest::newRow("304 with a length") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n") << false << false
                                       << 4096 << 304 << QByteArray() << qint64(0) << true << QByteArray()
                                       << QByteArray("Not Modified");
    QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok") << false << false << 4096 << 200
                              << QByteArray("ok") << qint64(2) << false << QByteArray() << QByteArray("OK");
    QTest::newRow("HTTP/1.0 keep-alive") << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok")
                                         << false << false << 4096 << 200 << QByteArray("ok") << qint64(2) << true << QByteArray()
                                         << QByteArray("OK");
    QTest::newRow("Connection: close") << QByteArray("HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno")
                                       << false << false << 4096 << 503 << QByteArray("no") << qint64(2) << false << QByteArray()
                                       << QByteArray("Busy");
    QTest::newRow("nginx's headers, names alike") << QByteArray(
        "HTTP/1.1 200 OK \r\nServer: nginx/1.22.1\r\nDate: Tue, 01 Dec 2026 18:00:00 GMT\r\nContent-Type: text/html\r\n"
        "Content-Length: 3\r\nConnection: keep-alive\r\nX-Cache-Status: HIT\r\nX-Cache:\tMISS \r\nX-Empty:\r\n\r\nabc")
                                                  << false << false << 4096 << 200 << QByteArray("abc") << qint64(3) << true
                                                  << QByteArray("X-Cache: MISS") << QByteArray("OK ");
    QTest::newRow("body over the limit") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij")
                                         << false << false << 8 << 200 << QByteArray("01234567") << qint64(20) << true
                                         << QByteArray() << QByteArray("OK");
}

void TestLeanTransport::answersParseAtEverySplit()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, head);
    QFETCH(bool, eof);
    QFETCH(int, bodyLimit);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(qint64, bodyBytes);
    QFETCH(bool, keepAlive);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, reason);

    QList<QList<int>> splits;
    for (int cut = 0; cut <= bytes.size(); ++cut)
        splits.append(QList<int>{cut});
    QList<int> everyByte;
    for (int cut = 1; cut < bytes.size(); ++cut)
        everyByte.append(cut);
    splits.append(everyByte);

    // Only the checked header kept, named in another case, beside names that share its prefix or
    // length: the others are dropped without being copied, whatever piece they arrive in.
    const QByteArray name = header.left(header.indexOf(':'));
    const QByteArrayList kept = {"X-Nothing", name.toUpper(), name + "-Status", name.left(name.size() - 1) + "z"};

    LeanResponseParser parser;
    LeanResponseParser keeping;
    for (const QList<int> &cuts : qAsConst(splits)) {
        const QByteArray where = "cut at " + QByteArray::number(cuts.size() == 1 ? cuts.first() : -1);
        parser.reset(head, bodyLimit);
        QCOMPARE(parseInPieces(parser, bytes, cuts, eof), State::Complete);
        const TransportResponse &response = parser.response();
        QVERIFY2(response.status == status, where.constData());
        QCOMPARE(response.reason, reason);
        QCOMPARE(response.body, body);
        QCOMPARE(response.bodyBytes, bodyBytes);
        QCOMPARE(parser.keepAlive(), keepAlive);
        if (!header.isEmpty()) {
            const qsizetype colon = header.indexOf(':');
            QCOMPARE(headerOf(response, header.left(colon)), header.mid(colon + 1).trimmed());
            QCOMPARE(hasHeader(response.headers, header.left(colon)), colon + 1 < header.size());
        }

        keeping.reset(head, bodyLimit, &kept);
        QCOMPARE(parseInPieces(keeping, bytes, cuts, eof), State::Complete);
        HttpHeaders expected;
        for (const HttpHeader &h : response.headers) {
            for (const QByteArray &k : kept) {
                if (h.first.compare(k, Qt::CaseInsensitive) == 0)
                    expected.append(h);
            }
        }
        QVERIFY2(keeping.response().headers == expected, where.constData());
        QCOMPARE(keeping.response().status, status);
        QCOMPARE(keeping.response().reason, reason);
        QCOMPARE(keeping.response().body, body);
    }
}

void TestLeanTransport::pipelinedAnswersStopAtTheBoundary()
{
    const QByteArray first = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none";
    const QByteArray second = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n";
    const QByteArray both = first + second;
    LeanResponseParser parser;
    parser.reset(false, 4096);
    size_t consumed = 0;
    QCOMPARE(parser.feed(both.constData(), size_t(both.size()), &consumed), State::Complete);
    QCOMPARE(consumed, size_t(first.size()));
    QCOMPARE(parser.response().body, QByteArray("one"));
    parser.reset(false, 4096);
    QCOMPARE(parser.feed(both.constData() + consumed, size_t(both.size()) - consumed, &consumed), State::Complete);
    QCOMPARE(consumed, size_t(second.size()));
    QCOMPARE(parser.response().status, 404);
    QCOMPARE(parser.response().body, QByteArray("two"));
}

void TestLeanTransport::badFramingIsAnError_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("garbage status line") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    QTest::newRow("status below 100") << QByteArray("HTTP/1.1 000 Zero\r\nContent-Length: 0\r\n\r\n");
    QTest::newRow("status not a number") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n");
    QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n");
    QTest::newRow("Content-Length with chunked")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    QTest::newRow("negative Content-Length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
    QTest::newRow("overflowing Content-Length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 184467440737095516160\r\n\r\n");
    QTest::newRow("two Content-Lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    QTest::newRow("head over 64 KiB") << "HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n";
}

void TestLeanTransport::badFramingIsAnError()
{
    QFETCH(QByteArray, bytes);
    LeanResponseParser parser;
    parser.reset(false, 4096);
    QCOMPARE(parseInPieces(parser, bytes, {}, false), State::Failed);
    QVERIFY(!parser.errorString().isEmpty());
    // Byte by byte it fails the same way, and stays failed.
    parser.reset(false, 4096);
    State state = State::NeedMore;
    for (qsizetype i = 0; i < bytes.size() && state == State::NeedMore; ++i) {
        size_t consumed = 0;
        state = parser.feed(bytes.constData() + i, 1, &consumed);
    }
    QCOMPARE(state, State::Failed);
    size_t consumed = 0;
    QCOMPARE(parser.feed("x", 1, &consumed), State::Failed);
}

void TestLeanTransport::exchange_data()
{
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<bool>("dribble");
    QTest::addColumn<ScriptedReply::After>("after");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<TransportError>("error");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    using A = ScriptedReply::After;
    using E = TransportError;
    const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\nsome\r\n5\r\nthing\r\n0\r\nX-T: 1\r\n\r\n";
    QTest::newRow("content-length, a byte at a time") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") << true
                                                      << A::KeepOpen << QByteArray("GET") << E::None << 200 << QByteArray("ok");
    QTest::newRow("chunked, a byte at a time")
        << chunked << true << A::KeepOpen << QByteArray("GET") << E::None << 200 << QByteArray("something");
    QTest::newRow("100 continue, a byte at a time")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\ny") << true << A::KeepOpen
        << QByteArray("PURGE") << E::None << 202 << QByteArray("y");
    QTest::newRow("close-delimited") << QByteArray("HTTP/1.1 200 OK\r\n\r\nto the end") << false << A::Close << QByteArray("GET")
                                     << E::None << 200 << QByteArray("to the end");
    QTest::newRow("HEAD does not wait for the body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n") << false
                                                     << A::KeepOpen << QByteArray("HEAD") << E::None << 200 << QByteArray();
    QTest::newRow("204") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << A::KeepOpen << QByteArray("PURGE")
                         << E::None << 204 << QByteArray();
    QTest::newRow("304") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n") << false << A::KeepOpen
                         << QByteArray("GET") << E::None << 304 << QByteArray();
    QTest::newRow("garbage") << QByteArray("200 OK\r\n\r\n") << false << A::KeepOpen << QByteArray("GET") << E::Protocol << 0
                             << QByteArray();
    QTest::newRow("Content-Length with chunked") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n") + chunked.mid(17)
                                                 << false << A::KeepOpen << QByteArray("GET") << E::Protocol << 0 << QByteArray();
    QTest::newRow("head over 64 KiB") << "HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n"
                                      << false << A::KeepOpen << QByteArray("GET") << E::Protocol << 0 << QByteArray();
    QTest::newRow("closed mid-body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial") << false << A::Close
                                     << QByteArray("GET") << E::ConnectionClosed << 0 << QByteArray();
    QTest::newRow("closed mid-chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc") << false
                                      << A::Close << QByteArray("GET") << E::ConnectionClosed << 0 << QByteArray();
    QTest::newRow("closed without a byte") << QByteArray() << false << A::Close << QByteArray("GET") << E::ConnectionClosed << 0
                                           << QByteArray();
}

void TestLeanTransport::exchange()
{
    QFETCH(QByteArray, reply);
    QFETCH(bool, dribble);
    QFETCH(ScriptedReply::After, after);
    QFETCH(QByteArray, method);
    QFETCH(TransportError, error);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    ScriptedServer server;
    QVERIFY(server.listen());
    ScriptedReply scripted;
    scripted.bytes = reply;
    scripted.dribble = dribble;
    scripted.after = after;
    server.setReplies({scripted});
    LeanTransport transport;
    const TransportResponse response = exchange(transport, request(server.url(), method));
    QCOMPARE(response.error, error);
    QCOMPARE(response.errorString.isEmpty(), error == TransportError::None);
    QCOMPARE(response.status, status);
    QCOMPARE(response.body, body);
    QCOMPARE(server.acceptCount(), 1); // no retry on a fresh connection
    QCOMPARE(transport.activeCalls(), 0);
}

// No headers of the transport's own but Host and Content-Length, the path byte for byte.
void TestLeanTransport::requestGoesOutAsGiven()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}});
    LeanTransport transport;
    TransportRequest purge = request(server.url(QStringLiteral("/a/./b/../c?x=1")), "PURGE");
    purge.headers = {{"X-Empty", ""}, {"x-lower", "Value"}};
    QCOMPARE(exchange(transport, purge).status, 200);
    TransportRequest post = request(server.url(QStringLiteral("/form")), "POST");
    post.headers = {{"Host", "shop.example.com"}};
    post.body = "a=b";
    post.sendBody = true;
    QCOMPARE(exchange(transport, post).status, 200);
    TransportRequest empty = request(server.url(QStringLiteral("/e")), "PUT");
    empty.sendBody = true;
    QCOMPARE(exchange(transport, empty).status, 200);

    const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(server.port()) + "\r\n";
    QCOMPARE(server.requests().size(), 3);
    QCOMPARE(server.requests().at(0), "PURGE /a/./b/../c?x=1 HTTP/1.1\r\n" + host + "X-Empty:\r\nx-lower: Value\r\n\r\n");
    QCOMPARE(server.requests().at(1), QByteArray("POST /form HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 3\r\n\r\na=b"));
    QCOMPARE(server.requests().at(2), "PUT /e HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n");
}

// keepAllHeaders false: only keptHeaders (any case) come back, across answers on one connection,
// whatever the split of the reads; the default keeps every header.
void TestLeanTransport::onlyTheNamedHeadersAreKept()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    const QByteArray answer = "HTTP/1.1 200 OK\r\nServer: nginx\r\nX-Cache: HIT\r\nDate: today\r\nage: 3\r\n"
                              "Content-Length: 2\r\n\r\nok";
    ScriptedReply dribbled{answer};
    dribbled.dribble = true;
    server.setReplies({{answer}, dribbled, {answer}});
    LeanTransport transport;
    TransportRequest named = request(server.url());
    named.keepAllHeaders = false;
    named.keptHeaders = {"x-cache", "Age"};
    for (int i = 0; i < 2; ++i) {
        const TransportResponse response = exchange(transport, named);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("ok"));
        QCOMPARE(response.headers, (HttpHeaders{{"X-Cache", "HIT"}, {"age", "3"}}));
    }
    const TransportResponse all = exchange(transport, request(server.url()));
    QCOMPARE(all.headers.size(), 5);
    QCOMPARE(headerOf(all, "Server"), QByteArray("nginx"));
    QCOMPARE(server.acceptCount(), 1);
}

void TestLeanTransport::connectionIsReusedAcrossRequests()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
    LeanTransport transport;
    for (int i = 0; i < 5; ++i)
        QCOMPARE(exchange(transport, request(server.url())).status, 200);
    QCOMPARE(server.requests().size(), 5);
    QCOMPARE(server.acceptCount(), 1);
    QCOMPARE(transport.idleConnections(), 1);
}

void TestLeanTransport::connectionCloseIsHonoured()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    // The server says it will close but keeps the socket open: the transport must not reuse it.
    server.setReplies({{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"}});
    LeanTransport transport;
    for (int i = 0; i < 3; ++i)
        QCOMPARE(exchange(transport, request(server.url())).status, 200);
    QCOMPARE(server.acceptCount(), 3);
    QCOMPARE(transport.idleConnections(), 0);
}

void TestLeanTransport::idleCloseArrivesAsAnEvent()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
    LeanTransport transport;
    QCOMPARE(exchange(transport, request(server.url())).status, 200);
    QCOMPARE(transport.idleConnections(), 1);
    server.closeConnections();
    QTRY_COMPARE(transport.openConnections(), 0);
    QCOMPARE(exchange(transport, request(server.url())).status, 200);
    QCOMPARE(server.acceptCount(), 2);
}

// The backend's keep-alive timeout fires just as the next request arrives: it closes without a
// byte of answer. That request goes again, once, on a fresh connection.
void TestLeanTransport::staleConnectionIsRetriedOnce()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    const QByteArray ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    ScriptedReply closing;
    closing.closeOnRequest = true;
    server.setReplies({{ok}, closing, {ok}});
    LeanTransport transport;
    QCOMPARE(exchange(transport, request(server.url())).status, 200);
    const TransportResponse second = exchange(transport, request(server.url(QStringLiteral("/again"))));
    QCOMPARE(second.error, TransportError::None);
    QCOMPARE(second.status, 200);
    QCOMPARE(server.acceptCount(), 2);
    QCOMPARE(server.requests().size(), 3);
    QVERIFY(server.requests().at(2).startsWith("GET /again HTTP/1.1\r\n"));
}

void TestLeanTransport::freshConnectionClosingIsNotRetried()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    const QByteArray ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    ScriptedReply closing;
    closing.closeOnRequest = true;
    // Reused, closes; retried fresh, closes again: an error, and no third try.
    server.setReplies({{ok}, closing, closing, {ok}});
    LeanTransport transport;
    QCOMPARE(exchange(transport, request(server.url())).status, 200);
    QCOMPARE(exchange(transport, request(server.url())).error, TransportError::ConnectionClosed);
    QCOMPARE(server.acceptCount(), 2);
    QCOMPARE(server.requests().size(), 3);
}

void TestLeanTransport::timeout()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ScriptedReply silent;
    silent.silent = true;
    server.setReplies({silent, {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}});
    LeanTransport transport;
    TransportRequest slow = request(server.url());
    slow.timeoutMs = 200;
    QElapsedTimer clock;
    clock.start();
    const TransportResponse response = exchange(transport, slow);
    QCOMPARE(response.error, TransportError::Timeout);
    QVERIFY(clock.elapsed() >= 190);
    QCOMPARE(transport.openConnections(), 0); // half an exchange: not reusable
    QCOMPARE(exchange(transport, request(server.url())).status, 200);
}

void TestLeanTransport::refused()
{
    LeanTransport transport;
    const ReservedPort closed;
    const TransportResponse response = exchange(transport, request(QStringLiteral("http://127.0.0.1:%1/").arg(closed.port())));
    QCOMPARE(response.error, TransportError::Refused);
    QVERIFY(!response.errorString.isEmpty());
}

void TestLeanTransport::hostNotFound()
{
    LeanTransport transport;
    const TransportResponse response = exchange(transport, request(QStringLiteral("http://herald-test.invalid/")));
    QCOMPARE(response.error, TransportError::HostNotFound);
    QVERIFY(response.errorString.contains(QLatin1String("herald-test.invalid")));
}

void TestLeanTransport::hostNamesResolveAsynchronously()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}});
    LeanTransport transport;
    const QString url = QStringLiteral("http://localhost:%1/").arg(server.port());
    // Two calls before the lookup answers: both wait for it, then share one cached answer.
    std::unique_ptr<TransportCall> first(transport.send(request(url), nullptr));
    std::unique_ptr<TransportCall> second(transport.send(request(url), nullptr));
    QSignalSpy firstDone(first.get(), &TransportCall::finished);
    QSignalSpy secondDone(second.get(), &TransportCall::finished);
    QTRY_COMPARE(firstDone.count() + secondDone.count(), 2);
    QCOMPARE(firstDone.first().first().value<TransportResponse>().status, 200);
    QCOMPARE(secondDone.first().first().value<TransportResponse>().status, 200);
    QCOMPARE(server.requests().first().mid(0, server.requests().first().indexOf("\r\n\r\n")),
             "GET / HTTP/1.1\r\nHost: localhost:" + QByteArray::number(server.port()));
}

void TestLeanTransport::abortedCallNeverFinishes()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}});
    LeanTransport transport;
    std::unique_ptr<TransportCall> call(transport.send(request(server.url()), nullptr));
    QSignalSpy finished(call.get(), &TransportCall::finished);
    QSignalSpy received(&server, &ScriptedServer::requestReceived);
    QVERIFY(received.wait());
    call->abort();
    QCOMPARE(transport.activeCalls(), 0);
    QCOMPARE(transport.openConnections(), 0);
    // A later exchange completes, and the aborted call stays silent through it.
    QCOMPARE(exchange(transport, request(server.url())).status, 200);
    QCOMPARE(finished.count(), 0);
}

// What Transport::start() tells: every end, with its tag, in order.
class RecordingReceiver : public TransportCallReceiver
{
public:
    void transportCallFinished(int tag, const TransportResponse &response) override { ends.append({tag, response}); }
    QList<std::pair<int, TransportResponse>> ends;
};

void TestLeanTransport::startedExchangesReachTheirReceiver()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ScriptedReply silent;
    silent.silent = true;
    server.setReplies({{"HTTP/1.1 204 No Content\r\n\r\n"}, silent});
    LeanTransport transport;
    RecordingReceiver receiver;
    const ReservedPort closed;
    // A refusal found inside start() is told on a later turn of the event loop, never within it.
    TransportTicket refused = transport.start(request(QStringLiteral("http://127.0.0.1:%1/").arg(closed.port())), &receiver, 7);
    QVERIFY(refused);
    QCOMPARE(receiver.ends.size(), 0);
    TransportTicket answered = transport.start(request(server.url()), &receiver, 8);
    QTRY_COMPARE(receiver.ends.size(), 2);
    QCOMPARE(receiver.ends.at(0).first, 7);
    QCOMPARE(receiver.ends.at(0).second.error, TransportError::Refused);
    QCOMPARE(receiver.ends.at(1).first, 8);
    QCOMPARE(receiver.ends.at(1).second.status, 204);
    // One aborted while its request is at the server is never told; nothing stays open for it.
    QSignalSpy received(&server, &ScriptedServer::requestReceived);
    TransportTicket aborted = transport.start(request(server.url()), &receiver, 9);
    QVERIFY(received.wait());
    aborted.abort();
    QVERIFY(!aborted);
    QCOMPARE(transport.activeCalls(), 0);
    QCOMPARE(transport.openConnections(), 0);
    // A name lookup still pending when its exchange is aborted finds that exchange reused (the
    // free list gives it to the next start, here one that waits on a silent server) and must
    // leave the new use alone: nothing goes to the looked-up server.
    ScriptedServer quiet;
    QVERIFY(quiet.listen());
    quiet.setReplies({silent});
    const int requestsBefore = server.requests().size();
    TransportTicket byName = transport.start(request(QStringLiteral("http://localhost:%1/").arg(server.port())), &receiver, 10);
    byName.abort();
    TransportRequest waiting = request(quiet.url());
    waiting.timeoutMs = 500;
    transport.start(waiting, &receiver, 11);
    QTRY_COMPARE(receiver.ends.size(), 3);
    QCOMPARE(receiver.ends.at(2).first, 11);
    QCOMPARE(receiver.ends.at(2).second.error, TransportError::Timeout);
    QCOMPARE(quiet.requests().size(), 1);
    QCOMPARE(server.requests().size(), requestsBefore);
    Q_UNUSED(refused);
    Q_UNUSED(answered);
}

void TestLeanTransport::staleTicketsAbortNothing()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}, {"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate"}});
    LeanTransport transport;
    RecordingReceiver receiver;
    TransportTicket first = transport.start(request(server.url()), &receiver, 1);
    QTRY_COMPARE(receiver.ends.size(), 1);
    // The first exchange ended; its carrier now serves the second, whose answer cannot have come
    // yet (it needs the event loop). The old ticket names the old use and must not stop the new.
    transport.start(request(server.url()), &receiver, 2);
    first.abort();
    QTRY_COMPARE(receiver.ends.size(), 2);
    QCOMPARE(receiver.ends.at(1).first, 2);
    QCOMPARE(receiver.ends.at(1).second.body, QByteArray("late"));
}

// Two failures found inside send() (no descriptor left for a socket) wait together to be told;
// the first one's slot deletes the second call outright. The second must be taken out of the
// waiting list, not told after its death (ASan catches the use after free this once was).
void TestLeanTransport::aCallDeletedWhileItsFailureWaitsIsNeverTold()
{
    LeanTransport transport;
    const ReservedPort closed;
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(closed.port());
    rlimit saved{};
    QVERIFY(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit none = saved;
    none.rlim_cur = 0; // socket() fails at once with EMFILE
    QVERIFY(setrlimit(RLIMIT_NOFILE, &none) == 0);
    std::unique_ptr<TransportCall> first(transport.send(request(url), nullptr));
    auto second = std::make_unique<std::unique_ptr<TransportCall>>(transport.send(request(url), nullptr));
    QVERIFY(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    QSignalSpy firstDone(first.get(), &TransportCall::finished);
    connect(first.get(), &TransportCall::finished, this, [&second] { second->reset(); });
    QTRY_COMPARE(firstDone.count(), 1);
    const TransportResponse response = firstDone.first().first().value<TransportResponse>();
    QCOMPARE(response.error, TransportError::Refused);
    QVERIFY2(response.errorString.contains(QLatin1String("Too many open files")), qPrintable(response.errorString));
    QVERIFY(!*second);
    QTest::qWait(50);
    QCOMPARE(transport.activeCalls(), 0);
}

QTEST_MAIN(TestLeanTransport)
#include "tst_leantransport.moc"
