// Target groups in core: the multi-line text form with its per-line errors and TLS lines, the
// store's files and errors, profiles naming groups, and BroadcastPlan's union of several groups.
#include "broadcast/broadcastplan.h"
#include "dnsmasqserver.h"
#include "store/groupstore.h"
#include "store/profile.h"
#include "targets/targetspectext.h"
#include "targets/uniontargetsource.h"
#include "testpki.h"

#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using herald::test::DnsmasqServer;
using herald::test::TestPki;
using LineErrors = QList<TargetSpecText::LineError>;

namespace {

Profile profileFrom(const QByteArray &text)
{
    Profile profile;
    QString error;
    if (!Profile::fromJson(QJsonDocument::fromJson(text).object(), &profile, &error))
        qFatal("test profile rejected: %s", qPrintable(error));
    return profile;
}

TargetGroup groupFrom(const QString &name, const QString &text)
{
    TargetGroup group;
    group.name = name;
    if (!TargetSpecText::parse(text, &group.targets).isEmpty())
        qFatal("test group rejected: %s", qPrintable(text));
    return group;
}

QStringList keys(const QList<Target> &targets)
{
    QStringList list;
    for (const Target &target : targets)
        list.append(target.key());
    return list;
}

// "line: message-fragment" per expected error.
QStringList describe(const LineErrors &errors)
{
    QStringList lines;
    for (const TargetSpecText::LineError &error : errors)
        lines.append(QStringLiteral("%1: %2").arg(error.line).arg(error.message));
    return lines;
}

} // namespace

