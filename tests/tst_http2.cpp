// HTTP/2 targets (--http2, or a target marked h2) through the lean transport's router: they go
// to curl, h2c with prior knowledge for http://, ALPN h2 for https://, and reach a real HTTP/2
// server (nghttpd), whose frame log shows the request arrived over HTTP/2.
#include "nghttpserver.h"
#include "testcertificate.h"
#include "transport/leantransport.h"
#include "transport/routingtransport.h"
#include "transport/transportfactory.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::NghttpServer;
using herald::test::TestCertificate;

class TestHttp2 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!NghttpServer::isAvailable())
            QFAIL("nghttpd is missing: deploy/install-deps.sh test installs nghttp2-server");
    }

    void http2GoesToCurlOverHttp2_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("h2c with prior knowledge") << false;
        QTest::newRow("TLS with ALPN h2") << true;
    }

    void http2GoesToCurlOverHttp2()
    {
        QFETCH(bool, tls);
        TestCertificate certificate;
        QString error;
        if (tls)
            QVERIFY2(certificate.create(&error), qPrintable(error));
        NghttpServer server;
        QVERIFY(server.addFile(QStringLiteral("probe-h2"), "over http/2\n"));
        QVERIFY2(tls ? server.start(&error, certificate.certificateFile(), certificate.keyFile()) : server.start(&error),
                 qPrintable(error));

        std::unique_ptr<Transport> transport(createTransport(TransportKind::Lean, false));
        auto *routing = qobject_cast<RoutingTransport *>(transport.get());
        QVERIFY(routing);
        TransportRequest request;
        request.method = "GET";
        request.setUrl(QUrl(QStringLiteral("%1://127.0.0.1:%2/probe-h2").arg(tls ? "https" : "http").arg(server.port())));
        request.http2 = true;
        QVERIFY(!RoutingTransport::isLean(request));
        std::unique_ptr<TransportCall> call(transport->send(request, nullptr));
        QSignalSpy finished(call.get(), &TransportCall::finished);
        QVERIFY(finished.wait(10000));
        const auto response = finished.first().first().value<TransportResponse>();
        QCOMPARE(response.error, TransportError::None);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("over http/2\n"));
        // nghttpd -v logs the request's pseudo-headers as it decodes its HEADERS frame.
        QTRY_VERIFY(server.log().contains("recv (stream_id=1) :path: /probe-h2"));
        QVERIFY(server.log().contains("recv HEADERS frame"));
        auto *lean = qobject_cast<LeanTransport *>(routing->lean());
        QVERIFY(lean);
        QCOMPARE(lean->openConnections(), 0); // never touched the lean side
    }

    // Only plain http:// without HTTP/2 goes to lean (which speaks HTTP/1.1 only, and which
    // nghttpd above would not understand).
    void plainHttpStaysOnLean()
    {
        TransportRequest request;
        request.setUrl(QUrl(QStringLiteral("http://127.0.0.1:1/")));
        QVERIFY(RoutingTransport::isLean(request));
        request.http2 = true;
        QVERIFY(!RoutingTransport::isLean(request));
        request.http2 = false;
        request.setUrl(QUrl(QStringLiteral("https://127.0.0.1:1/")));
        QVERIFY(!RoutingTransport::isLean(request));
    }
};

QTEST_MAIN(TestHttp2)
#include "tst_http2.moc"
