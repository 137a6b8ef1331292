// Target sources against a real DNS server (dnsmasq on loopback) and the system resolver.
#include "broadcast.h"
#include "broadcaster.h"
#include "dnsmasqserver.h"
#include "statictargetsource.h"
#include "targetsource.h"
#include "targetsourcespec.h"
#include "testbackend.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::DnsmasqServer;
using herald::test::TestBackend;

class TestTargetSource : public QObject
{
    Q_OBJECT

    DnsmasqServer m_dns;

    static TargetSourceSpec dnsSpec(const QString &name, int port)
    {
        TargetSourceSpec spec;
        spec.kind = TargetSourceSpec::Kind::Dns;
        spec.name = name;
        spec.port = port;
        spec.nameserver = DnsmasqServer::address();
        spec.refreshIntervalMs = 0;
        return spec;
    }

    static QStringList keys(const QList<Target> &targets)
    {
        QStringList list;
        for (const Target &target : targets)
            list.append(target.key());
        return list;
    }

    // Refreshes and waits for the answer.
    static bool resolve(TargetSource *source)
    {
        QSignalSpy refreshed(source, &TargetSource::refreshed);
        source->refresh();
        return refreshed.wait(10000);
    }

    void startDns(const QStringList &hosts, const QStringList &srv = {})
    {
        QString error;
        if (!m_dns.start(hosts, srv, &error))
            QFAIL(qPrintable(error));
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!DnsmasqServer::isInstalled()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("dnsmasq is not installed (deploy/install-deps.sh test installs dnsmasq-base)");
            QSKIP("dnsmasq is not installed");
        }
    }

    void staticSource()
    {
        const QList<Target> targets = Target::parseList(QStringLiteral("a:1,b:2"), nullptr);
        StaticTargetSource source(targets);
        QVERIFY(source.isResolved());
        QSignalSpy changed(&source, &TargetSource::targetsChanged);
        QVERIFY(resolve(&source));
        QCOMPARE(changed.count(), 0);
        source.setTargets(targets.mid(1));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(keys(source.targets()), QStringList{QStringLiteral("http://b:2")});
        source.setTargets({});
        QVERIFY(!source.isResolved());
        QVERIFY(!source.lastError().isEmpty());
    }

    void everyAddressOfANameBecomesATarget()
    {
        startDns({QStringLiteral("web.test,127.0.0.13"), QStringLiteral("web.test,127.0.0.11"),
                  QStringLiteral("web.test,127.0.0.12"), QStringLiteral("web.test,::1")});
        std::unique_ptr<TargetSource> source(TargetSource::create(dnsSpec(QStringLiteral("web.test"), 6081), nullptr));
        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        QVERIFY(resolve(source.get()));
        QVERIFY2(source->lastError().isEmpty(), qPrintable(source->lastError()));
        QCOMPARE(keys(source->targets()), (QStringList{QStringLiteral("http://127.0.0.11:6081"), QStringLiteral("http://127.0.0.12:6081"),
                                                       QStringLiteral("http://127.0.0.13:6081"), QStringLiteral("http://[::1]:6081")}));
        QCOMPARE(changed.count(), 1);
        QVERIFY(source->isResolved());
    }

    void systemResolverHonoursEtcHosts()
    {
        TargetSourceSpec spec;
        spec.kind = TargetSourceSpec::Kind::Dns;
        spec.name = QStringLiteral("localhost");
        spec.port = 8080;
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(resolve(source.get()));
        QVERIFY2(keys(source->targets()).contains(QStringLiteral("http://127.0.0.1:8080")), qPrintable(keys(source->targets()).join(' ')));
    }

    void srvRecordsCarryTheirOwnPorts()
    {
        startDns({}, {QStringLiteral("_http._tcp.web.test,b.web.test,8082,10,5"), QStringLiteral("_http._tcp.web.test,a.web.test,8081,0,5")});
        TargetSourceSpec spec;
        spec.kind = TargetSourceSpec::Kind::Srv;
        spec.name = QStringLiteral("_http._tcp.web.test");
        spec.nameserver = DnsmasqServer::address();
        spec.refreshIntervalMs = 0;
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(resolve(source.get()));
        QVERIFY2(source->lastError().isEmpty(), qPrintable(source->lastError()));
        QCOMPARE(keys(source->targets()), (QStringList{QStringLiteral("http://a.web.test:8081"), QStringLiteral("http://b.web.test:8082")}));
    }

    void reResolutionFollowsTheRecords()
    {
        startDns({QStringLiteral("pods.test,127.0.0.21"), QStringLiteral("pods.test,127.0.0.22")});
        TargetSourceSpec spec = dnsSpec(QStringLiteral("pods.test"), 80);
        spec.refreshIntervalMs = 200; // on its own, without refresh()
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(resolve(source.get()));
        QCOMPARE(source->targets().size(), 2);
        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        startDns({QStringLiteral("pods.test,127.0.0.21"), QStringLiteral("pods.test,127.0.0.22"), QStringLiteral("pods.test,127.0.0.23")});
        QVERIFY(changed.wait(10000));
        QCOMPARE(source->targets().size(), 3);
    }

    void failedLookupKeepsTheLastGoodSet()
    {
        startDns({QStringLiteral("pods.test,127.0.0.21")});
        std::unique_ptr<TargetSource> source(TargetSource::create(dnsSpec(QStringLiteral("pods.test"), 80), nullptr));
        QVERIFY(resolve(source.get()));
        QCOMPARE(source->targets().size(), 1);
        startDns({QStringLiteral("other.test,127.0.0.31")}); // pods.test is gone
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QVERIFY(resolve(source.get()));
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().first().toString().contains(QLatin1String("pods.test")));
        QCOMPARE(keys(source->targets()), QStringList{QStringLiteral("http://127.0.0.21:80")});
        QVERIFY(source->isResolved());
    }

    void nameWithoutRecordsIsAnError()
    {
        startDns({QStringLiteral("other.test,127.0.0.31")});
        std::unique_ptr<TargetSource> source(TargetSource::create(dnsSpec(QStringLiteral("empty.test"), 80), nullptr));
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QVERIFY(resolve(source.get()));
        QCOMPARE(errors.count(), 1);
        QVERIFY(!source->isResolved());
        QVERIFY(source->targets().isEmpty());
        QVERIFY(source->lastError().contains(QLatin1String("empty.test")));
    }

    void schemeAndPathPrefixApply()
    {
        startDns({QStringLiteral("api.test,127.0.0.41")});
        TargetSourceSpec spec = dnsSpec(QStringLiteral("api.test"), 8443);
        spec.scheme = QStringLiteral("https");
        spec.pathPrefix = QStringLiteral("/v1");
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(resolve(source.get()));
        QCOMPARE(keys(source->targets()), QStringList{QStringLiteral("https://127.0.0.41:8443/v1")});
        QCOMPARE(source->targets().first().urlFor("/x?y=1").toString(), QStringLiteral("https://127.0.0.41:8443/v1/x?y=1"));
    }

    void broadcastReachesEveryResolvedPod()
    {
        TestBackend first;
        TestBackend second;
        QVERIFY(first.listen(QHostAddress(QStringLiteral("127.0.0.51"))));
        QVERIFY(second.listen(QHostAddress(QStringLiteral("127.0.0.52")), first.port()));
        startDns({QStringLiteral("shop.test,127.0.0.51"), QStringLiteral("shop.test,127.0.0.52")});
        std::unique_ptr<TargetSource> source(TargetSource::create(dnsSpec(QStringLiteral("shop.test"), first.port()), nullptr));
        QVERIFY(resolve(source.get()));
        Broadcaster broadcaster;
        BroadcastRequest request;
        request.method = "PURGE";
        request.pathAndQuery = "/product/1";
        Broadcast *broadcast = broadcaster.start(request, source->targets());
        QSignalSpy finished(broadcast, &Broadcast::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(first.requestCount(), 1);
        QCOMPARE(second.requestCount(), 1);
    }

    void specParsing_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("two kinds") << "{\"dns\": \"a:1\", \"srv\": \"_x._tcp.a\"}" << "exactly one";
        QTest::newRow("none") << "{}" << "exactly one";
        QTest::newRow("static not array") << "{\"static\": \"http://a\"}" << "array";
        QTest::newRow("static bad url") << "{\"static\": [\"ftp://a\"]}" << "ftp";
        QTest::newRow("dns no port") << "{\"dns\": \"a\"}" << "NAME:PORT";
        QTest::newRow("dns bad port") << "{\"dns\": \"a:99999\"}" << "NAME:PORT";
        QTest::newRow("srv with port") << "{\"srv\": \"a:80\"}" << "SRV";
        QTest::newRow("bad nameserver") << "{\"dns\": \"a:1\", \"nameserver\": \"x\"}" << "nameserver";
        QTest::newRow("bad scheme") << "{\"dns\": \"a:1\", \"scheme\": \"ftp\"}" << "scheme";
        QTest::newRow("bad refresh") << "{\"dns\": \"a:1\", \"refreshSeconds\": -1}" << "refreshSeconds";
    }
    void specParsing()
    {
        QFETCH(QString, json);
        QFETCH(QString, error);
        TargetSourceSpec spec;
        QString message;
        QVERIFY(!TargetSourceSpec::fromJson(QJsonDocument::fromJson(json.toUtf8()).object(), &spec, &message));
        QVERIFY2(message.contains(error), qPrintable(message));
    }

    void specRoundTrip()
    {
        TargetSourceSpec spec;
        QVERIFY(TargetSourceSpec::fromJson(QJsonDocument::fromJson("{\"dns\": \"web.test:6081\", \"nameserver\": \"127.0.0.77\", \"scheme\": \"https\", \"pathPrefix\": \"/p\", \"refreshSeconds\": 5}").object(), &spec, nullptr));
        TargetSourceSpec again;
        QVERIFY(TargetSourceSpec::fromJson(spec.toJson(), &again, nullptr));
        QCOMPARE(again.name, QStringLiteral("web.test"));
        QCOMPARE(again.port, 6081);
        QCOMPARE(again.nameserver, QHostAddress(QStringLiteral("127.0.0.77")));
        QCOMPARE(again.scheme, QStringLiteral("https"));
        QCOMPARE(again.pathPrefix, QStringLiteral("/p"));
        QCOMPARE(again.refreshIntervalMs, 5000);
    }
};

QTEST_GUILESS_MAIN(TestTargetSource)
#include "tst_targetsource.moc"
