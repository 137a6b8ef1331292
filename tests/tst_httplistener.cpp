// The libmicrohttpd listener on its own, with raw bytes from real sockets: framing, limits,
// hostile input, answering later, clients that leave, pipelining and draining.
#include "httplistener.h"
#include "pendingrequest.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace herald;

class TestHttpListener : public QObject
{
    Q_OBJECT

    std::unique_ptr<HttpListener> m_listener;
    QList<QPointer<PendingRequest>> m_held; // requests answered later by the test
    QList<HttpServerRequest> m_seen;
    bool m_answerLater = false;

    void startListener(HttpListener::Settings settings = {})
    {
        m_listener = std::make_unique<HttpListener>();
        m_seen.clear();
        m_held.clear();
        settings.address = QHostAddress::LocalHost;
        settings.port = 0;
        QString error;
        QVERIFY2(m_listener->listen(settings, &error), qPrintable(error));
        connect(m_listener.get(), &HttpListener::requestReceived, this, [this](PendingRequest *pending) {
            m_seen.append(pending->request());
            if (m_answerLater) {
                m_held.append(pending);
                return;
            }
            pending->respond(echo(pending->request()));
        });
    }

    static HttpServerResponse echo(const HttpServerRequest &request)
    {
        HttpServerResponse response;
        response.headers = {{"X-Method", request.method}, {"X-Target", request.pathAndQuery}};
        response.body = request.body;
        return response;
    }

    // Sends raw bytes and reads until the peer closes or `expectedResponses` status lines arrived.
    QByteArray exchange(const QByteArray &bytes, int expectedResponses = 1, int timeoutMs = 5000)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
        if (!socket.waitForConnected(2000))
            return {};
        socket.write(bytes);
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            QSignalSpy readable(&socket, &QTcpSocket::readyRead);
            QSignalSpy closed(&socket, &QTcpSocket::disconnected);
            received += socket.readAll();
            if (received.count("HTTP/1.1 ") >= expectedResponses && received.endsWith(lastBodyEnd(received)))
                break;
            if (socket.state() != QAbstractSocket::ConnectedState)
                break;
            readable.wait(100);
        }
        return received + socket.readAll();
    }

    // Crude completeness check: a response head has arrived and its Content-Length body too.
    static QByteArray lastBodyEnd(const QByteArray &received)
    {
        const int head = received.lastIndexOf("HTTP/1.1 ");
        const int end = received.indexOf("\r\n\r\n", head);
        if (end < 0)
            return QByteArray("\x01never", 6);
        const int lengthAt = received.indexOf("Content-Length: ", head);
        const int length = lengthAt > 0 && lengthAt < end ? received.mid(lengthAt + 16, received.indexOf("\r\n", lengthAt) - lengthAt - 16).toInt() : 0;
        return received.size() >= end + 4 + length ? received.right(qMin(4, int(received.size()))) : QByteArray("\x01never", 6);
    }

    static int status(const QByteArray &response)
    {
        return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
    }

