// The libmicrohttpd listener on its own, spoken to with raw bytes over real loopback sockets:
// byte-exact requests, framing, limits and hostile input, answers given later, clients that
// leave, keep-alive, pipelining, draining and TLS.
#include "http/httplistener.h"
#include "http/pendingrequest.h"
#include "rawhttpclient.h"
#include "testcertificate.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>

using namespace herald;
using herald::test::RawHttpClient;
using herald::test::RawHttpResponse;

namespace {

const QByteArray kTarget = "/a%20b/c?x=1&y=%2F&z";

// The test handler's answer: the request as it reached the handler, as JSON, byte fields in base64.
HttpServerResponse echo(const HttpServerRequest &request)
{
    QJsonArray headers;
    for (const HttpHeader &header : request.headers)
        headers.append(QJsonArray{QString::fromLatin1(header.first), QString::fromLatin1(header.second.toBase64())});
    const QJsonObject json{{"method", QString::fromLatin1(request.method)},
                           {"target", QString::fromLatin1(request.pathAndQuery.toBase64())},
                           {"version", QString::fromLatin1(request.version)},
                           {"headers", headers},
                           {"body", QString::fromLatin1(request.body.toBase64())},
                           {"tls", request.tls}};
    HttpServerResponse response;
    response.headers = {{"Content-Type", "application/json"}, {"X-Target", request.pathAndQuery}};
    response.body = QJsonDocument(json).toJson(QJsonDocument::Compact);
    return response;
}

// Text with a NUL byte between its two halves.
QByteArray withNul(const char *before, const char *after)
{
    return QByteArray(before) + '\0' + QByteArray(after);
}

QByteArray get(const QByteArray &target)
{
    return "GET " + target + " HTTP/1.1\r\nHost: shop\r\n\r\n";
}

} // namespace

class TestHttpListener : public QObject
{
    Q_OBJECT

    std::unique_ptr<HttpListener> m_listener;
    QList<HttpServerRequest> m_seen;        // every request the handler got, in order
    QList<QPointer<PendingRequest>> m_held; // requests the test answers itself, later
    bool m_answerLater = false;
    std::function<HttpServerResponse(const HttpServerRequest &)> m_answer = echo;

    void startListener(HttpListener::Settings settings = {})
    {
        m_listener = std::make_unique<HttpListener>();
        settings.address = QHostAddress::LocalHost;
        settings.port = 0;
        QString error;
        QVERIFY2(m_listener->listen(settings, &error), qPrintable(error));
        QVERIFY(m_listener->port() != 0);
        connect(m_listener.get(), &HttpListener::requestReceived, this, [this](PendingRequest *pending) {
            m_seen.append(pending->request());
            if (m_answerLater)
                m_held.append(pending);
            else
                pending->respond(m_answer(pending->request()));
        });
    }

    std::unique_ptr<RawHttpClient> client(bool tls = false)
    {
        auto raw = std::make_unique<RawHttpClient>();
        raw->connectToPort(m_listener->port(), tls);
        return raw;
    }

    // One request on a fresh connection; waits for its answer or for the connection to close.
    RawHttpResponse exchange(const QByteArray &bytes, bool *closed = nullptr)
    {
        auto raw = client();
        raw->send(bytes);
        QSignalSpy answered(raw.get(), &RawHttpClient::responseReceived);
        QSignalSpy ended(raw.get(), &RawHttpClient::closed);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty() || !ended.isEmpty(), 10000); }();
        if (closed) // a refusal closes the connection right after its answer
            *closed = raw->isClosed() || ended.wait(5000);
        return raw->responses().value(0);
    }

    // A full round trip on another connection: once it is answered, the listener has run over
    // everything that arrived before, so "nothing happened" can be checked without sleeping.
    void barrier()
    {
        const qsizetype seen = m_seen.size();
        const bool later = std::exchange(m_answerLater, false);
        const RawHttpResponse response = exchange(get("/barrier"));
        m_answerLater = later;
        QCOMPARE(response.status, 200);
        m_seen.removeAt(seen); // the barrier itself is no part of what the test looks at
    }