class TestGroupStore : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<GroupStore> m_store;
    TestPki m_pki; // real PEM files for the tls. lines

    // %CA%, %CERT% and %KEY% become the PKI's files, %SELF% a file that is no PEM at all.
    QString withFiles(QString text) const
    {
        return text.replace(QLatin1String("%CA%"), m_pki.caFile())
            .replace(QLatin1String("%CERT%"), m_pki.certificateFile(QStringLiteral("client")))
            .replace(QLatin1String("%KEY%"), m_pki.keyFile(QStringLiteral("client")))
            .replace(QLatin1String("%SELF%"), QFINDTESTDATA("tst_groupstore.cpp"));
    }

    void save(const TargetGroup &group)
    {
        QString error;
        QVERIFY2(m_store->save(group, &error), qPrintable(error));
    }
    PlanInput planInput(const QByteArray &profile) const
    {
        PlanInput input;
        input.profile = profileFrom(profile);
        input.literal = true;
        input.groupStore = *m_store;
        return input;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_pki.create(QStringLiteral("Group Test CA"), &error), qPrintable(error));
        QVERIFY2(m_pki.issue(QStringLiteral("client"), {QStringLiteral("DNS:herald-client")}, true, &error), qPrintable(error));
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_store = std::make_unique<GroupStore>(m_dir->filePath(QStringLiteral("groups")));
    }

    void textIsParsed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("described"); // TargetSourceSpec::describe()
        QTest::addColumn<QStringList>("keys");  // static targets
        QTest::newRow("urls") << "http://10.0.0.1:6081\nhttp://10.0.0.2:6081\n"
                              << "2 static target(s)" << QStringList{"http://10.0.0.1:6081", "http://10.0.0.2:6081"};
        QTest::newRow("comments, blanks, host:port") << "# eu-west\n\n  varnish-a:6081  \n# end"
                                                     << "1 static target(s)" << QStringList{"http://varnish-a:6081"};
        QTest::newRow("dns with options") << "dns:varnish.svc:6081\nnameserver = 10.0.0.53\nscheme=https\nrefreshSeconds=5"
                                          << "DNS varnish.svc:6081" << QStringList();
        QTest::newRow("srv") << "srv:_http._tcp.varnish.svc\npathPrefix=/api"
                             << "SRV _http._tcp.varnish.svc" << QStringList();
    }
    void textIsParsed()
    {
        QFETCH(QString, text);
        TargetSourceSpec spec;
        const LineErrors errors = TargetSpecText::parse(text, &spec);
        QVERIFY2(errors.isEmpty(), qPrintable(describe(errors).join(QLatin1Char('\n'))));
        QTEST(spec.describe(), "described");
        QTEST(keys(spec.targets), "keys");
        // The text form shown in the editor reads back into the same spec.
        TargetSourceSpec again;
        QVERIFY(TargetSpecText::parse(TargetSpecText::format(spec), &again).isEmpty());
        QCOMPARE(again.toJson(), spec.toJson());
    }

    void everyBadLineIsReported_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected"); // "LINE: start of the message"
        QTest::newRow("one bad url") << "http://a:80\nhttp://:99999\nhttp://b:80" << QStringList{"2: "};
        QTest::newRow("two bad lines, both shown") << "http://a:80\nftp://x:1\nhttp://b:80\nnot a url" << QStringList{"2: ", "4: "};
        QTest::newRow("dns after urls") << "http://a:80\ndns:varnish.svc:6081"
                                        << QStringList{"2: a group is URLs or one dns:/srv: line, not both (line 1 is a URL)"};
        QTest::newRow("url after srv") << "srv:_http._tcp.v\nhttp://a:80"
                                       << QStringList{"2: a group is URLs or one dns:/srv: line, not both (line 1 is srv:"};
        QTest::newRow("two dns lines") << "dns:a.svc:80\n\ndns:b.svc:80"
                                       << QStringList{"3: only one dns: or srv: line per group (line 1 is one)"};
        QTest::newRow("dns without port") << "# comment\ndns:varnish.svc" << QStringList{"2: 'varnish.svc' is not NAME:PORT"};
        QTest::newRow("bad scheme") << "http://a:80\nscheme=ftp" << QStringList{"2: \"scheme\" must be \"http\" or \"https\""};
        QTest::newRow("bad nameserver") << "dns:a.svc:80\nnameserver=not-an-ip"
                                        << QStringList{"2: \"nameserver\" must be an IP address"};
        QTest::newRow("bad refresh") << "dns:a.svc:80\nrefreshSeconds=soon"
                                     << QStringList{"2: \"refreshSeconds\" must be a number"};
        QTest::newRow("nothing") << "\n# only a comment\n" << QStringList{"0: no targets"};
        QTest::newRow("tls: missing file") << "https://a:443\n# our CA\ntls.ca=/nonexistent/ca.pem"
                                           << QStringList{"3: \"tls\".\"ca\": cannot read /nonexistent/ca.pem"};
        QTest::newRow("tls: two bad lines, both shown")
            << "https://a:443\ntls.ca=%SELF%\ntls.verify=maybe"
            << QStringList{"2: \"tls\".\"ca\": " + QFINDTESTDATA("tst_groupstore.cpp") + " holds no PEM certificate",
                           "3: \"tls\".\"verify\" must be true or false"};
        QTest::newRow("tls: unknown key") << "https://a:443\ntls.sni=a"
                                          << QStringList{
                                                 "2: \"tls\": unknown key \"sni\" (known: ca, cert, key, serverName, verify)"};
        QTest::newRow("tls: empty value") << "https://a:443\ntls.cert="
                                          << QStringList{"2: \"tls\".\"cert\" must be a non-empty string"};
        QTest::newRow("tls: bad server name")
            << "https://a:443\ntls.serverName=a_b" << QStringList{"2: \"tls\".\"serverName\": 'a_b' is not a host name"};
        QTest::newRow("tls: given twice") << "https://a:443\ntls.verify=false\ntls.verify=true"
                                          << QStringList{"3: tls.verify is already set on line 2"};
        // Rules between two lines are found once every line is right, and name the line at fault.
        QTest::newRow("tls: key without cert")
            << "https://a:443\ntls.ca=%CA%\n\ntls.key=%KEY%" << QStringList{"4: \"tls\".\"key\" needs \"cert\""};
        QTest::newRow("tls: cert without its key")
            << "https://a:443\ntls.ca=%CA%\ntls.cert=%CERT%"
            << QStringList{"3: \"tls\".\"cert\": " + QStringLiteral("%CERT%") + " holds no PEM private key"};
        QTest::newRow("tls: http urls") << "http://a:80\ntls.verify=false\nhttps://b:443"
                                        << QStringList{"2: \"tls\" applies to https targets only"};
        QTest::newRow("tls: dns without https")
            << "dns:a.svc:443\ntls.ca=%CA%" << QStringList{"2: \"tls\" applies to https targets only; add \"scheme\""};
    }
    void everyBadLineIsReported()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        text = withFiles(text);
        for (QString &line : expected)
            line = withFiles(line);
        TargetSourceSpec spec;
        spec.name = QStringLiteral("untouched");
        const QStringList got = describe(TargetSpecText::parse(text, &spec));
        QCOMPARE(got.size(), expected.size());
        for (int i = 0; i < got.size(); ++i)
            QVERIFY2(got.at(i).startsWith(expected.at(i)), qPrintable(got.at(i)));
        QCOMPARE(spec.name, QStringLiteral("untouched"));
    }

    void tlsLinesAreParsed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("tls"); // the spec's "tls" JSON
        QTest::newRow("ca and client cert") << "https://10.0.0.1:8443\ntls.ca=%CA%\ntls.cert=%CERT%\ntls.key=%KEY%\nhttps://10.0.0.2:8443"
                                            << QByteArray("{\"ca\": \"%CA%\", \"cert\": \"%CERT%\", \"key\": \"%KEY%\"}");
        QTest::newRow("dns, server name, verify off")
            << "dns:varnish.svc:443\nscheme=https\ntls.serverName = backend.test\ntls.verify=false"
            << QByteArray("{\"serverName\": \"backend.test\", \"verify\": false}");
        QTest::newRow("verify on, comments between")
            << "https://a:443\n# checked even with --insecure\ntls.verify=true" << QByteArray("{\"verify\": true}");
    }
    void tlsLinesAreParsed()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, tls);
        TargetSourceSpec spec;
        const LineErrors errors = TargetSpecText::parse(withFiles(text), &spec);
        QVERIFY2(errors.isEmpty(), qPrintable(describe(errors).join(QLatin1Char('\n'))));
        QVERIFY(spec.tls);
        const QJsonObject expected = QJsonDocument::fromJson(withFiles(QString::fromUtf8(tls)).toUtf8()).object();
        QCOMPARE(spec.tls->toJson(), expected);
        for (const Target &target : spec.targets)
            QVERIFY(sameTls(target.tls, spec.tls));
        // format() writes the same tls. lines back, and they read back into the same spec.
        const QString formatted = TargetSpecText::format(spec);
        for (auto it = expected.begin(); it != expected.end(); ++it)
            QVERIFY2(formatted.contains(QStringLiteral("\ntls.%1=").arg(it.key())), qPrintable(formatted));
        TargetSourceSpec again;
        QVERIFY(TargetSpecText::parse(formatted, &again).isEmpty());
        QCOMPARE(again.toJson(), spec.toJson());
    }

    // A group with TLS saved and loaded again, then edited in its text form and saved: TLS stays.
    void aTlsGroupKeepsItsTlsThroughTheTextForm()
    {
        TargetGroup group = groupFrom(QStringLiteral("mtls"),
                                      withFiles(QStringLiteral(
                                          "https://10.0.0.1:8443\ntls.ca=%CA%\ntls.cert=%CERT%\ntls.key=%KEY%\ntls.verify=true")));
        save(group);
        TargetGroup loaded;
        QString error;
        QVERIFY2(m_store->load(QStringLiteral("mtls"), &loaded, &error), qPrintable(error));
        QVERIFY(loaded.targets.tls);
        QCOMPARE(*loaded.targets.tls, *group.targets.tls);
        QVERIFY(loaded.targets.targets.first().tls);
        const QString edited = TargetSpecText::format(loaded.targets) + QStringLiteral("https://10.0.0.2:8443\n");
        QVERIFY(TargetSpecText::parse(edited, &loaded.targets).isEmpty());
        save(loaded);
        TargetGroup again;
        QVERIFY(m_store->load(QStringLiteral("mtls"), &again, &error));
        QCOMPARE(again.targets.targets.size(), 2);
        QCOMPARE(*again.targets.tls, *group.targets.tls);
        QCOMPARE(again.targets.targets.last().tls->clientKeyFile, m_pki.keyFile(QStringLiteral("client")));
    }

    void savedGroupsLoadBack()
    {
        TargetGroup group = groupFrom(QStringLiteral("prod-eu"), QStringLiteral("http://10.0.0.1:6081\nhttp://10.0.0.2:6081"));
        group.description = QStringLiteral("Frankfurt and Dublin");
        save(group);
        save(groupFrom(QStringLiteral("staging"), QStringLiteral("dns:varnish.staging.svc:6081")));
        QCOMPARE(m_store->names(), (QStringList{QStringLiteral("prod-eu"), QStringLiteral("staging")}));
        TargetGroup loaded;
        QString error;
        QVERIFY2(m_store->load(QStringLiteral("prod-eu"), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.toJson(), group.toJson());
        QVERIFY(m_store->load(QStringLiteral("staging"), &loaded, &error));
        QCOMPARE(loaded.targets.kind, TargetSourceSpec::Kind::Dns);
        // The file is the profile's "targets" JSON under a name.
        QFile file(m_store->pathFor(QStringLiteral("staging")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("targets")).toObject(),
                 (QJsonObject{{QLatin1String("dns"), QLatin1String("varnish.staging.svc:6081")}}));
        QVERIFY(m_store->remove(QStringLiteral("staging"), &error));
        QCOMPARE(m_store->names(), QStringList{QStringLiteral("prod-eu")});
    }

    void badFilesAndNamesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("content"); // of prod.json; empty: no file at all
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("error"); // a fragment
        QTest::newRow("bad JSON names the line")
            << QByteArray("{\n  \"targets\": {\"static\": [\"http://a:80\"]},\n  oops\n}") << "prod"
            << "prod.json: line 3: invalid JSON";
        QTest::newRow("no targets") << QByteArray("{\"description\": \"x\"}") << "prod"
                                    << "field \"targets\": is required";
        QTest::newRow("unknown field") << QByteArray("{\"targets\": {\"static\": [\"http://a:80\"]}, \"target\": 1}") << "prod"
                                       << "field \"target\": unknown field (known: name, description, targets)";
        QTest::newRow("bad url") << QByteArray("{\"targets\": {\"static\": [\"http://:x\"]}}") << "prod"
                                 << "field \"targets\": \"static\": ";
        QTest::newRow("empty list") << QByteArray("{\"targets\": {\"static\": []}}") << "prod"
                                    << "field \"targets\": the static list is empty";
        QTest::newRow("unsafe name") << QByteArray() << "../etc"
                                     << "'../etc' is not a group name";
        QTest::newRow("unknown") << QByteArray() << "prod"
                                 << "unknown group 'prod' (known: none in ";
    }
    void badFilesAndNamesAreRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, name);
        QFETCH(QString, error);
        if (!content.isEmpty()) {
            QVERIFY(QDir().mkpath(m_store->directory()));
            QFile file(m_store->pathFor(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }
        TargetGroup group;
        QString got;
        QVERIFY(!m_store->load(name, &group, &got));
        QVERIFY2(got.contains(error), qPrintable(got));
        QVERIFY(group.name.isEmpty());
    }

    void aProfileNamesItsGroups_data()
    {
        QTest::addColumn<QByteArray>("group");
        QTest::addColumn<QString>("error"); // fragment, or empty
        QTest::newRow("one") << QByteArray("\"prod-eu\"") << "";
        QTest::newRow("list") << QByteArray("[\"prod-eu\", \"staging\", \"prod-eu\"]") << "";
        QTest::newRow("empty list") << QByteArray("[]") << "field \"group\": must be a group name or a non-empty array";
        QTest::newRow("number") << QByteArray("7") << "field \"group\": must be a group name";
        QTest::newRow("unsafe") << QByteArray("[\"a/b\"]") << "field \"group\": 'a/b' is not a group name";
    }
    void aProfileNamesItsGroups()
    {
        QFETCH(QByteArray, group);
        QFETCH(QString, error);
        Profile profile;
        QString got;
        const bool ok = Profile::fromJson(QJsonDocument::fromJson("{\"name\": \"p\", \"group\": " + group + "}").object(),
                                          &profile, &got);
        QCOMPARE(ok, error.isEmpty());
        QVERIFY2(got.contains(error), qPrintable(got));
        if (!ok)
            return;
        QVERIFY(profile.groups.contains(QStringLiteral("prod-eu")));
        Profile again;
        QVERIFY(Profile::fromJson(profile.toJson(), &again, nullptr));
        QCOMPARE(again.groups, profile.groups); // duplicates were dropped once, on reading
    }

    void thePlanSendsToTheProfilesGroup()
    {
        save(groupFrom(QStringLiteral("prod-eu"), QStringLiteral("http://10.0.0.1:6081\nhttp://10.0.0.2:6081")));
        BroadcastPlan plan;
        QString error;
        QVERIFY2(BroadcastPlan::make(planInput("{\"name\": \"p\", \"group\": \"prod-eu\"}"), &plan, &error), qPrintable(error));
        QVERIFY(plan.hasSource);
        QCOMPARE(keys(plan.source.targets), (QStringList{"http://10.0.0.1:6081", "http://10.0.0.2:6081"}));
        QCOMPARE(plan.groups, QStringList{QStringLiteral("prod-eu")});
        QVERIFY(plan.moreSources.isEmpty());
    }

    void anUnknownGroupIsAnErrorNamingIt()
    {
        save(groupFrom(QStringLiteral("prod-eu"), QStringLiteral("http://10.0.0.1:6081")));
        BroadcastPlan plan;
        QString error;
        QVERIFY(!BroadcastPlan::make(planInput("{\"name\": \"p\", \"group\": [\"prod-eu\", \"prod-us\"]}"), &plan, &error));
        QCOMPARE(error, QStringLiteral("group \"prod-us\": unknown group 'prod-us' (known: prod-eu)"));
        PlanInput explicitGroup = planInput("{\"name\": \"p\"}");
        explicitGroup.groups = {QStringLiteral("nope")};
        QVERIFY(!BroadcastPlan::make(explicitGroup, &plan, &error));
        QVERIFY2(error.startsWith(QLatin1String("group \"nope\": unknown group 'nope'")), qPrintable(error));
    }

    void severalGroupsAreOneSetWithoutDuplicates_data()
    {
        QTest::addColumn<QByteArray>("profile");
        QTest::addColumn<QStringList>("explicitGroups");
        QTest::addColumn<QString>("explicitUrl");
        QTest::addColumn<QStringList>("keys");
        QTest::addColumn<QStringList>("more"); // describe() of moreSources
        const QByteArray both = "{\"name\": \"p\", \"group\": [\"eu\", \"us\"]}";
        QTest::newRow("profile's groups") << both << QStringList() << ""
                                          << QStringList{"http://10.0.0.1:80", "http://10.0.0.2:80", "http://10.0.0.3:80"}
                                          << QStringList();
        QTest::newRow("profile's targets and groups")
            << QByteArray("{\"name\": \"p\", \"targets\": {\"static\": [\"http://10.0.0.3:80\", \"http://10.0.0.9:80\"]}, "
                          "\"group\": \"us\"}")
            << QStringList() << "" << QStringList{"http://10.0.0.3:80", "http://10.0.0.9:80", "http://10.0.0.2:80"}
            << QStringList();
        QTest::newRow("explicit groups win over the profile's")
            << both << QStringList{"us", "dns"} << "" << QStringList{"http://10.0.0.2:80", "http://10.0.0.3:80"}
            << QStringList{"DNS varnish.svc:6081"};
        QTest::newRow("explicit target joins explicit groups")
            << both << QStringList{"us"} << "http://10.0.0.7:80"
            << QStringList{"http://10.0.0.7:80", "http://10.0.0.2:80", "http://10.0.0.3:80"} << QStringList();
        QTest::newRow("only resolving groups")
            << both << QStringList{"dns", "srv", "dns"} << "" << QStringList() << QStringList{"SRV _http._tcp.varnish.svc"};
    }
    void severalGroupsAreOneSetWithoutDuplicates()
    {
        QFETCH(QByteArray, profile);
        QFETCH(QStringList, explicitGroups);
        QFETCH(QString, explicitUrl);
        save(groupFrom(QStringLiteral("eu"), QStringLiteral("http://10.0.0.1:80\nhttp://10.0.0.2:80")));
        save(groupFrom(QStringLiteral("us"), QStringLiteral("http://10.0.0.2:80\nhttp://10.0.0.3:80")));
        save(groupFrom(QStringLiteral("dns"), QStringLiteral("dns:varnish.svc:6081")));
        save(groupFrom(QStringLiteral("srv"), QStringLiteral("srv:_http._tcp.varnish.svc")));
        PlanInput input = planInput(profile);
        input.groups = explicitGroups;
        if (!explicitUrl.isEmpty()) {
            TargetSourceSpec spec;
            spec.targets = {Target::parse(explicitUrl, nullptr)};
            input.targets = spec;
        }
        BroadcastPlan plan;
        QString error;
        QVERIFY2(BroadcastPlan::make(input, &plan, &error), qPrintable(error));
        QTEST(keys(plan.source.targets), "keys");
        QStringList more;
        for (const TargetSourceSpec &spec : plan.moreSources) {
            more.append(spec.describe());
            QCOMPARE(spec.refreshIntervalMs, 0); // one broadcast, one resolution, for every part
        }
        QTEST(more, "more");
    }

    // The admin API has no resolver for a group; a DNS group is refused by name, not replaced.
    void theAdminApiRefusesAResolvingGroup()
    {
        save(groupFrom(QStringLiteral("dns"), QStringLiteral("dns:varnish.svc:6081")));
        PlanInput input = planInput("{\"name\": \"p\", \"group\": \"dns\"}");
        input.staticProfileTargetsOnly = true;
        input.runningTargets = true;
        BroadcastPlan plan;
        QString error;
        QVERIFY(!BroadcastPlan::make(input, &plan, &error));
        QVERIFY2(error.startsWith(QLatin1String("group \"dns\": DNS varnish.svc:6081 is resolved by DNS or SRV")),
                 qPrintable(error));
    }

    // A static group and a DNS group resolved by a real dnsmasq: each backend once.
    void theUnionResolvesEveryPartOnce()
    {
        const QString reason = DnsmasqServer::unavailableReason();
        if (!reason.isEmpty())
            QSKIP(qPrintable(reason));
        DnsmasqServer dns;
        QString error;
        QVERIFY2(dns.start({{QStringLiteral("shop.test,127.0.0.1"), QStringLiteral("shop.test,127.0.0.2")}, {}, {}}, &error),
                 qPrintable(error));
        TargetSourceSpec resolving;
        QVERIFY(TargetSpecText::parse(QStringLiteral("dns:shop.test:8080\nnameserver=%1").arg(dns.address().toString()), &resolving)
                    .isEmpty());
        TargetSourceSpec listed;
        QVERIFY(TargetSpecText::parse(QStringLiteral("http://127.0.0.1:8080\nhttp://127.0.0.3:8080"), &listed).isEmpty());
        UnionTargetSource source({listed, resolving});
        QVERIFY(!source.isResolved());
        QSignalSpy refreshed(&source, &TargetSource::refreshed);
        source.refresh();
        QVERIFY(refreshed.wait(15000));
        QCOMPARE(refreshed.count(), 1);
        QVERIFY2(source.isResolved(), qPrintable(source.lastError()));
        QCOMPARE(keys(source.targets()), (QStringList{"http://127.0.0.1:8080", "http://127.0.0.3:8080", "http://127.0.0.2:8080"}));

        // A part that cannot be resolved makes the whole unresolved, and says which part.
        TargetSourceSpec missing = resolving;
        missing.name = QStringLiteral("gone.test");
        UnionTargetSource broken({listed, missing});
        QSignalSpy brokenRefreshed(&broken, &TargetSource::refreshed);
        broken.refresh();
        QVERIFY(brokenRefreshed.wait(20000));
        QVERIFY(!broken.isResolved());
        QVERIFY2(broken.lastError().contains(QLatin1String("gone.test")), qPrintable(broken.lastError()));
    }
};

QTEST_GUILESS_MAIN(TestGroupStore)
#include "tst_groupstore.moc"
