// `herald send` tested black-box: the real binary, real loopback backends, exit codes and output.
#include "backendpool.h"
#include "heraldprocess.h"
#include "store/historystore.h"
#include "testbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using herald::test::HeraldProcess;
using herald::test::TestBackend;

class TestSendCommand : public QObject
{
    Q_OBJECT

    herald::test::BackendPool m_backends;

    QStringList startBackends(int count) { return m_backends.start(count); }
    TestBackend &backend(int i) { return m_backends.at(i); }

private Q_SLOTS:
    void cleanup() { m_backends.clear(); }

    void helpDescribesEveryOption()
    {
        const auto top = HeraldProcess::run({QStringLiteral("--help")});
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.contains("send"));
        QVERIFY(top.out.contains("serve"));
        const auto send = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--help")});
        QCOMPARE(send.exitCode, 0);
        for (const char *option : {"--target", "--dns", "--srv", "--nameserver", "--profile", "--set", "--header",
                                   "--data", "--retries", "--retry-on", "--timeout", "--deadline", "--policy",
                                   "--host-mode", "--json", "--http2", "--insecure", "--concurrency"})
            QVERIFY2(send.out.contains(option), option);
    }

    void purgeReachesEveryTarget()
    {
        const QStringList urls = startBackends(3);
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"),
                                                QStringLiteral("/product/42?lang=en"), QStringLiteral("--target"),
                                                urls.join(QLatin1Char(',')), QStringLiteral("-H"),
                                                QStringLiteral("Host: shop.example.com")});
        QCOMPARE(result.exitCode, 0);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(backend(i).requestCount(), 1);
            QCOMPARE(backend(i).requests().first().method, QByteArray("PURGE"));
            QCOMPARE(backend(i).requests().first().target, QByteArray("/product/42?lang=en"));
            QCOMPARE(backend(i).requests().first().header("Host"), QByteArray("shop.example.com"));
            QVERIFY(result.out.contains(urls.at(i).toUtf8()));
        }
        QVERIFY(result.out.contains("3/3 ok"));
    }

    // --transport curl sends the path byte for byte (QNAM rewrites dot segments) and adds no
    // headers of its own.
    void curlTransportSendsThePathAsGiven()
    {
        const QStringList urls = startBackends(2);
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"),
                                                QStringLiteral("/a/./b/../c?x=1"), QStringLiteral("--transport=curl"),
                                                QStringLiteral("--target"), urls.join(QLatin1Char(',')), QStringLiteral("--no-history")});
        QCOMPARE(result.exitCode, 0);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(backend(i).requestCount(), 1);
            QCOMPARE(backend(i).requests().first().target, QByteArray("/a/./b/../c?x=1"));
            QCOMPARE(backend(i).requests().first().header("User-Agent"), QByteArray());
        }
    }

    void failedPolicyExitsOne()
    {
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({500});
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("BAN"), QStringLiteral("/"),
                                                QStringLiteral("-t"), urls.at(0), QStringLiteral("-t"), urls.at(1),
                                                QStringLiteral("--retries"), QStringLiteral("0")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.out.contains("http-error"));
        QVERIFY(result.out.contains("not met"));
        const auto any = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("BAN"), QStringLiteral("/"),
                                             QStringLiteral("-t"), urls.join(QLatin1Char(',')),
                                             QStringLiteral("--retries"), QStringLiteral("0"),
                                             QStringLiteral("--policy"), QStringLiteral("any")});
        QCOMPARE(any.exitCode, 0);
    }

    void jsonOutput()
    {
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({503, 200});
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("FOOBAR"), QStringLiteral("/x"),
                                                QStringLiteral("-t"), urls.join(QLatin1Char(',')),
                                                QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(result.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(json.value(QLatin1String("policy")).toString(), QStringLiteral("all"));
        const QJsonArray targets = json.value(QLatin1String("targets")).toArray();
        QCOMPARE(targets.size(), 2);
        QCOMPARE(targets.at(1).toObject().value(QLatin1String("attempts")).toInt(), 2);
        QCOMPARE(targets.at(1).toObject().value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(targets.at(0).toObject().value(QLatin1String("outcome")).toString(), QStringLiteral("ok"));
    }

    void bodyFromFile()
    {
        const QStringList urls = startBackends(2);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("body.bin"));
        QByteArray body;
        for (int i = 0; i < 300000; ++i)
            body.append(char(i % 253));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(body);
        file.close();
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("POST"), QStringLiteral("/hook"),
                                                QStringLiteral("-t"), urls.join(QLatin1Char(',')),
                                                QStringLiteral("--data"), QLatin1Char('@') + path});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(backend(0).requests().first().body == body);
        QVERIFY(backend(1).requests().first().body == body);
    }

    void profileWithParameters()
    {
        const QStringList urls = startBackends(2);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("purge-product.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QJsonObject profile{{QLatin1String("name"), QStringLiteral("purge-product")},
                                  {QLatin1String("method"), QStringLiteral("PURGE")},
                                  {QLatin1String("path"), QStringLiteral("/product/{id}?v=1")},
                                  {QLatin1String("targets"), QJsonObject{{QLatin1String("static"), QJsonArray::fromStringList(urls)}}}};
        file.write(QJsonDocument(profile).toJson());
        file.close();
        const QStringList base = {QStringLiteral("send"), QStringLiteral("--profile-dir"), dir.path(),
                                  QStringLiteral("--profile"), QStringLiteral("purge-product")};
        const auto result = HeraldProcess::run(base + QStringList{QStringLiteral("--set"), QStringLiteral("id=42")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(backend(0).requests().first().target, QByteArray("/product/42?v=1"));
        QCOMPARE(backend(1).requests().first().method, QByteArray("PURGE"));

        const auto missing = HeraldProcess::run(base);
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("id"));
    }

    void dnsThroughTheSystemResolver()
    {
        startBackends(1);
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/"),
                                                QStringLiteral("--dns"),
                                                QStringLiteral("localhost:%1").arg(backend(0).port()),
                                                QStringLiteral("--policy"), QStringLiteral("any"),
                                                QStringLiteral("--retries"), QStringLiteral("0")});
        QVERIFY2(result.exitCode == 0, result.out + result.err);
        QCOMPARE(backend(0).requestCount(), 1);
        QVERIFY(result.out.contains("127.0.0.1"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString target = QStringLiteral("--target=http://127.0.0.1:9");
        QTest::newRow("no targets") << QStringList{QStringLiteral("PURGE"), QStringLiteral("/")} << "no targets";
        QTest::newRow("no path") << QStringList{QStringLiteral("PURGE"), target} << "METHOD and PATH";
        QTest::newRow("bad policy") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--policy=most")} << "--policy";
        QTest::newRow("bad timeout") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--timeout=soon")} << "--timeout";
        QTest::newRow("bad retries") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--retries=-1")} << "--retries";
        QTest::newRow("bad target") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), QStringLiteral("--target=ftp://x")} << "--target";
        QTest::newRow("bad header") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("-H"), QStringLiteral("nocolon")} << "--header";
        QTest::newRow("bad method") << QStringList{QStringLiteral("GE T"), QStringLiteral("/"), target} << "method";
        QTest::newRow("unknown option") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--frobnicate")} << "frobnicate";
        QTest::newRow("set without profile") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--set=a=b")} << "--profile";
        QTest::newRow("missing profile") << QStringList{QStringLiteral("--profile=nope"), QStringLiteral("--profile-dir=/nonexistent")} << "nope";
        QTest::newRow("two sources") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--srv=_http._tcp.x")} << "only one";
        QTest::newRow("bad transport") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--transport=wget")} << "--transport";
        QTest::newRow("bad dns") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), QStringLiteral("--dns=nohostport")} << "--dns";
    }
    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const auto result = HeraldProcess::run(QStringList{QStringLiteral("send")} + arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
        QVERIFY(result.out.isEmpty());
    }

    // Flags, then the profile, then HERALD_TARGETS: the variable is used only when nothing else gives targets.
    void heraldTargetsPrecedence_data()
    {
        QTest::addColumn<QString>("source"); // flag, profile or none
        QTest::addColumn<bool>("goodDefault");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("reached"); // 0: the default's backend, 1: the flag's or profile's
        QTest::newRow("only HERALD_TARGETS") << "none" << true << 0 << 0;
        QTest::newRow("flag beats HERALD_TARGETS") << "flag" << true << 0 << 1;
        QTest::newRow("profile beats HERALD_TARGETS") << "profile" << true << 0 << 1;
        QTest::newRow("bad HERALD_TARGETS unused beside a flag") << "flag" << false << 0 << 1;
        QTest::newRow("bad HERALD_TARGETS unused beside a profile") << "profile" << false << 0 << 1;
        QTest::newRow("bad HERALD_TARGETS needed") << "none" << false << 2 << -1;
    }
    void heraldTargetsPrecedence()
    {
        QFETCH(QString, source);
        QFETCH(bool, goodDefault);
        QFETCH(int, exitCode);
        QFETCH(int, reached);
        const QStringList urls = startBackends(2);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("purge.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(QJsonObject{{QLatin1String("name"), QStringLiteral("purge")},
                                             {QLatin1String("method"), QStringLiteral("PURGE")},
                                             {QLatin1String("path"), QStringLiteral("/x")},
                                             {QLatin1String("targets"), QJsonObject{{QLatin1String("static"), QJsonArray{urls.at(1)}}}}})
                       .toJson());
        file.close();
        QStringList arguments{QStringLiteral("send"), QStringLiteral("--no-history")};
        if (source == QLatin1String("profile"))
            arguments << QStringLiteral("--profile") << file.fileName();
        else
            arguments << QStringLiteral("PURGE") << QStringLiteral("/x");
        if (source == QLatin1String("flag"))
            arguments << QStringLiteral("-t") << urls.at(1);
        QProcessEnvironment env;
        env.insert(QStringLiteral("HERALD_TARGETS"), goodDefault ? urls.at(0) : QStringLiteral("ftp://x"));
        const auto result = HeraldProcess::run(arguments, env);
        QVERIFY2(result.exitCode == exitCode, result.err.constData());
        for (int i = 0; i < 2; ++i)
            QCOMPARE(backend(i).requestCount(), i == reached ? 1 : 0);
        if (exitCode == 2)
            QVERIFY2(result.err.contains("HERALD_TARGETS: 'ftp://x' uses scheme 'ftp'"), result.err.constData());
    }

    void printConfigShowsTheEffectiveSettingsMasked()
    {
        const QStringList urls = startBackends(1);
        QProcessEnvironment env;
        env.insert(QStringLiteral("HERALD_TARGETS"), QStringLiteral("http://127.0.0.1:7001"));
        env.insert(QStringLiteral("HERALD_TRANSPORT"), QStringLiteral("curl"));
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/x"), QStringLiteral("-t"),
                                                urls.at(0), QStringLiteral("-H"), QStringLiteral("Authorization: Bearer s3cret"),
                                                QStringLiteral("-H"), QStringLiteral("X-Tag: a"), QStringLiteral("--retries"),
                                                QStringLiteral("3"), QStringLiteral("--timeout=1500ms"), QStringLiteral("--print-config")},
                                               env);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(!result.out.contains("s3cret"), result.out.constData());
        for (const QByteArray &line : {"--target=" + urls.at(0).toUtf8() + "\n", QByteArray("--header=Authorization: ****, X-Tag: a\n"),
                                       QByteArray("--retries=3\n"), QByteArray("--timeout=1500ms\n"),
                                       QByteArray("HERALD_TARGETS=http://127.0.0.1:7001\n"), QByteArray("HERALD_TRANSPORT=curl\n"),
                                       QByteArray("--concurrency=6\n")})
            QVERIFY2(result.out.contains(line), qPrintable(QString::fromUtf8(line + "missing from:\n" + result.out)));
        QCOMPARE(backend(0).requestCount(), 0); // printed, not sent

        const auto unset = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--print-config")});
        QCOMPARE(unset.exitCode, 0);
        QVERIFY2(unset.out.contains("HERALD_TRANSPORT=qnam\n"), unset.out.constData()); // send's default stays qnam
        const auto bad = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--print-config"), QStringLiteral("--retries=x")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.out.isEmpty());
        QVERIFY2(bad.err.contains("--retries: 'x'"), bad.err.constData());
    }

    void badVariableIsAUsageError_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::newRow("HERALD_NAMESERVER") << "HERALD_NAMESERVER" << "not-an-ip";
        QTest::newRow("HERALD_TRANSPORT") << "HERALD_TRANSPORT" << "wget";
    }
    void badVariableIsAUsageError()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QProcessEnvironment env;
        env.insert(variable, value);
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("GET"), QStringLiteral("/"),
                                                QStringLiteral("--target=http://127.0.0.1:9")},
                                               env);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(QStringLiteral("%1: '%2'").arg(variable, value).toUtf8()), result.err.constData());
    }

    void unresolvableNameIsAFailureNotASuccess()
    {
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/"),
                                                QStringLiteral("--dns"), QStringLiteral("no-such-host.invalid:80")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("no-such-host.invalid"), result.err.constData());
    }

    void broadcastsAreRecordedInTheHistory()
    {
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({500});
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("history.sqlite"));
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/h?x=1"),
                                                QStringLiteral("-t"), urls.join(QLatin1Char(',')), QStringLiteral("--retries=0"),
                                                QStringLiteral("--history"), path});
        QCOMPARE(result.exitCode, 1);
        herald::HistoryStore history(path);
        QVERIFY(history.open(nullptr));
        const QList<herald::HistoryEntry> entries = history.list();
        QCOMPARE(entries.size(), 1);
        const herald::HistoryEntry entry = history.entry(entries.first().id);
        QCOMPARE(entry.request.method, QByteArray("PURGE"));
        QCOMPARE(entry.request.pathAndQuery, QByteArray("/h?x=1"));
        QCOMPARE(entry.origin, QStringLiteral("send"));
        QCOMPARE(entry.results.size(), 2);
        QCOMPARE(entry.results.at(1).status, 500);
        QCOMPARE(entry.summary.policyMet, false);

        // A corrupt database is reported, and the broadcast still happens and exits by its policy.
        QFile corrupt(dir.filePath(QStringLiteral("corrupt.sqlite")));
        QVERIFY(corrupt.open(QIODevice::WriteOnly));
        corrupt.write(QByteArray(4096, 'Z'));
        corrupt.close();
        const auto withCorrupt = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/"),
                                                     QStringLiteral("-t"), urls.at(0), QStringLiteral("--history"), corrupt.fileName()});
        QCOMPARE(withCorrupt.exitCode, 0);
        QVERIFY(withCorrupt.err.contains("not recorded in the history"));
    }

    void unknownCommandIsAUsageError()
    {
        const auto result = HeraldProcess::run({QStringLiteral("frobnicate")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("unknown command"));
    }
};

QTEST_GUILESS_MAIN(TestSendCommand)
#include "tst_sendcommand.moc"
