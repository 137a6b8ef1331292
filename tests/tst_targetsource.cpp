// Target sources against a real DNS server (dnsmasq on loopback) and the system resolver, and
// the parsing of their configuration.
#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "dnsmasqserver.h"
#include "dnsresponder.h"
#include "targets/dnstargetsource.h"
#include "targets/srvtargetsource.h"
#include "targets/statictargetsource.h"
#include "targets/targetsource.h"
#include "targets/targetsourcespec.h"
#include "testbackend.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::DnsmasqServer;
using herald::test::DnsResponder;
using herald::test::TestBackend;
using Records = DnsmasqServer::Records;

Q_DECLARE_METATYPE(herald::test::DnsmasqServer::Records)

// Skips a test that needs dnsmasq when it cannot run here; in CI that is a failure instead.
#define REQUIRE_DNSMASQ() \
    do { \
        const QString reason_ = DnsmasqServer::unavailableReason(); \
        if (!reason_.isEmpty()) { \
            if (runningInCi()) \
                QFAIL(qPrintable(reason_ + QStringLiteral(" (CI=true: a failure, not a skip)"))); \
            QSKIP(qPrintable(reason_)); \
        } \
    } while (false)

// (Re)starts dnsmasq with these records, or fails the test with its output.
#define START_DNS(records) \
    do { \
        QString dnsError_; \
        QVERIFY2(m_dns.start(records, &dnsError_), qPrintable(dnsError_)); \
    } while (false)

namespace {

bool runningInCi()
{
    const QString ci = qEnvironmentVariable("CI").toLower();
    return ci == QLatin1String("true") || ci == QLatin1String("1");
}

QStringList keys(const QList<Target> &targets)
{
    QStringList list;
    for (const Target &target : targets)
        list.append(target.key());
    return list;
}

Records hosts(const QStringList &records)
{
    return Records{records, {}, {}};
}

Records services(const QStringList &records)
{
    return Records{{}, records, {}};
}

// Refreshes and waits for the answer, which must come on a later event-loop turn.
bool resolve(TargetSource *source, int timeoutMs = 15000)
{
    QSignalSpy refreshed(source, &TargetSource::refreshed);
    source->refresh();
    return refreshed.isEmpty() && refreshed.wait(timeoutMs);
}

} // namespace

class TestTargetSource : public QObject
{
    Q_OBJECT

    DnsmasqServer m_dns;

    TargetSourceSpec makeSpec(const QString &kind, const QString &name, int port = 80) const
    {
        TargetSourceSpec spec;
        spec.kind = kind == QLatin1String("srv") ? TargetSourceSpec::Kind::Srv : TargetSourceSpec::Kind::Dns;
        spec.name = name;
        spec.port = port;
        if (kind != QLatin1String("system"))
            spec.nameserver = m_dns.address();
        spec.refreshIntervalMs = 0;
        return spec;
    }

private Q_SLOTS:
    void staticSource()
    {
        const QList<Target> targets = Target::parseList(QStringLiteral("a:1,b:2"), nullptr);
        StaticTargetSource source(targets);
        QVERIFY(source.isResolved());
        QVERIFY(source.lastError().isEmpty());
        QSignalSpy changed(&source, &TargetSource::targetsChanged);
        QVERIFY(resolve(&source));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(keys(source.targets()), (QStringList{QStringLiteral("http://a:1"), QStringLiteral("http://b:2")}));

        source.setTargets(targets); // the same list: nothing changed
        QCOMPARE(changed.count(), 0);
        source.setTargets(targets.mid(1));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(keys(source.targets()), QStringList{QStringLiteral("http://b:2")});
        source.setTargets({});
        QCOMPARE(changed.count(), 2);
        QVERIFY(!source.isResolved());
        QVERIFY(!source.lastError().isEmpty());
    }