private Q_SLOTS:
    void init() { m_answerLater = false; }

    void everyMethodTokenReachesTheHandler_data()
    {
        QTest::addColumn<QByteArray>("method");
        for (const char *method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "BAN", "REFRESH", "FOOBAR", "X-CUSTOM_1"})
            QTest::newRow(method) << QByteArray(method);
    }
    void everyMethodTokenReachesTheHandler()
    {
        QFETCH(QByteArray, method);
        startListener();
        const QByteArray response = exchange(method + " /a%20b/c?x=1&y=%2F&z HTTP/1.1\r\nHost: shop\r\nX-One: 1\r\nx-two: a, b\r\n\r\n");
        QCOMPARE(status(response), 200);
        QCOMPARE(m_seen.size(), 1);
        QCOMPARE(m_seen.first().method, method);
        QCOMPARE(m_seen.first().pathAndQuery, QByteArray("/a%20b/c?x=1&y=%2F&z"));
        QCOMPARE(headerValue(m_seen.first().headers, "x-one"), QByteArray("1"));
        QCOMPARE(m_seen.first().headers.at(2).first, QByteArray("x-two")); // order and case as sent
        QCOMPARE(m_seen.first().peerAddress, QHostAddress(QHostAddress::LocalHost));
        if (method == "HEAD")
            QVERIFY(response.endsWith("\r\n\r\n")); // no body for HEAD
    }

    void bodies_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("content-length") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world") << QByteArray("hello world");
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") << QByteArray("hello world");
        QByteArray binary;
        for (int i = 0; i < 1024 * 1024; ++i)
            binary.append(char(i % 256));
        QTest::newRow("1 MiB binary") << QByteArray("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n") + binary << binary;
    }
    void bodies()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, body);
        startListener();
        const QByteArray response = exchange(request, 1, 10000);
        QCOMPARE(status(response), 200);
        QCOMPARE(m_seen.size(), 1);
        QVERIFY(m_seen.first().body == body);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("expected");
        QTest::newRow("body over limit (length)") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n") + QByteArray(2000, 'x') << 413;
        QTest::newRow("body over limit (chunked)") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n") + QByteArray(1024, 'x') + "\r\n400\r\n" + QByteArray(1024, 'y') + "\r\n0\r\n\r\n" << 413;
        QTest::newRow("header too large") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Big: ") + QByteArray(20000, 'a') + "\r\n\r\n" << 431;
        QTest::newRow("CL and TE (smuggling)") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 400;
        // libmicrohttpd closes the connection on a request line it cannot read, without an answer.
        QTest::newRow("malformed request line") << QByteArray("GET\r\n\r\n") << 0;
        QTest::newRow("space in method") << QByteArray("GE T / HTTP/1.1\r\nHost: h\r\n\r\n") << 0;
        QTest::newRow("bad header syntax") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-A : b\r\n\r\n") << 400;
        QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n") << 400;
        QTest::newRow("no Host in HTTP/1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two Content-Lengths") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde") << 400;
    }
    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, expected);
        HttpListener::Settings settings;
        settings.maxBodyBytes = 1024;
        settings.maxHeaderBytes = 8 * 1024;
        startListener(settings);
        const QByteArray response = exchange(request);
        QVERIFY2(status(response) == expected, response.left(200).constData());
        QCOMPARE(m_seen.size(), 0); // nothing half-parsed reaches the handler
        // And the listener keeps serving.
        QCOMPARE(status(exchange("GET /next HTTP/1.1\r\nHost: h\r\n\r\n")), 200);
    }

    void answersLaterAndInOrderWhenPipelined()
    {
        startListener();
        m_answerLater = true;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /first HTTP/1.1\r\nHost: h\r\n\r\nGET /second HTTP/1.1\r\nHost: h\r\n\r\n");
        QTRY_COMPARE(m_seen.size(), 1); // the second waits until the first is answered
        QTest::qWait(100);
        QCOMPARE(m_seen.size(), 1);
        m_answerLater = false;
        m_held.first()->respond(echo(m_held.first()->request()));
        QByteArray received;
        QTRY_VERIFY((received += socket.readAll()).count("HTTP/1.1 200") == 2);
        QVERIFY(received.indexOf("X-Target: /first") < received.indexOf("X-Target: /second"));
    }

    void clientLeavingWhileSuspendedIsHarmless()
    {
        startListener();
        m_answerLater = true;
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
            QVERIFY(socket.waitForConnected(2000));
            socket.write("PURGE /gone HTTP/1.1\r\nHost: h\r\n\r\n");
            QTRY_COMPARE(m_seen.size(), 1);
            socket.abort();
        }
        QVERIFY(m_held.first());
        m_held.first()->respond(echo(m_held.first()->request())); // must not crash
        QTRY_VERIFY(!m_held.first() || m_held.first()->isAbandoned() || m_held.first()->isAnswered());
        m_answerLater = false;
        QCOMPARE(status(exchange("GET /still HTTP/1.1\r\nHost: h\r\n\r\n")), 200);
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    void keepAliveReusesTheConnection()
    {
        startListener();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(socket.waitForConnected(2000));
        for (int i = 0; i < 3; ++i) {
            socket.write("GET /k HTTP/1.1\r\nHost: h\r\n\r\n");
            QByteArray received;
            QTRY_VERIFY((received += socket.readAll()).contains("X-Target: /k"));
        }
        QCOMPARE(m_seen.size(), 3);
        QCOMPARE(m_listener->openConnections(), 1);
    }

    void slowHeadersAreCutOff()
    {
        HttpListener::Settings settings;
        settings.headerTimeoutMs = 500;
        startListener(settings);
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(slow.waitForConnected(2000));
        QSignalSpy closed(&slow, &QTcpSocket::disconnected);
        // A byte every 100 ms never looks idle, but the head is not complete in time.
        QElapsedTimer timer;
        timer.start();
        const QByteArray head = "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        for (int i = 0; i < head.size() && closed.isEmpty() && timer.elapsed() < 5000; ++i) {
            slow.write(head.mid(i, 1));
            slow.flush();
            closed.wait(100);
        }
        QVERIFY(closed.count() == 1 || slow.state() != QAbstractSocket::ConnectedState);
        QVERIFY(timer.elapsed() < 3000);
        QCOMPARE(m_seen.size(), 0);
    }

    void connectionLimit()
    {
        HttpListener::Settings settings;
        settings.maxConnections = 2;
        startListener(settings);
        QList<QTcpSocket *> sockets;
        for (int i = 0; i < 2; ++i) {
            auto *socket = new QTcpSocket(this);
            socket->connectToHost(QHostAddress::LocalHost, m_listener->port());
            QVERIFY(socket->waitForConnected(2000));
            sockets.append(socket);
        }
        QTRY_COMPARE(m_listener->openConnections(), 2);
        // A third client waits in the kernel's backlog: it is not served while two are open...
        QTcpSocket third;
        third.connectToHost(QHostAddress::LocalHost, m_listener->port());
        third.waitForConnected(2000);
        third.write("GET /third HTTP/1.1\r\nHost: h\r\n\r\n");
        QTest::qWait(300);
        QCOMPARE(m_seen.size(), 0);
        QCOMPARE(m_listener->openConnections(), 2);
        // ...and is served as soon as one of them leaves.
        delete sockets.takeFirst();
        QTRY_COMPARE(m_seen.size(), 1);
        QCOMPARE(m_seen.first().pathAndQuery, QByteArray("/third"));
        qDeleteAll(sockets);
    }

    void stopAcceptingKeepsServingOpenConnections()
    {
        startListener();
        m_answerLater = true;
        QTcpSocket open;
        open.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(open.waitForConnected(2000));
        open.write("PURGE /in-flight HTTP/1.1\r\nHost: h\r\n\r\n");
        QTRY_COMPARE(m_seen.size(), 1);
        m_listener->stopAccepting();
        QTcpSocket late;
        late.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(!late.waitForConnected(1000) || !late.waitForReadyRead(500));
        m_held.first()->respond(echo(m_held.first()->request()));
        QByteArray received;
        QTRY_VERIFY((received += open.readAll()).contains("X-Target: /in-flight"));
    }
};

QTEST_GUILESS_MAIN(TestHttpListener)
#include "tst_httplistener.moc"
