// `herald send --group` black-box: the real binary, groups saved by GroupStore, loopback backends
// (and a real dnsmasq for a DNS group), exit codes, error text and what each backend received.
#include "backendpool.h"
#include "dnsmasqserver.h"
#include "heraldprocess.h"
#include "store/groupstore.h"
#include "targets/targetspectext.h"
#include "testbackend.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using herald::test::DnsmasqServer;
using herald::test::HeraldProcess;

class TestSendGroup : public QObject
{
    Q_OBJECT

    herald::test::BackendPool m_backends;
    std::unique_ptr<QTemporaryDir> m_dir;

    QString groupDir() const { return m_dir->filePath(QStringLiteral("groups")); }
    void saveGroup(const QString &name, const QStringList &lines)
    {
        TargetGroup group;
        group.name = name;
        QVERIFY(TargetSpecText::parse(lines.join(QLatin1Char('\n')), &group.targets).isEmpty());
        QString error;
        QVERIFY2(GroupStore(groupDir()).save(group, &error), qPrintable(error));
    }
    HeraldProcess::Result send(const QStringList &arguments)
    {
        return HeraldProcess::run(QStringList{QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/g"),
                                              QStringLiteral("--group-dir"), groupDir(), QStringLiteral("--retries"),
                                              QStringLiteral("0")}
                                  + arguments);
    }
    QList<int> counts()
    {
        QList<int> list;
        for (int i = 0; i < m_backends.count(); ++i)
            list.append(m_backends.at(i).requestCount());
        return list;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() { m_backends.clear(); }

    void helpAndPrintConfigShowTheGroups()
    {
        const auto help = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--help")});
        QVERIFY(help.out.contains("--group <NAME>"));
        QVERIFY(help.out.contains("--group-dir <DIR>"));
        const auto shown = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("-g"), QStringLiteral("eu,us"),
                                               QStringLiteral("--group"), QStringLiteral("eu"), QStringLiteral("--print-config")});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(shown.out.contains("eu,us"), shown.out.constData());
    }

    // Overlapping groups, as a comma list or repeated, reach each backend once.
    void everyTargetOfTheGroupsOnce_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QList<int>>("counts");
        QTest::newRow("one group") << QStringList{"--group", "eu"} << QList<int>{1, 1, 0};
        QTest::newRow("comma list") << QStringList{"--group", "eu,us"} << QList<int>{1, 1, 1};
        QTest::newRow("repeated") << QStringList{"-g", "us", "-g", "eu"} << QList<int>{1, 1, 1};
        QTest::newRow("with --target") << QStringList{"--group", "us", "--target", "BACKEND0"} << QList<int>{1, 1, 1};
    }
    void everyTargetOfTheGroupsOnce()
    {
        QFETCH(QStringList, arguments);
        const QStringList urls = m_backends.start(3);
        saveGroup(QStringLiteral("eu"), {urls.at(0), urls.at(1)});
        saveGroup(QStringLiteral("us"), {urls.at(1), urls.at(2)});
        arguments.replaceInStrings(QStringLiteral("BACKEND0"), urls.at(0));
        const auto result = send(arguments);
        QVERIFY2(result.exitCode == 0, result.out + result.err);
        QTEST(counts(), "counts");
    }

    void badGroupsAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown") << QStringList{"--group", "eu,asia"} << "group \"asia\": unknown group 'asia' (known: eu)";
        QTest::newRow("unsafe name") << QStringList{"--group", "../eu"} << "'../eu' is not a group name";
        QTest::newRow("empty") << QStringList{"--group", ","} << "expected a group name";
    }
    void badGroupsAreUsageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        const QStringList urls = m_backends.start(1);
        saveGroup(QStringLiteral("eu"), urls);
        const auto result = send(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(error.toUtf8()), result.err.constData());
        QCOMPARE(m_backends.totalRequests(), 0);
    }

    // A profile's "group" is resolved by the same plan; --group replaces it.
    void aProfileSendsToItsGroup()
    {
        const QStringList urls = m_backends.start(2);
        saveGroup(QStringLiteral("eu"), {urls.at(0)});
        saveGroup(QStringLiteral("us"), {urls.at(1)});
        QFile file(m_dir->filePath(QStringLiteral("profiles/purge.json")));
        QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("profiles"))));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"method\": \"PURGE\", \"path\": \"/p\", \"group\": \"eu\"}");
        file.close();
        const QStringList profile{QStringLiteral("--group-dir"),   groupDir(),
                                  QStringLiteral("--profile-dir"), m_dir->filePath(QStringLiteral("profiles")),
                                  QStringLiteral("--profile"),     QStringLiteral("purge")};
        auto result = HeraldProcess::run(QStringList{QStringLiteral("send")} + profile);
        QVERIFY2(result.exitCode == 0, result.out + result.err);
        QCOMPARE(counts(), (QList<int>{1, 0}));
        result = HeraldProcess::run(QStringList{QStringLiteral("send")} + profile
                                    + QStringList{QStringLiteral("--group"), QStringLiteral("us")});
        QVERIFY2(result.exitCode == 0, result.out + result.err);
        QCOMPARE(counts(), (QList<int>{1, 1}));
    }

    // A DNS group (real dnsmasq) and a static group naming the same backend: one request to it.
    void aDnsGroupJoinsAStaticGroup()
    {
        const QString reason = DnsmasqServer::unavailableReason();
        if (!reason.isEmpty())
            QSKIP(qPrintable(reason));
        DnsmasqServer dns;
        QString error;
        QVERIFY2(dns.start({{QStringLiteral("varnish.test,127.0.0.1")}, {}, {}}, &error), qPrintable(error));
        const QStringList urls = m_backends.start(2);
        saveGroup(QStringLiteral("k8s"), {QStringLiteral("dns:varnish.test:%1").arg(m_backends.at(0).port()),
                                          QStringLiteral("nameserver=%1").arg(dns.address().toString())});
        saveGroup(QStringLiteral("static"), urls);
        const auto result = send({QStringLiteral("--group"), QStringLiteral("k8s,static")});
        QVERIFY2(result.exitCode == 0, result.out + result.err + dns.log().toUtf8());
        QCOMPARE(counts(), (QList<int>{1, 1}));

        saveGroup(QStringLiteral("gone"),
                  {QStringLiteral("dns:gone.test:80"), QStringLiteral("nameserver=%1").arg(dns.address().toString())});
        const auto failed = send({QStringLiteral("--group"), QStringLiteral("static,gone")});
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains("cannot resolve targets") && failed.err.contains("gone.test"), failed.err.constData());
        QCOMPARE(counts(), (QList<int>{1, 1})); // nothing sent to the part that did resolve
    }
};

QTEST_GUILESS_MAIN(TestSendGroup)
#include "tst_sendgroup.moc"