private Q_SLOTS:
    void init()
    {
        m_answerLater = false;
        m_answer = echo;
        m_seen.clear();
        m_held.clear();
    }
    void cleanup() { m_listener.reset(); }

    void everyMethodTokenReachesTheHandler_data()
    {
        QTest::addColumn<QByteArray>("method");
        for (const char *method :
             {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "BAN", "REFRESH", "FOOBAR", "X-Custom_1"})
            QTest::newRow(method) << QByteArray(method);
    }
    void everyMethodTokenReachesTheHandler()
    {
        QFETCH(QByteArray, method);
        startListener();
        const RawHttpResponse response = exchange(method + ' ' + kTarget + " HTTP/1.1\r\nHost: shop\r\n\r\n");
        QCOMPARE(response.status, 200);
        QCOMPARE(m_seen.size(), 1);
        QCOMPARE(m_seen.first().method, method);
        QCOMPARE(m_seen.first().pathAndQuery, kTarget);
        QCOMPARE(m_seen.first().version, QByteArray("HTTP/1.1"));
    }

    void targetIsByteExact_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("escapes and query") << kTarget;
        QTest::newRow("empty query") << QByteArray("/p?");
        QTest::newRow("odd query") << QByteArray("/p?q=%00&r=%zz&&==&a+b=c+d");
        QTest::newRow("double slashes") << QByteArray("//double//slash/?x");
        QTest::newRow("encoded slash and utf-8") << QByteArray("/caf%C3%A9%2Fmenu;v=1");
        QTest::newRow("raw high bytes") << QByteArray("/\xc3\xa9t\xc3\xa9?q=\xff");
        QTest::newRow("asterisk") << QByteArray("*");
        QTest::newRow("absolute form") << QByteArray("http://shop.example/x?y=%41");
    }
    void targetIsByteExact()
    {
        QFETCH(QByteArray, target);
        startListener();
        const RawHttpResponse response = exchange("PURGE " + target + " HTTP/1.1\r\nHost: shop\r\n\r\n");
        QCOMPARE(response.status, 200);
        QCOMPARE(m_seen.size(), 1);
        QCOMPARE(m_seen.first().pathAndQuery, target);
        const QJsonObject json = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(QByteArray::fromBase64(json.value("target").toString().toLatin1()), target);
    }

    void headersKeepOrderCaseAndBytes()
    {
        startListener();
        const QByteArray longValue(4000, 'v');
        const RawHttpResponse response = exchange("GET / HTTP/1.1\r\n"
                                                  "Host: shop\r\n"
                                                  "X-Repeat: 1\r\n"
                                                  "x-lower: a, b\r\n"
                                                  "x-repeat: 2\r\n"
                                                  "X-Empty:\r\n"
                                                  "X-Padded: \t padded value \t \r\n"
                                                  "X-Inner:a\tb  c\r\n"
                                                  "X-Utf8: \xe2\x82\xac\r\n"
                                                  "X-Long: "
                                                  + longValue
                                                  + "\r\n"
                                                    "\r\n");
        QCOMPARE(response.status, 200);
        QCOMPARE(m_seen.size(), 1);
        // Each line as its own field, in order, names as sent, values without surrounding whitespace.
        const HttpHeaders expected = {{"Host", "shop"},       {"X-Repeat", "1"},
                                      {"x-lower", "a, b"},    {"x-repeat", "2"},
                                      {"X-Empty", ""},        {"X-Padded", "padded value"},
                                      {"X-Inner", "a\tb  c"}, {"X-Utf8", "\xe2\x82\xac"},
                                      {"X-Long", longValue}};
        QCOMPARE(m_seen.first().headers, expected);
        const QJsonArray echoed = QJsonDocument::fromJson(response.body).object().value("headers").toArray();
        QCOMPARE(echoed.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QCOMPARE(echoed.at(i).toArray().at(0).toString().toLatin1(), expected.at(i).first);
            QCOMPARE(QByteArray::fromBase64(echoed.at(i).toArray().at(1).toString().toLatin1()), expected.at(i).second);
        }
    }

    void peerAndTransport()
    {
        startListener();
        auto raw = client();
        raw->send(get("/peer"));
        QTRY_COMPARE(raw->responses().size(), 1);
        QCOMPARE(m_seen.first().peerAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(m_seen.first().peerPort, raw->localPort());
        QCOMPARE(m_seen.first().tls, false);
    }

    void bodies_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("body");
        QByteArray binary;
        for (int i = 0; i < 1024 * 1024; ++i)
            binary.append(char((i * 7 + i / 256) % 256));
        QByteArray chunkedBinary;
        for (qsizetype at = 0; at < binary.size(); at += 65536)
            chunkedBinary += QByteArray::number(65536, 16) + "\r\n" + binary.mid(at, 65536) + "\r\n";
        QTest::newRow("content-length") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")
                                        << QByteArray("hello world");
        QTest::newRow("empty content-length")
            << QByteArray("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n") << QByteArray();
        QTest::newRow("chunked") << QByteArray(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                                 << QByteArray("hello world");
        QTest::newRow("chunked, extension and trailer") << QByteArray(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n")
                                                        << QByteArray("hello");
        QTest::newRow("body on a PURGE") << withNul("PURGE /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n", "\r\n")
                                         << withNul("", "\r\n");
        QTest::newRow("1 MiB binary, content-length")
            << QByteArray("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n") + binary << binary;
        QTest::newRow("1 MiB binary, chunked")
            << QByteArray("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") + chunkedBinary + "0\r\n\r\n"
            << binary;
    }
    void bodies()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, body);
        startListener();
        const RawHttpResponse response = exchange(request);
        QCOMPARE(response.status, 200);
        QCOMPARE(m_seen.size(), 1);
        QVERIFY(m_seen.first().body == body);
        QVERIFY(QByteArray::fromBase64(QJsonDocument::fromJson(response.body).object().value("body").toString().toLatin1()) == body);
    }

    // What a client gets for what the listener refuses; the handler never sees any of it.
    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("reason"); // in the body; empty where MHD answers with its own HTML
        const QByteArray post = "POST / HTTP/1.1\r\nHost: h\r\n";
        // limits (maxBodyBytes 1024, maxHeaderBytes 4096)
        QTest::newRow("body over limit, content-length") << post + "Content-Length: 2000\r\n\r\n" + QByteArray(2000, 'x') << 413
                                                         << QByteArray("request body over the limit of 1024 bytes");
        QTest::newRow("body over limit, content-length, no body sent")
            << post + "Content-Length: 99999999\r\n\r\n"
            << 413 << QByteArray("request body over the limit of 1024 bytes");
        QTest::newRow("body over limit, chunked")
            << post + "Transfer-Encoding: chunked\r\n\r\n400\r\n" + QByteArray(1024, 'x') + "\r\n1\r\ny\r\n0\r\n\r\n"
            << 413 << QByteArray("request body over the limit of 1024 bytes");
        QTest::newRow("head over limit") << "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + QByteArray(5000, 'a') + "\r\n\r\n"
                                         << 431 << QByteArray("request head over the limit of 4096 bytes");
        QTest::newRow("head over limit in many fields")
            << "GET / HTTP/1.1\r\nHost: h\r\n" + QByteArray("X-Field: 0123456789\r\n").repeated(200) + "\r\n"
            << 431 << QByteArray("request head over the limit of 4096 bytes");
        QTest::newRow("request line over limit") << "GET /" + QByteArray(5000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n"
                                                 << 414 << QByteArray("request line over the limit of 4096 bytes");
        QTest::newRow("head beyond MHD's pool") << "GET / HTTP/1.1\r\nHost: h\r\nX-Huge: " + QByteArray(40000, 'a') + "\r\n\r\n"
                                                << 431 << QByteArray();
        // request line
        QTest::newRow("space in method") << QByteArray("GE T / HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                         << QByteArray("request-target contains a space or a control byte");
        QTest::newRow("space in target") << QByteArray("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                         << QByteArray("request-target contains a space or a control byte");
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                    << QByteArray("malformed request line");
        QTest::newRow("NUL in target") << withNul("GET /a", "b HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                       << QByteArray("malformed request line");
        QTest::newRow("control byte in target") << QByteArray("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                                << QByteArray("request-target contains a space or a control byte");
        QTest::newRow("method not a token") << QByteArray("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                            << QByteArray("method is not a token");
        // header syntax
        QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-A : b\r\n\r\n") << 400
                                            << QByteArray("malformed header name 'X-A '");
        QTest::newRow("empty name") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n") << 400
                                    << QByteArray("malformed header section");
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Fold: one\r\n two\r\n\r\n") << 400
                                  << QByteArray("folded line (obs-fold)");
        QTest::newRow("NUL in value") << withNul("GET / HTTP/1.1\r\nHost: h\r\nX-N: a", "b\r\n\r\n") << 400
                                      << QByteArray("a NUL byte");
        QTest::newRow("control byte in value") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-C: a\x01z\r\n\r\n") << 400
                                               << QByteArray("header 'X-C' contains a control byte");
        QTest::newRow("bare CR in value") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-C: a\rz\r\n\r\n") << 400
                                          << QByteArray("header 'X-C' contains a control byte");
        // framing: one unambiguous length, or request smuggling becomes possible
        QTest::newRow("CL and TE") << post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                   << 400 << QByteArray("request has both Content-Length and Transfer-Encoding");
        QTest::newRow("TE and CL") << post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"
                                   << 400 << QByteArray("request has both Content-Length and Transfer-Encoding");
        QTest::newRow("two Content-Lengths") << post + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde" << 400
                                             << QByteArray("more than one Content-Length header");
        QTest::newRow("two Transfer-Encodings")
            << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            << 400 << QByteArray("more than one Transfer-Encoding header");
        QTest::newRow("TE not ending in chunked") << post + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"
                                                  << 400 << QByteArray("does not end with chunked");
        QTest::newRow("TE with another coding") << post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
                                                << 501 << QByteArray("not supported: only 'chunked'");
        QTest::newRow("TE in HTTP/1.0") << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 400
                                        << QByteArray("Transfer-Encoding in an HTTP/1.0 request");
        QTest::newRow("malformed Content-Length") << post + "Content-Length: 5, 5\r\n\r\nabcde" << 400 << QByteArray();
        QTest::newRow("bad chunk size") << post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
                                        << 400 << QByteArray();
        QTest::newRow("no Host in HTTP/1.1")
            << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << QByteArray("HTTP/1.1 request without a Host header");
        QTest::newRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400
                                   << QByteArray("more than one Host header");
    }
    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, reason);
        HttpListener::Settings settings;
        settings.maxBodyBytes = 1024;
        settings.maxHeaderBytes = 4096;
        startListener(settings);
        bool closed = false;
        const RawHttpResponse response = exchange(request, &closed);
        QCOMPARE(response.status, status);
        if (!reason.isEmpty()) {
            QVERIFY2(response.body.contains(reason), response.body.constData());
            QCOMPARE(response.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));
        }
        QVERIFY(closed); // after a refusal the rest of the stream cannot be trusted
        QCOMPARE(m_seen.size(), 0);
        QCOMPARE(exchange(get("/next")).status, 200); // and the listener keeps serving
    }

    // A head up to the limit reaches the handler, on a fresh connection and on a reused one, in
    // one field or in up to 512 (700 passed here): MHD's pool (2 x the limit + 16 KiB) must not
    // refuse it first.
    void headsUpToTheLimitAreServed_data()
    {
        QTest::addColumn<int>("fields");
        for (const int fields : {1, 16, 128, 512})
            QTest::addRow("%d fields", fields) << fields;
    }
    void headsUpToTheLimitAreServed()
    {
        QFETCH(int, fields);
        HttpListener::Settings settings; // the default limit, 32 KiB
        startListener(settings);
        const QByteArray start = "GET /big HTTP/1.1\r\nHost: h\r\n";
        const int room = settings.maxHeaderBytes - int(start.size()) - 2; // the blank line
        QByteArray head = start;
        for (int i = 0; i < fields; ++i) {
            const QByteArray name = "X-F" + QByteArray::number(i) + ": ";
            const int valueBytes = room / fields - int(name.size()) - 2;
            head += name + QByteArray(valueBytes, 'v') + "\r\n";
        }
        head += "\r\n";
        QVERIFY(head.size() <= settings.maxHeaderBytes);
        QVERIFY(head.size() > settings.maxHeaderBytes - 2 * fields - 8);
        auto raw = client();
        for (int round = 0; round < 3; ++round) {
            raw->send(head);
            QTRY_COMPARE_WITH_TIMEOUT(raw->responses().size(), round + 1, 10000);
            QCOMPARE(raw->responses().last().status, 200);
        }
        QCOMPARE(m_seen.size(), 3);
        QCOMPARE(m_seen.last().headers.size(), fields + 1);
    }

    // Request lines libmicrohttpd 0.9.75 would drop without a word (no space, an empty method) or
    // answer with its own HTML (version): the RequestLineGuard answers them first, with a reason.
    void malformedRequestLines_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("reason");
        const QByteArray host = "\r\nHost: h\r\n\r\n";
        QTest::newRow("GARBAGE") << QByteArray("GARBAGE\r\n\r\n") << 400 << QByteArray("malformed request line: no space");
        QTest::newRow("method alone") << QByteArray("GET\r\n\r\n") << 400 << QByteArray("malformed request line: no space");
        QTest::newRow("bare LF") << QByteArray("GARBAGE\n\n") << 400 << QByteArray("malformed request line: no space");
        QTest::newRow("after empty lines") << QByteArray("\r\n\r\nGARBAGE\r\n\r\n") << 400
                                           << QByteArray("malformed request line: no space");
        QTest::newRow("control bytes") << QByteArray("\x01\x02\x7f\x1b\r\n\r\n") << 400
                                       << QByteArray("malformed request line: no space");
        QTest::newRow("empty method") << " / HTTP/1.1" + host << 400 << QByteArray("malformed request line: empty method");
        QTest::newRow("tab first") << "\t/ HTTP/1.1" + host << 400 << QByteArray("malformed request line: empty method");
        QTest::newRow("spaces only") << QByteArray("   \r\n\r\n") << 400 << QByteArray("malformed request line: empty method");
        QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400 << QByteArray("malformed request line: no HTTP version");
        QTest::newRow("method and space") << QByteArray("GET \r\n\r\n") << 400
                                          << QByteArray("malformed request line: no HTTP version");
        QTest::newRow("junk after version") << "GET / HTTP/1.1 x" + host << 400 << QByteArray("malformed HTTP version 'x'");
        QTest::newRow("misspelt version") << "GET / HTTQ/1.1" + host << 400 << QByteArray("malformed HTTP version 'HTTQ/1.1'");
        QTest::newRow("lower-case version") << "GET / http/1.1" + host << 400 << QByteArray("malformed HTTP version 'http/1.1'");
        QTest::newRow("short version") << "GET / HTTP/1" + host << 400 << QByteArray("malformed HTTP version 'HTTP/1'");
        QTest::newRow("trailing space") << "GET / HTTP/1.1 " + host << 400 << QByteArray("malformed HTTP version 'HTTP/1.1 '");
        QTest::newRow("control byte in version")
            << "GET / HTTP/1.\x01" + host << 400 << QByteArray("malformed HTTP version 'HTTP/1.?'");
        QTest::newRow("HTTP/2.0") << "GET / HTTP/2.0" + host << 505
                                  << QByteArray("HTTP version 'HTTP/2.0' not supported: only HTTP/1.x");
        QTest::newRow("HTTP/0.9") << "GET / HTTP/0.9" + host << 505 << QByteArray("HTTP version 'HTTP/0.9' not supported");
        // Lines the guard lets through for libmicrohttpd and the head check to refuse
        QTest::newRow("extra space") << "GET  / HTTP/1.1" + host << 400 << QByteArray("malformed request line");
        QTest::newRow("space inside") << "GET /a b HTTP/1.1" + host << 400 << QByteArray("request-target contains a space");
        QTest::newRow("control bytes with spaces") << "\x01 \x02 HTTP/1.1" + host << 400 << QByteArray("method is not a token");
    }
    void malformedRequestLines()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, reason);
        startListener();
        bool closed = false;
        const RawHttpResponse response = exchange(request, &closed);
        QCOMPARE(response.status, status);
        QVERIFY2(response.body.contains(reason), response.body.constData());
        QCOMPARE(response.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(closed);
        QCOMPARE(m_seen.size(), 0);
        QCOMPARE(exchange(get("/next")).status, 200);
    }

    // The guard knows where a request line starts after a request on the same connection too, and
    // judges a line that arrives in pieces. (Not after pipelined requests or a chunked body, where it
    // cannot: listener.md.)
    void malformedRequestLineLater_data()
    {
        QTest::addColumn<QByteArray>("first"); // answered before the garbage is sent; empty: none
        QTest::addColumn<QList<QByteArray>>("pieces");
        const QList<QByteArray> garbage = {"GARBAGE\r\n\r\n"};
        QTest::newRow("after a GET") << get("/one") << garbage;
        QTest::newRow("after a POST with a body")
            << QByteArray("POST /one HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello") << garbage;
        QTest::newRow("in pieces") << QByteArray() << QList<QByteArray>{"GAR", "BA", "GE\r\n\r\n"};
        QTest::newRow("in pieces after a GET") << get("/one") << QList<QByteArray>{"GET", "\r", "\n\r\n"};
    }
    void malformedRequestLineLater()
    {
        QFETCH(QByteArray, first);
        QFETCH(QList<QByteArray>, pieces);
        startListener();
        auto raw = client();
        qsizetype answered = 0;
        if (!first.isEmpty()) {
            raw->send(first);
            answered = first.count("HTTP/1.1\r\n");
            QTRY_COMPARE(raw->responses().size(), answered);
        }
        for (const QByteArray &piece : pieces) {
            raw->send(piece);
            barrier(); // the listener has run over this piece before the next is sent
        }
        QTRY_COMPARE_WITH_TIMEOUT(raw->responses().size(), answered + 1, 10000);
        QCOMPARE(raw->responses().last().status, 400);
        QVERIFY(raw->responses().last().body.contains("malformed request line: no space"));
        QTRY_VERIFY(raw->isClosed());
        QCOMPARE(m_seen.size(), answered);
    }

    // curl and others ask before sending a large body; MHD answers 100 by itself, or our refusal.
    void hugeHeads_data()
    {
        QTest::addColumn<QByteArray>("request");
        QByteArray manyHeaders = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 10000; ++i)
            manyHeaders += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("10,000 headers") << manyHeaders + "\r\n";
        QTest::newRow("1 MiB header") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Huge: ") + QByteArray(1024 * 1024, 'h')
                                             + "\r\n\r\n";
    }
    void hugeHeads()
    {
        QFETCH(QByteArray, request);
        startListener();
        const RawHttpResponse response = exchange(request);
        QVERIFY2(response.status == 431 || response.status == 414, QByteArray::number(response.status).constData());
        barrier();
        QCOMPARE(m_seen.size(), 0);
    }

    void clientLeavingMidBodyReachesNothing()
    {
        startListener();
        {
            auto raw = client();
            raw->send("POST /partial HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\nonly ten b");
            barrier(); // the partial request has been read by now
            raw->abort();
        }
        QTRY_COMPARE(m_listener->openConnections(), 0);
        QCOMPARE(m_seen.size(), 0); // half a body is never a request
    }

    void fiveHundredSlowClientsAreCutOffAndOthersServed()
    {
        HttpListener::Settings settings;
        settings.headerTimeoutMs = 1000;
        startListener(settings);
        std::vector<std::unique_ptr<RawHttpClient>> slow;
        for (int i = 0; i < 500; ++i) {
            slow.push_back(client());
            slow.back()->send("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: ");
        }
        QTRY_COMPARE(m_listener->openConnections(), 500);
        // Served meanwhile: the slow ones hold connections, not the listener.
        QCOMPARE(exchange(get("/meanwhile")).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_listener->openConnections(), 0, 10000);
        QCOMPARE(m_seen.size(), 1);
    }

    void expectContinue()
    {
        HttpListener::Settings settings;
        settings.maxBodyBytes = 1024;
        startListener(settings);
        auto raw = client();
        raw->send("PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        QTRY_COMPARE(raw->responses().size(), 1);
        QCOMPARE(raw->responses().first().status, 100);
        raw->send("hello");
        QTRY_COMPARE(raw->responses().size(), 2);
        QCOMPARE(raw->responses().at(1).status, 200);
        QCOMPARE(m_seen.first().body, QByteArray("hello"));

        auto refused = client();
        refused->send("PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
        QTRY_COMPARE(refused->responses().size(), 1);
        QCOMPARE(refused->responses().first().status, 413); // at once, and no 100 before it
        QTRY_VERIFY(refused->isClosed());
        QCOMPARE(m_seen.size(), 1);
    }

    void responseIsSentAsGiven()
    {
        startListener();
        m_answer = [](const HttpServerRequest &) {
            HttpServerResponse response;
            response.status = 207;
            response.headers = {{"X-B", "2"}, {"x-a", "1"}, {"X-B", "3"}, {"Content-Length", "999"}, {"Cache-Control", "no-store"}};
            response.body = withNul("", "\x01\xff binary\r\n\r\n");
            return response;
        };
        const RawHttpResponse response = exchange(get("/"));
        QCOMPARE(response.status, 207);
        QCOMPARE(response.body, withNul("", "\x01\xff binary\r\n\r\n"));
        QCOMPARE(response.header("Content-Length"), QByteArray("14")); // framed by the listener, not the handler
        QStringList order;
        for (const auto &header : response.headers) {
            if (header.first.toLower().startsWith("x-") || header.first == "Cache-Control")
                order.append(QString::fromLatin1(header.first + '=' + header.second));
        }
        QCOMPARE(order, QStringList({"X-B=2", "x-a=1", "X-B=3", "Cache-Control=no-store"}));
    }

    void invalidStatusBecomes500()
    {
        startListener();
        m_answer = [](const HttpServerRequest &) { return HttpServerResponse{42, {}, "x"}; };
        QTest::ignoreMessage(QtWarningMsg, "handler answered with invalid status 42 - sending 500");
        QCOMPARE(exchange(get("/")).status, 500);
    }

    void headAnswerHasNoBody()
    {
        startListener();
        auto raw = client();
        raw->send("HEAD /h HTTP/1.1\r\nHost: shop\r\n\r\n");
        QTRY_COMPARE(raw->responses().size(), 1);
        QVERIFY(raw->responses().first().header("Content-Length").toInt() > 0); // the GET's length
        raw->send(get("/after"));
        QTRY_COMPARE(raw->responses().size(), 2);
        // The second status line follows the first head directly: no body bytes in between.
        const QByteArray received = raw->received();
        QCOMPARE(received.indexOf("HTTP/1.1 200", 1), received.indexOf("\r\n\r\n") + 4);
        QCOMPARE(raw->responses().at(1).header("X-Target"), QByteArray("/after"));
    }

    void answersLater()
    {
        startListener();
        m_answerLater = true;
        auto raw = client();
        raw->send("PURGE /later HTTP/1.1\r\nHost: shop\r\n\r\n");
        QTRY_COMPARE(m_held.size(), 1);
        barrier();
        QCOMPARE(raw->received(), QByteArray()); // suspended, not answered
        QVERIFY(!m_held.first()->isAnswered());
        m_held.first()->respond(echo(m_held.first()->request()));
        m_held.first()->respond(HttpServerResponse{500, {}, "ignored"}); // only the first answer counts
        QTRY_COMPARE(raw->responses().size(), 1);
        QCOMPARE(raw->responses().first().status, 200);
        QCOMPARE(raw->responses().first().header("X-Target"), QByteArray("/later"));
        QTRY_VERIFY(m_held.first().isNull()); // deleted by the listener once the exchange is over
    }

    // MHD's idle timeout does not run while a connection waits for its answer.
    void slowAnswerOutlivesIdleTimeout()
    {
        HttpListener::Settings settings;
        settings.idleTimeoutMs = 1000;
        startListener(settings);
        m_answerLater = true;
        auto raw = client();
        raw->send(get("/slow"));
        QTRY_COMPARE(m_held.size(), 1);
        QPointer<PendingRequest> pending = m_held.first();
        QTimer::singleShot(2200, this, [pending] {
            if (pending)
                pending->respond(echo(pending->request()));
        });
        QTRY_COMPARE_WITH_TIMEOUT(raw->responses().size(), 1, 6000);
        QCOMPARE(raw->responses().first().header("X-Target"), QByteArray("/slow"));
    }

    void clientLeavingWhileSuspended_data()
    {
        QTest::addColumn<bool>("reset");
        QTest::newRow("close (FIN)") << false;
        QTest::newRow("reset (RST)") << true;
    }
    void clientLeavingWhileSuspended()
    {
        QFETCH(bool, reset);
        startListener();
        m_answerLater = true;
        auto raw = client();
        raw->send("PURGE /gone HTTP/1.1\r\nHost: shop\r\n\r\n");
        QTRY_COMPARE(m_held.size(), 1);
        QPointer<PendingRequest> pending = m_held.first();
        QSignalSpy abandoned(pending.data(), &PendingRequest::abandoned);
        reset ? raw->abort() : raw->disconnectGracefully();
        QVERIFY(abandoned.wait(5000));
        QCOMPARE(abandoned.size(), 1);
        QVERIFY(pending->isAbandoned());
        pending->respond(echo(pending->request())); // harmless now
        QTRY_VERIFY(pending.isNull());
        QTRY_COMPARE(m_listener->openConnections(), 0);
        m_answerLater = false;
        QCOMPARE(exchange(get("/still")).status, 200);
    }

    void idleConnectionIsClosed()
    {
        HttpListener::Settings settings;
        settings.idleTimeoutMs = 1000;
        startListener(settings);
        auto raw = client();
        raw->send(get("/once"));
        QTRY_COMPARE(raw->responses().size(), 1);
        QElapsedTimer idle;
        idle.start();
        QSignalSpy closed(raw.get(), &RawHttpClient::closed);
        QVERIFY(closed.wait(5000));
        QVERIFY2(idle.elapsed() >= 900, qPrintable(QString::number(idle.elapsed())));
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    // Requests still waiting when the listener goes away: their clients see the connection close.
    void destroyedWithRequestsInFlight()
    {
        startListener();
        m_answerLater = true;
        auto first = client();
        auto second = client();
        first->send(get("/one"));
        second->send("POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
        QTRY_COMPARE(m_held.size(), 2);
        m_listener.reset();
        QVERIFY(m_held.at(0).isNull() && m_held.at(1).isNull());
        QTRY_VERIFY(first->isClosed() && second->isClosed());
        QCOMPARE(first->responses().size(), 0);
    }

    void keepAliveReusesTheConnection()
    {
        startListener();
        auto raw = client();
        for (int i = 1; i <= 3; ++i) {
            raw->send(get("/k" + QByteArray::number(i)));
            QTRY_COMPARE(raw->responses().size(), i);
            QCOMPARE(raw->responses().last().header("X-Target"), "/k" + QByteArray::number(i));
        }
        QVERIFY(raw->isConnected());
        QCOMPARE(m_seen.size(), 3);
        QCOMPARE(m_listener->openConnections(), 1);
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        startListener();
        m_answerLater = true;
        auto raw = client();
        raw->send(get("/first") + "POST /second HTTP/1.1\r\nHost: shop\r\nContent-Length: 2\r\n\r\nhi" + get("/third"));
        QTRY_COMPARE(m_held.size(), 1);
        barrier();
        QCOMPARE(m_held.size(), 1); // the next request waits until this one is answered
        m_answerLater = false;
        m_held.first()->respond(echo(m_held.first()->request()));
        QTRY_COMPARE(raw->responses().size(), 3);
        QCOMPARE(raw->responses().at(0).header("X-Target"), QByteArray("/first"));
        QCOMPARE(raw->responses().at(1).header("X-Target"), QByteArray("/second"));
        QCOMPARE(raw->responses().at(2).header("X-Target"), QByteArray("/third"));
        QCOMPARE(m_seen.at(1).body, QByteArray("hi"));
    }

    void slowHeadIsCutOff()
    {
        HttpListener::Settings settings;
        settings.headerTimeoutMs = 300;
        startListener(settings);
        auto raw = client();
        // A byte every 50 ms is never idle, but the head is not complete in time (slowloris).
        const QByteArray head = "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: " + QByteArray(100, 'a');
        int sent = 0;
        QTimer drip;
        connect(&drip, &QTimer::timeout, this, [&] { raw->send(head.mid(sent++, 1)); });
        drip.start(50);
        QSignalSpy closed(raw.get(), &RawHttpClient::closed);
        QVERIFY(closed.wait(5000));
        drip.stop();
        QVERIFY2(sent < 40, qPrintable(QString::number(sent)));
        QCOMPARE(raw->responses().value(0).status, 408);
        QCOMPARE(m_seen.size(), 0);
    }

    void silentConnectionIsCutOff()
    {
        HttpListener::Settings settings;
        settings.headerTimeoutMs = 200;
        startListener(settings);
        auto raw = client();
        QSignalSpy closed(raw.get(), &RawHttpClient::closed);
        QVERIFY(closed.wait(5000));
        QCOMPARE(raw->responses().value(0).status, 408);
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    // Between requests the idle timeout applies, not the head timeout.
    void idleKeepAliveOutlivesHeadTimeout()
    {
        HttpListener::Settings settings;
        settings.headerTimeoutMs = 200;
        settings.idleTimeoutMs = 5000;
        startListener(settings);
        auto raw = client();
        raw->send(get("/one"));
        QTRY_COMPARE(raw->responses().size(), 1);
        QTimer::singleShot(700, raw.get(), [client = raw.get()] { client->send(get("/two")); });
        QTRY_COMPARE_WITH_TIMEOUT(raw->responses().size(), 2, 5000);
        QCOMPARE(raw->responses().at(1).header("X-Target"), QByteArray("/two"));
    }

    void connectionLimit()
    {
        HttpListener::Settings settings;
        settings.maxConnections = 2;
        startListener(settings);
        auto first = client();
        auto second = client();
        first->send(get("/one"));
        second->send(get("/two"));
        QTRY_COMPARE(first->responses().size(), 1);
        QTRY_COMPARE(second->responses().size(), 1);
        QCOMPARE(m_listener->openConnections(), 2);
        // A third client gets through TCP's handshake (the kernel's backlog) but is not served...
        auto third = client();
        third->send(get("/three"));
        QTRY_VERIFY(third->isConnected());
        first->send(get("/one-again"));
        QTRY_COMPARE(first->responses().size(), 2); // the listener ran after the third wrote
        QCOMPARE(m_listener->openConnections(), 2);
        QCOMPARE(third->responses().size(), 0);
        QCOMPARE(m_seen.size(), 3);
        // ...until one of the two leaves.
        second->disconnectGracefully();
        QTRY_COMPARE(third->responses().size(), 1);
        QCOMPARE(third->responses().first().header("X-Target"), QByteArray("/three"));
    }

    void stopAcceptingDrains()
    {
        startListener();
        m_answerLater = true;
        auto inFlight = client();
        inFlight->send("PURGE /in-flight HTTP/1.1\r\nHost: shop\r\n\r\n");
        QTRY_COMPARE(m_held.size(), 1);
        m_answerLater = false;
        auto idle = client();
        idle->send(get("/idle"));
        QTRY_COMPARE(idle->responses().size(), 1);
        QCOMPARE(m_listener->openConnections(), 2);

        m_listener->stopAccepting();
        auto late = client();
        QTRY_VERIFY(late->isClosed());
        QCOMPARE(late->error(), QAbstractSocket::ConnectionRefusedError);
        QTRY_VERIFY(idle->isClosed()); // nothing in flight there: closed at once
        QVERIFY(inFlight->isConnected());
        m_held.first()->respond(echo(m_held.first()->request()));
        QTRY_COMPARE(inFlight->responses().size(), 1);
        QCOMPARE(inFlight->responses().first().header("X-Target"), QByteArray("/in-flight"));
        QCOMPARE(inFlight->responses().first().header("Connection"), QByteArray("close"));
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    void tls()
    {
        herald::test::TestCertificate certificate;
        QString error;
        QVERIFY2(certificate.create(&error), qPrintable(error));
        HttpListener::Settings settings;
        settings.tlsCertFile = certificate.certificateFile();
        settings.tlsKeyFile = certificate.keyFile();
        startListener(settings);
        auto raw = client(true);
        raw->send("PURGE " + kTarget + " HTTP/1.1\r\nHost: shop\r\nContent-Length: 4\r\n\r\nbody");
        QTRY_COMPARE_WITH_TIMEOUT(raw->responses().size(), 1, 10000);
        QCOMPARE(raw->responses().first().status, 200);
        QCOMPARE(m_seen.first().pathAndQuery, kTarget);
        QCOMPARE(m_seen.first().body, QByteArray("body"));
        QCOMPARE(m_seen.first().tls, true);
    }

    void anyAddressServesBothFamilies()
    {
        HttpListener listener;
        HttpListener::Settings settings;
        settings.address = QHostAddress::Any;
        settings.port = 0;
        QString error;
        QVERIFY2(listener.listen(settings, &error), qPrintable(error));
        QList<QHostAddress> peers;
        connect(&listener, &HttpListener::requestReceived, this, [&](PendingRequest *pending) {
            peers.append(pending->request().peerAddress);
            pending->respond(echo(pending->request()));
        });
        QTcpSocket v4;
        v4.connectToHost(QHostAddress::LocalHost, listener.port());
        v4.write(get("/v4"));
        QTRY_COMPARE(peers.size(), 1);
        QCOMPARE(peers.first(), QHostAddress(QHostAddress::LocalHost)); // not ::ffff:127.0.0.1
        QTcpSocket v6;
        v6.connectToHost(QHostAddress::LocalHostIPv6, listener.port());
        if (!v6.waitForConnected(2000))
            QSKIP("no IPv6 loopback here");
        v6.write(get("/v6"));
        QTRY_COMPARE(peers.size(), 2);
        QCOMPARE(peers.at(1), QHostAddress(QHostAddress::LocalHostIPv6));
    }

    void listenErrors()
    {
        QTcpServer occupier;
        QVERIFY(occupier.listen(QHostAddress::LocalHost));
        HttpListener listener;
        HttpListener::Settings settings;
        settings.address = QHostAddress::LocalHost;
        settings.port = occupier.serverPort();
        QString error;
        QVERIFY(!listener.listen(settings, &error));
        QVERIFY2(error.contains("in use"), qPrintable(error));

        settings.port = 0;
        settings.tlsCertFile = QStringLiteral("/nonexistent/cert.pem");
        settings.tlsKeyFile = QStringLiteral("/nonexistent/key.pem");
        QVERIFY(!listener.listen(settings, &error));
        QVERIFY2(error.contains("/nonexistent/cert.pem"), qPrintable(error));

        QTemporaryFile garbage;
        QVERIFY(garbage.open());
        garbage.write("not a certificate\n");
        garbage.flush();
        settings.tlsCertFile = garbage.fileName();
        settings.tlsKeyFile = garbage.fileName();
        QVERIFY(!listener.listen(settings, &error));
        QVERIFY2(error.contains("certificate/key"), qPrintable(error)); // GnuTLS's reason, through MHD's log

        settings.tlsKeyFile.clear();
        QVERIFY(!listener.listen(settings, &error));
        QVERIFY2(error.contains("both a certificate file and a key file"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestHttpListener)
#include "tst_httplistener.moc"
