// Against a real Varnish: a PURGE through Herald removes exactly the object the client named,
// which needs the original Host and the query string (two bugs of the seeds).
#include "heraldprocess.h"
#include "testbackend.h"
#include "varnishserver.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace herald::test;

class TestVarnish : public QObject
{
    Q_OBJECT

    TestBackend m_origin;
    VarnishServer m_varnish;
    QNetworkAccessManager m_client;

    // GET through Varnish; returns the origin's request count afterwards.
    int fetch(const QByteArray &host, const QByteArray &pathAndQuery)
    {
        QNetworkRequest request(QUrl::fromEncoded(m_varnish.url().toUtf8() + pathAndQuery));
        request.setRawHeader("Host", host);
        QNetworkReply *reply = m_client.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status == 200 ? m_origin.requestCount() : -1;
    }

    int purge(const QStringList &extra)
    {
        const auto result = HeraldProcess::run(QStringList{QStringLiteral("send"), QStringLiteral("PURGE")} + extra
                                               + QStringList{QStringLiteral("--target"), m_varnish.url()});
        return result.exitCode;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!VarnishServer::isInstalled()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("varnishd is not installed (deploy/install-deps.sh test installs it)");
            QSKIP("varnishd is not installed");
        }
        m_client.setProxy(QNetworkProxy::NoProxy);
        QVERIFY(m_origin.listen());
        m_origin.setResponseHeaders({{"Cache-Control", "max-age=3600"}});
        QString error;
        QVERIFY2(m_varnish.start(m_origin.port(), &error), qPrintable(error));
    }

    void purgeKeepsTheOriginalHost()
    {
        const int first = fetch("shop.example.com", "/page");
        QVERIFY(first >= 1);
        QCOMPARE(fetch("shop.example.com", "/page"), first); // cached

        // The seeds' bug: sending the target's own Host purges another object; the page stays cached.
        QCOMPARE(purge({QStringLiteral("/page"), QStringLiteral("--host-mode"), QStringLiteral("target"), QStringLiteral("-H"),
                        QStringLiteral("Host: shop.example.com")}),
                 0);
        QCOMPARE(fetch("shop.example.com", "/page"), first);

        // Herald's default keeps the client's Host: the right object is purged and fetched again.
        QCOMPARE(purge({QStringLiteral("/page"), QStringLiteral("-H"), QStringLiteral("Host: shop.example.com")}), 0);
        QCOMPARE(fetch("shop.example.com", "/page"), first + 1);
    }

    void purgeKeepsTheQueryString()
    {
        const int base = m_origin.requestCount();
        fetch("shop.example.com", "/item?id=1");
        fetch("shop.example.com", "/item?id=2");
        QCOMPARE(m_origin.requestCount(), base + 2);
        QCOMPARE(purge({QStringLiteral("/item?id=1"), QStringLiteral("-H"), QStringLiteral("Host: shop.example.com")}), 0);
        QCOMPARE(fetch("shop.example.com", "/item?id=2"), base + 2); // untouched
        QCOMPARE(fetch("shop.example.com", "/item?id=1"), base + 3); // purged, fetched again
        QCOMPARE(m_origin.requests().last().target, QByteArray("/item?id=1"));
    }
};

QTEST_GUILESS_MAIN(TestVarnish)
#include "tst_varnish.moc"
