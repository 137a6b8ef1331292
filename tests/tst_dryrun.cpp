// Dry runs: what each target would receive, shown and not sent. Against a real `herald serve` the
// answer must match, header by header, what a real broadcast of the same request then delivers;
// the admin API's profile run does the same in process.
#include "backendpool.h"
#include "serveprocess.h"
#include "testbackend.h"

#include "broadcast/broadcaster.h"
#include "broadcast/dryrun.h"
#include "serve/adminapi.h"
#include "targets/statictargetsource.h"
#include "transport/transportfactory.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace herald;
using herald::test::BackendPool;
using herald::test::HttpReply;
using herald::test::RecordedRequest;
using herald::test::ServeProcess;

namespace {

const QByteArray adminToken = "admin-token-0123456789abcdef";

QList<Target> targetsOf(const QStringList &urls)
{
    QList<Target> list;
    for (const QString &url : urls)
        list.append(Target::parse(url, nullptr));
    return list;
}

// The dry run's entry for a target against what that target received, field by field.
void compareWithReceived(const QJsonObject &entry, const RecordedRequest &received, const QString &backendUrl)
{
    QCOMPARE(entry.value(QLatin1String("target")).toString(), backendUrl);
    QCOMPARE(entry.value(QLatin1String("method")).toString().toLatin1(), received.method);
    const QUrl url(entry.value(QLatin1String("url")).toString());
    QCOMPARE(url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority), received.target);
    const QJsonArray headers = entry.value(QLatin1String("headers")).toArray();
    QCOMPARE(headers.size(), received.headers.size());
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const QJsonArray pair = headers.at(i).toArray();
        QCOMPARE(pair.at(0).toString().toLatin1(), received.headers.at(i).first);
        QCOMPARE(pair.at(1).toString().toLatin1(), received.headers.at(i).second);
    }
    QCOMPARE(entry.value(QLatin1String("bodyBytes")).toInteger(), received.body.size());
    QCOMPARE(entry.value(QLatin1String("bodySha256")).toString().toLatin1(),
             QCryptographicHash::hash(received.body, QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestDryRun : public QObject
{
    Q_OBJECT

    BackendPool m_backends;

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void flag_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("dryRun");
        QTest::newRow("1") << QByteArray("1") << true << true;
        QTest::newRow("true") << QByteArray(" TRUE ") << true << true;
        QTest::newRow("yes") << QByteArray("yes") << true << true;
        QTest::newRow("absent") << QByteArray() << true << false;
        QTest::newRow("0") << QByteArray("0") << true << false;
        QTest::newRow("false") << QByteArray("false") << true << false;
        QTest::newRow("other") << QByteArray("maybe") << false << false;
    }
    void flag()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QFETCH(bool, dryRun);
        bool actual = false;
        QString error;
        QCOMPARE(DryRun::parseFlag(value, &actual, &error), valid);
        QCOMPARE(actual, dryRun);
        QCOMPARE(error.isEmpty(), valid);
        if (!valid)
            QCOMPARE(error, QStringLiteral("X-Herald-Dry-Run: expected 1 or 0, not \"maybe\""));
    }

    // The curl command of an entry is the entry: same method, URL, headers (curl frames the body) and body.
    void curlForMatchesTheEntry()
    {
        BroadcastRequest request;
        request.method = "PUT";
        request.pathAndQuery = "/a?b=1";
        request.headers = {{"Host", "www.example.com"}, {"Content-Type", "text/plain"}, {"Connection", "close"}};
        request.body = "body";
        const DryRun run = DryRun::plan(request, targetsOf({QStringLiteral("http://127.0.0.1:9/prefix")}), HeaderPolicy{}, {});
        const CurlCommand curl = run.curlFor(0);
        QCOMPARE(curl.method, QByteArray("PUT"));
        QCOMPARE(curl.url, QByteArray("http://127.0.0.1:9/prefix/a?b=1"));
        QCOMPARE(curl.body, QByteArray("body"));
        QVERIFY(curl.hasBody);
        QCOMPARE(curl.headers,
                 (HttpHeaders{{"Host", "www.example.com"}, {"Content-Type", "text/plain"}, {"Via", "1.1 herald-herald"}}));
        QCOMPARE(run.entries().first().request.headers.last(), (HttpHeader{"Content-Length", "4"}));
    }

    // A dry run sends nothing; the real broadcast that follows delivers exactly what it showed.
    void serveDryRunMatchesTheRealBroadcast_data()
    {
        QTest::addColumn<QString>("hostMode");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("preserve, body") << "preserve" << QByteArray("{\"purge\": \"/product/7\"}");
        QTest::newRow("target host, no body") << "target" << QByteArray();
    }
    void serveDryRunMatchesTheRealBroadcast()
    {
        QFETCH(QString, hostMode);
        QFETCH(QByteArray, body);
        const QStringList urls = m_backends.start(2);
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_TARGETS"), urls.join(QLatin1Char(',')));
        environment.insert(QStringLiteral("HERALD_HOST_MODE"), hostMode);
        environment.insert(QStringLiteral("HERALD_INSTANCE_ID"), QStringLiteral("dry"));
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        const QList<QPair<QByteArray, QByteArray>> headers =
            {{"Host", "www.example.com"},     {"Connection", "X-Hop"}, {"X-Hop", "1"},     {"Cookie", "session=secret"},
             {"X-Forwarded-For", "10.1.1.1"}, {"Via", "1.0 upstream"}, {"X-Keep", "kept"}, {"Content-Type", "application/json"}};
        auto dryHeaders = headers;
        dryHeaders.append(qMakePair(QByteArray("X-Herald-Dry-Run"), QByteArray("1")));
        const HttpReply dry = serve.send("PURGE", "/product/7?x=1", dryHeaders, body);
        QCOMPARE(dry.status, 200);
        const QJsonObject json = QJsonDocument::fromJson(dry.body).object();
        QCOMPARE(json.value(QLatin1String("dryRun")).toBool(), true);
        const QJsonArray entries = json.value(QLatin1String("targets")).toArray();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(m_backends.totalRequests(), 0);

        // "0" is not a dry run, and the header is not forwarded either way.
        auto realHeaders = headers;
        realHeaders.append(qMakePair(QByteArray("X-Herald-Dry-Run"), QByteArray("0")));
        const HttpReply real = serve.send("PURGE", "/product/7?x=1", realHeaders, body);
        QCOMPARE(real.status, 200);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(m_backends.at(i).requestCount(), 1);
            const RecordedRequest received = m_backends.at(i).requests().first();
            QVERIFY(received.header("X-Herald-Dry-Run").isNull());
            QVERIFY(received.header("Cookie").isNull());
            QVERIFY(received.header("X-Hop").isNull());
            compareWithReceived(entries.at(i).toObject(), received, urls.at(i));
        }
        if (QTest::currentTestFailed())
            qInfo().noquote() << dry.body;

        const HttpReply bad = serve.send("PURGE", "/", {{"X-Herald-Dry-Run", "maybe"}});
        QCOMPARE(bad.status, 400);
        QVERIFY2(bad.body.contains("X-Herald-Dry-Run: expected 1 or 0"), bad.body.constData());
        QCOMPARE(m_backends.totalRequests(), 2);
    }

    void adminProfileRunDryRun_data()
    {
        QTest::addColumn<QByteArray>("pathAndQuery");
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("query") << QByteArray("/_herald/profiles/purge-product/run?id=7&dry-run=1") << QByteArray();
        QTest::newRow("header") << QByteArray("/_herald/profiles/purge-product/run?id=7") << QByteArray("1");
    }
    void adminProfileRunDryRun()
    {
        QFETCH(QByteArray, pathAndQuery);
        QFETCH(QByteArray, header);
        const QStringList urls = m_backends.start(2);
        QTemporaryDir profiles;
        QFile file(profiles.filePath(QStringLiteral("purge-product.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"name\": \"purge-product\", \"method\": \"PURGE\", \"path\": \"/product/{id}\", "
                   "\"headers\": [[\"Host\", \"shop.example.com\"], [\"X-Tag\", \"p{id}\"]], \"body\": \"tags\", \"retries\": 0}");
        file.close();
        ServeConfig config;
        config.adminToken = adminToken;
        config.profileDirectory = profiles.path();
        // curl, which sends as serve's default (lean) does. QNAM (the GUI's client) adds Connection, Accept-Encoding,
        // Accept-Language and User-Agent of its own, which a dry run does not show.
        Broadcaster broadcaster(createTransport(TransportKind::Curl));
        StaticTargetSource source(targetsOf(urls));
        AdminApi admin(config, &broadcaster, &source);
        const auto run = [&admin](const QByteArray &pathAndQuery, const QByteArray &dryRunHeader) {
            HttpServerRequest request;
            request.method = "POST";
            request.pathAndQuery = pathAndQuery;
            request.version = "HTTP/1.1";
            request.headers = {{"Authorization", "Bearer " + adminToken}};
            if (!dryRunHeader.isEmpty())
                request.headers.append({"X-Herald-Dry-Run", dryRunHeader});
            request.peerAddress = QHostAddress::LocalHost;
            std::optional<HttpServerResponse> response;
            admin.handle(request, "profiles/purge-product/run", [&response](const HttpServerResponse &r) { response = r; });
            if (!QTest::qWaitFor([&] { return response.has_value(); }, 10000))
                return HttpServerResponse{0, {}, "no answer"};
            return *response;
        };
        const HttpServerResponse dry = run(pathAndQuery, header);
        QVERIFY2(dry.status == 200, dry.body.constData());
        const QJsonArray entries = QJsonDocument::fromJson(dry.body).object().value(QLatin1String("targets")).toArray();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(m_backends.totalRequests(), 0);
        const HttpServerResponse real = run("/_herald/profiles/purge-product/run?id=7", {});
        QCOMPARE(real.status, 200);
        QTRY_COMPARE(m_backends.totalRequests(), 2);
        for (int i = 0; i < 2; ++i) {
            const RecordedRequest received = m_backends.at(i).requests().first();
            QCOMPARE(received.target, QByteArray("/product/7"));
            QCOMPARE(received.header("X-Tag"), QByteArray("p7"));
            compareWithReceived(entries.at(i).toObject(), received, urls.at(i));
        }
        QCOMPARE(run("/_herald/profiles/purge-product/run?id=7&dry-run=perhaps", {}).status, 400);
        QCOMPARE(m_backends.totalRequests(), 2);
    }
};

QTEST_GUILESS_MAIN(TestDryRun)
#include "tst_dryrun.moc"