    void createMakesTheSourceTheSpecDescribes_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("className");
        QTest::addColumn<QString>("description");
        QTest::newRow("static") << "{\"static\": [\"http://a:1\"]}"
                                << "herald::StaticTargetSource"
                                << "1 static target(s)";
        QTest::newRow("dns") << "{\"dns\": \"web.test:6081\"}"
                             << "herald::DnsTargetSource"
                             << "DNS web.test:6081";
        QTest::newRow("srv") << "{\"srv\": \"_http._tcp.web.test\"}"
                             << "herald::SrvTargetSource"
                             << "SRV _http._tcp.web.test";
    }
    void createMakesTheSourceTheSpecDescribes()
    {
        QFETCH(QString, json);
        QFETCH(QString, className);
        QFETCH(QString, description);
        TargetSourceSpec spec;
        QString error;
        QVERIFY2(TargetSourceSpec::fromJson(QJsonDocument::fromJson(json.toUtf8()).object(), &spec, &error), qPrintable(error));
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QCOMPARE(QString::fromLatin1(source->metaObject()->className()), className);
        QCOMPARE(source->description(), description);
        QCOMPARE(spec.describe(), description);
    }

    void recordsBecomeTargets_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<Records>("records");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("pathPrefix");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("dns: 3 A + 1 AAAA") << "dns"
                                           << hosts({"web.test,127.0.0.13", "web.test,127.0.0.11", "web.test,2001:db8::7",
                                                     "web.test,127.0.0.12"})
                                           << "web.test" << 6081 << "http"
                                           << ""
                                           << QStringList{"http://127.0.0.11:6081", "http://127.0.0.12:6081",
                                                          "http://127.0.0.13:6081", "http://[2001:db8::7]:6081"};
        QTest::newRow("dns: numeric order") << "dns"
                                            << hosts({"web.test,127.0.0.100", "web.test,127.0.0.9", "web.test,127.0.0.10"})
                                            << "web.test" << 80 << "http"
                                            << ""
                                            << QStringList{"http://127.0.0.9:80", "http://127.0.0.10:80", "http://127.0.0.100:80"};
        QTest::newRow("dns: https and path prefix")
            << "dns" << hosts({"api.test,127.0.0.41", "api.test,::1"}) << "api.test" << 8443 << "https"
            << "/v1" << QStringList{"https://127.0.0.41:8443/v1", "https://[::1]:8443/v1"};
        QTest::newRow("srv: each record its own port")
            << "srv" << services({"_http._tcp.web.test,b.web.test,8082,10,5", "_http._tcp.web.test,a.web.test,8081,0,5"})
            << "_http._tcp.web.test" << 0 << "http"
            << "" << QStringList{"http://a.web.test:8081", "http://b.web.test:8082"};
        QTest::newRow("srv: priority, then heaviest weight, then name")
            << "srv"
            << services({"_http._tcp.web.test,a.web.test,80,5,100", "_http._tcp.web.test,c.web.test,80,0,10",
                         "_http._tcp.web.test,d.web.test,80,0,50", "_http._tcp.web.test,b.web.test,80,0,10"})
            << "_http._tcp.web.test" << 0 << "http"
            << "" << QStringList{"http://d.web.test:80", "http://b.web.test:80", "http://c.web.test:80", "http://a.web.test:80"};
        QTest::newRow("srv: https and path prefix")
            << "srv" << services({"_https._tcp.web.test,a.web.test,8443,0,0"}) << "_https._tcp.web.test" << 0 << "https"
            << "/api" << QStringList{"https://a.web.test:8443/api"};
    }
    void recordsBecomeTargets()
    {
        QFETCH(QString, kind);
        QFETCH(Records, records);
        QFETCH(QString, name);
        QFETCH(int, port);
        QFETCH(QString, scheme);
        QFETCH(QString, pathPrefix);
        QFETCH(QStringList, expected);
        REQUIRE_DNSMASQ();
        START_DNS(records);
        TargetSourceSpec spec = makeSpec(kind, name, port);
        spec.scheme = scheme;
        spec.pathPrefix = pathPrefix;
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(!source->isResolved());
        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QVERIFY(resolve(source.get()));
        QVERIFY2(source->lastError().isEmpty(), qPrintable(source->lastError()));
        QCOMPARE(keys(source->targets()), expected);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(errors.count(), 0);
        QVERIFY(source->isResolved());
    }

    void pathPrefixReachesTheRequestUrl()
    {
        REQUIRE_DNSMASQ();
        START_DNS(hosts({"api.test,127.0.0.41"}));
        TargetSourceSpec spec = makeSpec(QStringLiteral("dns"), QStringLiteral("api.test"), 8443);
        spec.scheme = QStringLiteral("https");
        spec.pathPrefix = QStringLiteral("/v1");
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(resolve(source.get()));
        QCOMPARE(source->targets().size(), 1);
        QCOMPARE(source->targets().first().urlFor("/x?y=1").toString(), QStringLiteral("https://127.0.0.41:8443/v1/x?y=1"));
    }

    void systemResolverFindsLocalhost()
    {
        std::unique_ptr<TargetSource> source(
            TargetSource::create(makeSpec(QStringLiteral("system"), QStringLiteral("localhost"), 8080), nullptr));
        QVERIFY(resolve(source.get()));
        QVERIFY2(source->lastError().isEmpty(), qPrintable(source->lastError()));
        const QStringList found = keys(source->targets());
        QVERIFY2(found.contains(QStringLiteral("http://127.0.0.1:8080")), qPrintable(found.join(QLatin1Char(' '))));
        for (const QString &key : found)
            QVERIFY2(key == QLatin1String("http://127.0.0.1:8080") || key == QLatin1String("http://[::1]:8080"), qPrintable(key));
    }

    void systemResolverReportsAnUnknownName()
    {
        // .invalid never resolves (RFC 6761); without a network the resolver may take its timeouts.
        std::unique_ptr<TargetSource> source(
            TargetSource::create(makeSpec(QStringLiteral("system"), QStringLiteral("herald-no-such-host.invalid")), nullptr));
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QVERIFY(resolve(source.get(), 60000));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.first().first().toString().contains(QLatin1String("herald-no-such-host.invalid")),
                 qPrintable(source->lastError()));
        QVERIFY(!source->isResolved());
    }

    void reResolutionFollowsTheRecords_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<Records>("before");
        QTest::addColumn<Records>("after");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("dns: a pod joins") << "dns"
                                          << "pods.test" << hosts({"pods.test,127.0.0.21", "pods.test,127.0.0.22"})
                                          << hosts({"pods.test,127.0.0.21", "pods.test,127.0.0.22", "pods.test,127.0.0.23"})
                                          << QStringList{"http://127.0.0.21:80", "http://127.0.0.22:80", "http://127.0.0.23:80"};
        QTest::newRow("dns: a pod is replaced") << "dns"
                                                << "pods.test" << hosts({"pods.test,127.0.0.21", "pods.test,127.0.0.22"})
                                                << hosts({"pods.test,127.0.0.22", "pods.test,127.0.0.24"})
                                                << QStringList{"http://127.0.0.22:80", "http://127.0.0.24:80"};
        QTest::newRow("srv: a port moves") << "srv"
                                           << "_http._tcp.pods.test" << services({"_http._tcp.pods.test,a.pods.test,8080,0,0"})
                                           << services({"_http._tcp.pods.test,a.pods.test,8081,0,0",
                                                        "_http._tcp.pods.test,b.pods.test,8080,0,0"})
                                           << QStringList{"http://a.pods.test:8081", "http://b.pods.test:8080"};
    }
    void reResolutionFollowsTheRecords()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(Records, before);
        QFETCH(Records, after);
        QFETCH(QStringList, expected);
        REQUIRE_DNSMASQ();
        START_DNS(before);
        TargetSourceSpec spec = makeSpec(kind, name);
        spec.refreshIntervalMs = 200; // the interval alone must notice the change
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QVERIFY(resolve(source.get()));
        const QStringList first = keys(source->targets());
        QVERIFY(!first.isEmpty());

        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        QSignalSpy refreshed(source.get(), &TargetSource::refreshed);
        QVERIFY(refreshed.wait(5000)); // a timer refresh over the same records
        QCOMPARE(changed.count(), 0);
        QCOMPARE(keys(source->targets()), first);

        START_DNS(after);
        QVERIFY(changed.wait(10000));
        QCOMPARE(keys(source->targets()), expected);
        QVERIFY(source->lastError().isEmpty());
    }

    void failedLookupKeepsTheLastGoodSet_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<Records>("good");
        QTest::addColumn<Records>("bad"); // ignored when stopServer
        QTest::addColumn<bool>("stopServer");
        QTest::addColumn<QStringList>("message"); // parts the error must contain, in order
        const Records pods = hosts({"pods.test,127.0.0.21", "pods.test,127.0.0.22"});
        const Records srv = services({"_http._tcp.pods.test,a.pods.test,8080,0,0"});
        QTest::newRow("dns: name removed (NXDOMAIN)") << "dns"
                                                      << "pods.test" << pods << hosts({"other.test,127.0.0.31"}) << false
                                                      << QStringList{"pods.test has no A or AAAA records"};
        QTest::newRow("dns: records removed (NODATA)") << "dns"
                                                       << "pods.test" << pods << Records{{}, {}, {"pods.test,gone"}} << false
                                                       << QStringList{"pods.test has no A or AAAA records"};
        QTest::newRow("dns: nameserver down") << "dns"
                                              << "pods.test" << pods << Records{} << true
                                              << QStringList{"pods.test has no A or AAAA records, or ", "did not answer"};
        QTest::newRow("srv: name removed (NXDOMAIN)") << "srv"
                                                      << "_http._tcp.pods.test" << srv << hosts({"other.test,127.0.0.31"})
                                                      << false << QStringList{"_http._tcp.pods.test has no SRV records"};
        QTest::newRow("srv: nameserver down") << "srv"
                                              << "_http._tcp.pods.test" << srv << Records{} << true
                                              << QStringList{"_http._tcp.pods.test has no SRV records, or ", "did not answer"};
    }
    void failedLookupKeepsTheLastGoodSet()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(Records, good);
        QFETCH(Records, bad);
        QFETCH(bool, stopServer);
        QFETCH(QStringList, message);
        REQUIRE_DNSMASQ();
        START_DNS(good);
        std::unique_ptr<TargetSource> source(TargetSource::create(makeSpec(kind, name), nullptr));
        QVERIFY(resolve(source.get()));
        const QList<Target> lastGood = source->targets();
        QVERIFY(!lastGood.isEmpty());

        if (stopServer)
            m_dns.stop();
        else
            START_DNS(bad);
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        QVERIFY(resolve(source.get(), 60000));
        QCOMPARE(errors.count(), 1);
        const QString error = errors.first().first().toString();
        QVERIFY2(error.startsWith(message.first()) && error.contains(message.last()), qPrintable(error));
        QCOMPARE(source->lastError(), error);
        QCOMPARE(keys(source->targets()), keys(lastGood));
        QVERIFY(source->isResolved());
        QCOMPARE(changed.count(), 0);

        START_DNS(good); // recovers: the error clears, the set is the same, so no change
        QVERIFY(resolve(source.get()));
        QVERIFY2(source->lastError().isEmpty(), qPrintable(source->lastError()));
        QCOMPARE(keys(source->targets()), keys(lastGood));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(errors.count(), 1);
    }

    void nameWithoutRecordsIsAnError_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<Records>("records");
        QTest::addColumn<QString>("message");
        // Qt 6.4's QDnsLookup cannot tell an answer without records (NODATA) from no answer.
        QTest::newRow("dns: NXDOMAIN") << "dns"
                                       << "empty.test" << hosts({"other.test,127.0.0.31"})
                                       << "empty.test has no A or AAAA records";
        QTest::newRow("dns: NODATA") << "dns"
                                     << "empty.test" << Records{{}, {}, {"empty.test,no addresses here"}}
                                     << "empty.test has no A or AAAA records, or %1 did not answer";
        QTest::newRow("srv: NXDOMAIN") << "srv"
                                       << "_http._tcp.empty.test" << hosts({"other.test,127.0.0.31"})
                                       << "_http._tcp.empty.test has no SRV records";
        QTest::newRow("srv: NODATA") << "srv"
                                     << "_http._tcp.empty.test" << Records{{}, {}, {"_http._tcp.empty.test,none"}}
                                     << "_http._tcp.empty.test has no SRV records, or %1 did not answer";
    }
    void nameWithoutRecordsIsAnError()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(Records, records);
        QFETCH(QString, message);
        REQUIRE_DNSMASQ();
        START_DNS(records);
        if (message.contains(QLatin1String("%1")))
            message = message.arg(m_dns.address().toString());
        std::unique_ptr<TargetSource> source(TargetSource::create(makeSpec(kind, name), nullptr));
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        QVERIFY(resolve(source.get()));
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.first().first().toString(), message);
        QCOMPARE(source->lastError(), message);
        QVERIFY(!source->isResolved());
        QVERIFY(source->targets().isEmpty());
        QCOMPARE(changed.count(), 0);
    }

    void refusedLookupIsAnError_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("prefix");
        // dnsmasq has no upstream, so it refuses names outside .test.
        QTest::newRow("dns") << "dns"
                             << "web.example"
                             << "DNS lookup of web.example failed: A query: ";
        QTest::newRow("srv") << "srv"
                             << "_http._tcp.web.example"
                             << "SRV lookup of _http._tcp.web.example failed: ";
    }
    void refusedLookupIsAnError()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(QString, prefix);
        REQUIRE_DNSMASQ();
        START_DNS(hosts({"web.test,127.0.0.11"}));
        std::unique_ptr<TargetSource> source(TargetSource::create(makeSpec(kind, name), nullptr));
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QVERIFY(resolve(source.get()));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(source->lastError().startsWith(prefix), qPrintable(source->lastError()));
        QVERIFY(!source->isResolved());
    }

    // A and AAAA are two questions: one refused or failed keeps the records of the other.
    void oneFailedAddressQueryKeepsTheOther_data()
    {
        QTest::addColumn<int>("failedType");
        QTest::addColumn<int>("code");
        QTest::addColumn<QStringList>("expected");
        const QStringList v4{QStringLiteral("http://127.0.0.21:6081"), QStringLiteral("http://127.0.0.22:6081")};
        const QStringList v6{QStringLiteral("http://[::1]:6081")};
        QTest::newRow("AAAA refused") << int(DnsResponder::AAAA) << int(DnsResponder::Refused) << v4;
        QTest::newRow("AAAA SERVFAIL") << int(DnsResponder::AAAA) << int(DnsResponder::ServerFailure) << v4;
        QTest::newRow("A refused") << int(DnsResponder::A) << int(DnsResponder::Refused) << v6;
        QTest::newRow("A SERVFAIL") << int(DnsResponder::A) << int(DnsResponder::ServerFailure) << v6;
    }
    void oneFailedAddressQueryKeepsTheOther()
    {
        QFETCH(int, failedType);
        QFETCH(int, code);
        QFETCH(QStringList, expected);
        REQUIRE_DNSMASQ(); // the same need: port 53 on a loopback address
        DnsResponder dns;
        QString error;
        QVERIFY2(dns.start(&error), qPrintable(error));
        dns.answer(DnsResponder::A, {QHostAddress(QStringLiteral("127.0.0.22")), QHostAddress(QStringLiteral("127.0.0.21"))});
        dns.answer(DnsResponder::AAAA, {QHostAddress(QStringLiteral("::1"))});
        dns.fail(DnsResponder::Type(failedType), DnsResponder::ResponseCode(code));
        TargetSourceSpec spec = makeSpec(QStringLiteral("dns"), QStringLiteral("pods.test"), 6081);
        spec.nameserver = dns.address();
        std::unique_ptr<TargetSource> source(TargetSource::create(spec, nullptr));
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        QVERIFY(resolve(source.get()));
        QVERIFY(dns.queriesAnswered() >= 2); // the resolver asks a refused or failed query again
        QVERIFY2(source->lastError().isEmpty(), qPrintable(source->lastError()));
        QCOMPARE(errors.count(), 0);
        QCOMPARE(keys(source->targets()), expected);

        // Both refused: nothing is left, and the error names each query.
        dns.fail(DnsResponder::A, DnsResponder::Refused);
        dns.fail(DnsResponder::AAAA, DnsResponder::Refused);
        QVERIFY(resolve(source.get()));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(source->lastError().contains(QLatin1String("A query: "))
                     && source->lastError().contains(QLatin1String("AAAA query: ")),
                 qPrintable(source->lastError()));
    }

    void overlappingRefreshesRunOneLookupAtATime_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::newRow("dns") << "dns"
                             << "pods.test";
        QTest::newRow("srv") << "srv"
                             << "_http._tcp.pods.test";
        QTest::newRow("system resolver") << "system"
                                         << "localhost";
    }
    void overlappingRefreshesRunOneLookupAtATime()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        if (kind != QLatin1String("system")) {
            REQUIRE_DNSMASQ();
            START_DNS((Records{{"pods.test,127.0.0.21", "pods.test,::1"}, {"_http._tcp.pods.test,a.pods.test,8080,0,0"}, {}}));
        }
        std::unique_ptr<TargetSource> source(TargetSource::create(makeSpec(kind, name), nullptr));
        QSignalSpy refreshed(source.get(), &TargetSource::refreshed);
        QSignalSpy changed(source.get(), &TargetSource::targetsChanged);
        QSignalSpy errors(source.get(), &TargetSource::errorOccurred);
        // The first starts a lookup; the other two while it runs fold into one more after it.
        source->refresh();
        source->refresh();
        source->refresh();
        QCOMPARE(refreshed.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, 15000);
        QVERIFY(resolve(source.get()));
        QCOMPARE(refreshed.count(), 3);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(errors.count(), 0);
        QVERIFY(source->isResolved());
    }

    void broadcastReachesEveryResolvedPod()
    {
        REQUIRE_DNSMASQ();
        TestBackend first;
        TestBackend second;
        QVERIFY(first.listen(QHostAddress(QStringLiteral("127.0.0.51"))));
        QVERIFY(second.listen(QHostAddress(QStringLiteral("127.0.0.52")), first.port()));
        START_DNS(hosts({QStringLiteral("shop.test,127.0.0.51"), QStringLiteral("shop.test,127.0.0.52")}));
        std::unique_ptr<TargetSource> source(
            TargetSource::create(makeSpec(QStringLiteral("dns"), QStringLiteral("shop.test"), first.port()), nullptr));
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

    void parseDns_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("port");
        QTest::newRow("name and port") << "varnish.default.svc.cluster.local:6081" << true << "varnish.default.svc.cluster.local"
                                       << 6081;
        QTest::newRow("surrounding spaces") << " web:80 " << true << "web" << 80;
        QTest::newRow("fully qualified") << "web.test.:80" << true << "web.test." << 80;
        QTest::newRow("highest port") << "web:65535" << true << "web" << 65535;
        QTest::newRow("no port") << "web" << false << "" << 0;
        QTest::newRow("empty port") << "web:" << false << "" << 0;
        QTest::newRow("no name") << ":80" << false << "" << 0;
        QTest::newRow("empty") << "" << false << "" << 0;
        QTest::newRow("port zero") << "web:0" << false << "" << 0;
        QTest::newRow("port too big") << "web:65536" << false << "" << 0;
        QTest::newRow("port huge") << "web:99999999999" << false << "" << 0;
        QTest::newRow("port not a number") << "web:http" << false << "" << 0;
        QTest::newRow("port with sign") << "web:+80" << false << "" << 0;
        QTest::newRow("port with space") << "web: 80" << false << "" << 0;
        QTest::newRow("a URL") << "http://web:80" << false << "" << 0;
        QTest::newRow("a path") << "web:80/api" << false << "" << 0;
        QTest::newRow("space in name") << "we b:80" << false << "" << 0;
        QTest::newRow("two ports") << "web:80:81" << false << "" << 0;
    }
    void parseDns()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QString, name);
        QFETCH(int, port);
        TargetSourceSpec spec;
        QString error;
        QCOMPARE(TargetSourceSpec::parseDns(text, &spec, &error), valid);
        if (!valid) {
            QVERIFY2(error.contains(QLatin1String("NAME:PORT")), qPrintable(error));
            QCOMPARE(int(spec.kind), int(TargetSourceSpec::Kind::Static)); // untouched
            return;
        }
        QCOMPARE(int(spec.kind), int(TargetSourceSpec::Kind::Dns));
        QCOMPARE(spec.name, name);
        QCOMPARE(spec.port, port);
    }

    void parseSrv_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("service name") << "_http._tcp.varnish.default.svc.cluster.local" << true;
        QTest::newRow("surrounding spaces") << " _http._tcp.web " << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("with port") << "_http._tcp.web:80" << false;
        QTest::newRow("space inside") << "_http._tcp. web" << false;
        QTest::newRow("tab inside") << "_http._tcp.\tweb" << false;
        QTest::newRow("a URL") << "http://web" << false;
    }
    void parseSrv()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        TargetSourceSpec spec;
        QString error;
        QCOMPARE(TargetSourceSpec::parseSrv(text, &spec, &error), valid);
        QCOMPARE(int(spec.kind), int(valid ? TargetSourceSpec::Kind::Srv : TargetSourceSpec::Kind::Static));
        if (valid)
            QCOMPARE(spec.name, text.trimmed());
        else
            QVERIFY2(error.contains(QLatin1String("SRV name")), qPrintable(error));
    }

    void specFromJsonRejects_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("two kinds") << "{\"dns\": \"a:1\", \"srv\": \"_x._tcp.a\"}"
                                   << "exactly one";
        QTest::newRow("none") << "{}"
                              << "exactly one";
        QTest::newRow("static not array") << "{\"static\": \"http://a\"}"
                                          << "\"static\" must be an array";
        QTest::newRow("static bad url") << "{\"static\": [\"ftp://a\"]}"
                                        << "\"static\": 'ftp://a' uses scheme 'ftp'";
        QTest::newRow("static entry not string") << "{\"static\": [80]}"
                                                 << "entries must be strings";
        QTest::newRow("dns no port") << "{\"dns\": \"a\"}"
                                     << "\"dns\": 'a' is not NAME:PORT";
        QTest::newRow("dns bad port") << "{\"dns\": \"a:99999\"}"
                                      << "NAME:PORT";
        QTest::newRow("dns is a URL") << "{\"dns\": \"http://a:80\"}"
                                      << "NAME:PORT";
        QTest::newRow("dns not string") << "{\"dns\": 80}"
                                        << "\"dns\" must be a string";
        QTest::newRow("srv with port") << "{\"srv\": \"a:80\"}"
                                       << "\"srv\": 'a:80' is not an SRV name";
        QTest::newRow("srv not string") << "{\"srv\": [\"a\"]}"
                                        << "\"srv\" must be a string";
        QTest::newRow("bad nameserver") << "{\"dns\": \"a:1\", \"nameserver\": \"x\"}"
                                        << "\"nameserver\" must be an IP address";
        QTest::newRow("nameserver with port") << "{\"dns\": \"a:1\", \"nameserver\": \"127.0.0.1:5353\"}"
                                              << "\"nameserver\"";
        QTest::newRow("bad scheme") << "{\"dns\": \"a:1\", \"scheme\": \"ftp\"}"
                                    << "\"scheme\" must be";
        QTest::newRow("negative refresh") << "{\"dns\": \"a:1\", \"refreshSeconds\": -1}"
                                          << "\"refreshSeconds\"";
        QTest::newRow("refresh as text") << "{\"dns\": \"a:1\", \"refreshSeconds\": \"5\"}"
                                         << "\"refreshSeconds\"";
        QTest::newRow("refresh overflows") << "{\"dns\": \"a:1\", \"refreshSeconds\": 1e12}"
                                           << "\"refreshSeconds\"";
        QTest::newRow("prefix without slash") << "{\"dns\": \"a:1\", \"pathPrefix\": \"api\"}"
                                              << "\"pathPrefix\"";
        QTest::newRow("prefix with query") << "{\"dns\": \"a:1\", \"pathPrefix\": \"/api?x=1\"}"
                                           << "\"pathPrefix\"";
        QTest::newRow("prefix not string") << "{\"dns\": \"a:1\", \"pathPrefix\": 1}"
                                           << "\"pathPrefix\"";
    }
    void specFromJsonRejects()
    {
        QFETCH(QString, json);
        QFETCH(QString, error);
        TargetSourceSpec spec;
        spec.name = QStringLiteral("untouched");
        QString message;
        QVERIFY(!TargetSourceSpec::fromJson(QJsonDocument::fromJson(json.toUtf8()).object(), &spec, &message));
        QVERIFY2(message.contains(error), qPrintable(message));
        QCOMPARE(spec.name, QStringLiteral("untouched"));
    }

    void specRoundTrip_data()
    {
        QTest::addColumn<QString>("json");
        QTest::newRow("static") << "{\"static\": [\"http://a:1\", \"https://b:2/p\"]}";
        QTest::newRow("dns, every option")
            << "{\"dns\": \"web.test:6081\", \"nameserver\": \"127.0.0.77\", \"scheme\": \"https\", \"pathPrefix\": \"/p\", \"refreshSeconds\": 5}";
        QTest::newRow("dns, refresh off") << "{\"dns\": \"web.test:80\", \"refreshSeconds\": 0}";
        QTest::newRow("srv") << "{\"srv\": \"_http._tcp.web.test\", \"nameserver\": \"::1\", \"refreshSeconds\": 0.5}";
    }
    void specRoundTrip()
    {
        QFETCH(QString, json);
        const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
        TargetSourceSpec spec;
        QString error;
        QVERIFY2(TargetSourceSpec::fromJson(object, &spec, &error), qPrintable(error));
        QCOMPARE(spec.toJson(), object);
        TargetSourceSpec again;
        QVERIFY(TargetSourceSpec::fromJson(spec.toJson(), &again, nullptr));
        QCOMPARE(int(again.kind), int(spec.kind));
        QCOMPARE(keys(again.targets), keys(spec.targets));
        QCOMPARE(again.name, spec.name);
        QCOMPARE(again.port, spec.port);
        QCOMPARE(again.nameserver, spec.nameserver);
        QCOMPARE(again.scheme, spec.scheme);
        QCOMPARE(again.pathPrefix, spec.pathPrefix);
        QCOMPARE(again.refreshIntervalMs, spec.refreshIntervalMs);
    }

    void smallRefreshIntervalsStayOn()
    {
        TargetSourceSpec spec;
        QVERIFY(TargetSourceSpec::fromJson(QJsonDocument::fromJson("{\"dns\": \"a:1\", \"refreshSeconds\": 0.0001}").object(),
                                           &spec, nullptr));
        QCOMPARE(spec.refreshIntervalMs, 1);
    }
};

QTEST_GUILESS_MAIN(TestTargetSource)
#include "tst_targetsource.moc"
