// `herald send` tested black-box: the real binary, real loopback backends, exit codes and output.
#include "backendpool.h"
#include "heraldprocess.h"
#include "store/historystore.h"
#include "testbackend.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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
        for (const char *option :
             {"--target",    "--dns",       "--srv",        "--nameserver", "--profile",        "--set",
              "--header",    "--data",      "--retries",    "--retry-on",   "--timeout",        "--deadline",
              "--policy",    "--host-mode", "--json",       "--http2",      "--insecure",       "--concurrency",
              "--from-curl", "--dry-run",   "--print-curl", "--report",     "--compare-headers"})
            QVERIFY2(send.out.contains(option), option);
    }

    void purgeReachesEveryTarget()
    {
        const QStringList urls = startBackends(3);
        const auto result = HeraldProcess::run(
            {QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/product/42?lang=en"), QStringLiteral("--target"),
             urls.join(QLatin1Char(',')), QStringLiteral("-H"), QStringLiteral("Host: shop.example.com")});
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

    // The default transport (lean), curl and lean send the path byte for byte (QNAM rewrites dot
    // segments) and add no headers of their own.
    void transportSendsThePathAsGiven_data()
    {
        QTest::addColumn<QString>("transport"); // empty: the default
        QTest::newRow("default") << QString();
        QTest::newRow("curl") << QStringLiteral("curl");
        QTest::newRow("lean") << QStringLiteral("lean");
    }

    void transportSendsThePathAsGiven()
    {
        QFETCH(QString, transport);
        const QStringList urls = startBackends(2);
        QStringList arguments{QStringLiteral("send"),     QStringLiteral("PURGE"),     QStringLiteral("/a/./b/../c?x=1"),
                              QStringLiteral("--target"), urls.join(QLatin1Char(',')), QStringLiteral("--no-history")};
        if (!transport.isEmpty())
            arguments.append(QStringLiteral("--transport=") + transport);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("HERALD_TRANSPORT"));
        const auto result = HeraldProcess::run(arguments, environment);
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
                                             QStringLiteral("-t"), urls.join(QLatin1Char(',')), QStringLiteral("--retries"),
                                             QStringLiteral("0"), QStringLiteral("--policy"), QStringLiteral("any")});
        QCOMPARE(any.exitCode, 0);
    }

    void jsonOutput()
    {
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({503, 200});
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("FOOBAR"), QStringLiteral("/x"),
                                                QStringLiteral("-t"), urls.join(QLatin1Char(',')), QStringLiteral("--json")});
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
                                                QStringLiteral("-t"), urls.join(QLatin1Char(',')), QStringLiteral("--data"),
                                                QLatin1Char('@') + path});
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
                                  {QLatin1String("targets"),
                                   QJsonObject{{QLatin1String("static"), QJsonArray::fromStringList(urls)}}}};
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
                                                QStringLiteral("--dns"), QStringLiteral("localhost:%1").arg(backend(0).port()),
                                                QStringLiteral("--policy"), QStringLiteral("any"), QStringLiteral("--retries"),
                                                QStringLiteral("0")});
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
        QTest::newRow("bad policy") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                   QStringLiteral("--policy=most")}
                                    << "--policy";
        QTest::newRow("bad timeout") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                    QStringLiteral("--timeout=soon")}
                                     << "--timeout";
        QTest::newRow("bad retries") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                    QStringLiteral("--retries=-1")}
                                     << "--retries";
        QTest::newRow("bad target") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), QStringLiteral("--target=ftp://x")}
                                    << "--target";
        QTest::newRow("bad header") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("-H"),
                                                   QStringLiteral("nocolon")}
                                    << "--header";
        QTest::newRow("bad method") << QStringList{QStringLiteral("GE T"), QStringLiteral("/"), target} << "method";
        QTest::newRow("unknown option") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                       QStringLiteral("--frobnicate")}
                                        << "frobnicate";
        QTest::newRow("set without profile")
            << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--set=a=b")} << "--profile";
        QTest::newRow("missing profile") << QStringList{QStringLiteral("--profile=nope"),
                                                        QStringLiteral("--profile-dir=/nonexistent")}
                                         << "nope";
        QTest::newRow("two sources") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                    QStringLiteral("--srv=_http._tcp.x")}
                                     << "only one";
        QTest::newRow("bad transport") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                      QStringLiteral("--transport=wget")}
                                       << "--transport";
        QTest::newRow("bad dns") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), QStringLiteral("--dns=nohostport")}
                                 << "--dns";
        const QString curl = QStringLiteral("--from-curl=curl -X PURGE http://127.0.0.1:9/p");
        QTest::newRow("from-curl unsupported")
            << QStringList{QStringLiteral("--from-curl=curl --cookie a=b http://x/")} << "--cookie";
        QTest::newRow("from-curl with METHOD PATH") << QStringList{QStringLiteral("PURGE"), QStringLiteral("/"), curl}
                                                    << "--from-curl gives the method and path; do not give METHOD and PATH";
        QTest::newRow("from-curl with profile")
            << QStringList{curl, QStringLiteral("--profile=p")} << "use only one of --from-curl and --profile";
        QTest::newRow("dry-run header") << QStringList{QStringLiteral("PURGE"), QStringLiteral("/"), target, QStringLiteral("-H"),
                                                       QStringLiteral("X-Herald-Dry-Run: 1")}
                                        << "--header: X-Herald-Dry-Run is serve's; use --dry-run";
        QTest::newRow("dry-run header in curl")
            << QStringList{QStringLiteral("--from-curl=curl -H 'X-Herald-Dry-Run: 1' http://127.0.0.1:9/")}
            << "--from-curl: X-Herald-Dry-Run";
        QTest::newRow("dry-run and print-curl") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                               QStringLiteral("--dry-run"), QStringLiteral("--print-curl")}
                                                << "--dry-run and --print-curl";
        QTest::newRow("report with dry-run") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                            QStringLiteral("--dry-run"), QStringLiteral("--report=r.json")}
                                             << "--report writes";
        QTest::newRow("report extension") << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target,
                                                         QStringLiteral("--report=r.txt")}
                                          << "--report";
        QTest::newRow("bad compare headers")
            << QStringList{QStringLiteral("GET"), QStringLiteral("/"), target, QStringLiteral("--compare-headers=X Cache")}
            << "--compare-headers";
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
        file.write(
            QJsonDocument(QJsonObject{{QLatin1String("name"), QStringLiteral("purge")},
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
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/x"),
                                                QStringLiteral("-t"), urls.at(0), QStringLiteral("-H"),
                                                QStringLiteral("Authorization: Bearer s3cret"), QStringLiteral("-H"),
                                                QStringLiteral("X-Tag: a"), QStringLiteral("--retries"), QStringLiteral("3"),
                                                QStringLiteral("--timeout=1500ms"), QStringLiteral("--print-config")},
                                               env);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(!result.out.contains("s3cret"), result.out.constData());
        for (const QByteArray &line :
             {"--target=" + urls.at(0).toUtf8() + "\n", QByteArray("--header=Authorization: ****, X-Tag: a\n"),
              QByteArray("--retries=3\n"), QByteArray("--timeout=1500ms\n"), QByteArray("HERALD_TARGETS=http://127.0.0.1:7001\n"),
              QByteArray("HERALD_TRANSPORT=curl\n"), QByteArray("--concurrency=6\n")})
            QVERIFY2(result.out.contains(line), qPrintable(QString::fromUtf8(line + "missing from:\n" + result.out)));
        QCOMPARE(backend(0).requestCount(), 0); // printed, not sent

        const auto unset = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--print-config")});
        QCOMPARE(unset.exitCode, 0);
        QVERIFY2(unset.out.contains("HERALD_TRANSPORT=lean\n"), unset.out.constData()); // send's default is lean, as serve's
        const auto bad = HeraldProcess::run(
            {QStringLiteral("send"), QStringLiteral("--print-config"), QStringLiteral("--retries=x")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.out.isEmpty());
        QVERIFY2(bad.err.contains("--retries: 'x'"), bad.err.constData());
    }

    void badVariableIsAUsageError_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::newRow("HERALD_NAMESERVER") << "HERALD_NAMESERVER"
                                           << "not-an-ip";
        QTest::newRow("HERALD_TRANSPORT") << "HERALD_TRANSPORT"
                                          << "wget";
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
                                                     QStringLiteral("-t"), urls.at(0), QStringLiteral("--history"),
                                                     corrupt.fileName()});
        QCOMPARE(withCorrupt.exitCode, 0);
        QVERIFY(withCorrupt.err.contains("not recorded in the history"));
    }

    // --dry-run sends nothing, and what it prints is what a real send then delivers, header by
    // header (over --transport curl, which adds no headers of its own).
    void dryRunShowsExactlyWhatIsSent()
    {
        const QStringList urls = startBackends(2);
        const QStringList request{QStringLiteral("send"),
                                  QStringLiteral("PURGE"),
                                  QStringLiteral("/p/42?lang=en"),
                                  QStringLiteral("-t"),
                                  urls.join(QLatin1Char(',')),
                                  QStringLiteral("-H"),
                                  QStringLiteral("Host: shop.example"),
                                  QStringLiteral("-H"),
                                  QStringLiteral("X-Tag: a, b"),
                                  QStringLiteral("-H"),
                                  QStringLiteral("Cookie: secret=1"),
                                  QStringLiteral("-d"),
                                  QStringLiteral("hello"),
                                  QStringLiteral("--transport=curl"),
                                  QStringLiteral("--no-history")};
        const auto text = HeraldProcess::run(request + QStringList{QStringLiteral("--dry-run")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("PURGE " + urls.at(1).toUtf8() + "/p/42?lang=en"), text.out.constData());
        QVERIFY(text.out.contains("X-Tag: a, b"));
        QVERIFY(!text.out.contains("secret=1")); // the header policy drops Cookie
        QVERIFY(text.out.contains("body: 5 bytes, sha256 " + QCryptographicHash::hash("hello", QCryptographicHash::Sha256).toHex()));
        QVERIFY(text.out.contains("nothing sent"));
        QVERIFY(!text.out.contains("qnam")); // the footer is about qnam's own headers
        const auto qnam = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("GET"), QStringLiteral("/"),
                                              QStringLiteral("-t"), urls.at(0), QStringLiteral("--dry-run"),
                                              QStringLiteral("--transport=qnam")});
        QCOMPARE(qnam.exitCode, 0);
        QVERIFY(qnam.out.contains("qnam transport also adds"));

        const auto json = HeraldProcess::run(request + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(backend(0).requestCount(), 0);
        QCOMPARE(backend(1).requestCount(), 0);
        const QJsonObject planned = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(planned.value(QLatin1String("dryRun")).toBool(), true);
        const QJsonArray targets = planned.value(QLatin1String("targets")).toArray();
        QCOMPARE(targets.size(), 2);

        QCOMPARE(HeraldProcess::run(request).exitCode, 0);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(backend(i).requestCount(), 1);
            const herald::test::RecordedRequest received = backend(i).requests().first();
            const QJsonObject entry = targets.at(i).toObject();
            QCOMPARE(entry.value(QLatin1String("method")).toString().toLatin1(), received.method);
            QCOMPARE(entry.value(QLatin1String("url")).toString(), urls.at(i) + QString::fromLatin1(received.target));
            QCOMPARE(entry.value(QLatin1String("bodyBytes")).toInt(), received.body.size());
            QCOMPARE(entry.value(QLatin1String("bodySha256")).toString().toLatin1(),
                     QCryptographicHash::hash(received.body, QCryptographicHash::Sha256).toHex());
            QList<QPair<QByteArray, QByteArray>> shown;
            for (const QJsonValue &pair : entry.value(QLatin1String("headers")).toArray())
                shown.append({pair.toArray().at(0).toString().toLatin1(), pair.toArray().at(1).toString().toLatin1()});
            QCOMPARE(shown.size(), received.headers.size());
            for (int h = 0; h < shown.size(); ++h) {
                QCOMPARE(shown.at(h).first.toLower(), received.headers.at(h).first.toLower());
                QCOMPARE(shown.at(h).second, received.headers.at(h).second);
            }
        }
    }

    // A curl command line with shell quoting, -X, -H and --data-binary @FILE; its URL is the target
    // unless a target flag says otherwise, and it wins over HERALD_TARGETS.
    void fromCurlBuildsTheRequest()
    {
        const QStringList urls = startBackends(2);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("body with space.bin")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray body("line1\nline2\0end", 15);
        file.write(body);
        file.close();
        const QString command = QStringLiteral("curl -X PURGE -H \"Host: a b.example\" -H 'X-Quote: it'\"'\"'s' "
                                               "--data-binary '@%1' '%2/p?q=1&r=2'")
                                    .arg(file.fileName(), urls.at(0));
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_TARGETS"), urls.at(1));
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--from-curl"), command,
                                                QStringLiteral("--no-history")},
                                               environment);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(backend(1).requestCount(), 0);
        QCOMPARE(backend(0).requestCount(), 1);
        const herald::test::RecordedRequest received = backend(0).requests().first();
        QCOMPARE(received.method, QByteArray("PURGE"));
        QCOMPARE(received.target, QByteArray("/p?q=1&r=2"));
        QCOMPARE(received.header("Host"), QByteArray("a b.example"));
        QCOMPARE(received.header("X-Quote"), QByteArray("it's"));
        QCOMPARE(received.body, body);

        // --target wins over the URL; -d with a literal body and -H still apply on top.
        const auto flagged = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--from-curl"),
                                                 QStringLiteral("curl -d 'a=1 2' -H 'X-Quote: x' %1/form").arg(urls.at(0)),
                                                 QStringLiteral("-t"), urls.at(1), QStringLiteral("-H"),
                                                 QStringLiteral("X-Quote: y"), QStringLiteral("--no-history")});
        QCOMPARE(flagged.exitCode, 0);
        QCOMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(1).requestCount(), 1);
        QCOMPARE(backend(1).requests().first().method, QByteArray("POST"));
        QCOMPARE(backend(1).requests().first().target, QByteArray("/form"));
        QCOMPARE(backend(1).requests().first().body, QByteArray("a=1 2"));
        QCOMPARE(backend(1).requests().first().header("X-Quote"), QByteArray("y"));

        const auto unsupported = HeraldProcess::run(
            {QStringLiteral("send"), QStringLiteral("--from-curl"), QStringLiteral("curl --cookie a=b %1/").arg(urls.at(0))});
        QCOMPARE(unsupported.exitCode, 2);
        QVERIFY2(unsupported.err.contains("--from-curl") && unsupported.err.contains("--cookie"), unsupported.err.constData());
        QCOMPARE(backend(0).requestCount(), 1);
    }

    // Each printed command, run by sh with the real curl, reaches its backend as herald's send does.
    void printCurlReachesTheBackendIdentically()
    {
        const QStringList urls = startBackends(2);
        const QStringList request{QStringLiteral("send"),
                                  QStringLiteral("PURGE"),
                                  QStringLiteral("/a/./b?x=1&y='2'"),
                                  QStringLiteral("-t"),
                                  urls.join(QLatin1Char(',')),
                                  QStringLiteral("-H"),
                                  QStringLiteral("Host: shop.example"),
                                  QStringLiteral("-H"),
                                  QStringLiteral("X-Q: it's \"quoted\" $HOME"),
                                  QStringLiteral("-d"),
                                  QStringLiteral("b'o\"d y"),
                                  QStringLiteral("--transport=curl"),
                                  QStringLiteral("--no-history")};
        const auto printed = HeraldProcess::run(request + QStringList{QStringLiteral("--print-curl")});
        QCOMPARE(printed.exitCode, 0);
        QCOMPARE(backend(0).requestCount() + backend(1).requestCount(), 0);
        QCOMPARE(printed.out.count("\ncurl ") + printed.out.count("\nprintf "), 2);

        QProcess shell;
        shell.start(QStringLiteral("sh"), {QStringLiteral("-c"), QString::fromUtf8(printed.out)});
        QVERIFY(shell.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(shell.state() == QProcess::NotRunning, 15000);
        QCOMPARE(shell.exitCode(), 0);
        QCOMPARE(HeraldProcess::run(request).exitCode, 0);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(backend(i).requestCount(), 2);
            const herald::test::RecordedRequest viaCurl = backend(i).requests().at(0);
            const herald::test::RecordedRequest viaHerald = backend(i).requests().at(1);
            QCOMPARE(viaCurl.method, viaHerald.method);
            QCOMPARE(viaCurl.target, viaHerald.target);
            QCOMPARE(viaCurl.body, viaHerald.body);
            for (const auto &header : viaHerald.headers)
                QCOMPARE(viaCurl.header(header.first), header.second);
        }
    }

    void reportWritesJsonAndCsv()
    {
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({500});
        QTemporaryDir dir;
        const QString jsonPath = dir.filePath(QStringLiteral("run.json"));
        const auto json = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/"),
                                              QStringLiteral("-t"), urls.join(QLatin1Char(',')), QStringLiteral("--retries=0"),
                                              QStringLiteral("--no-history"), QStringLiteral("--report"), jsonPath});
        QCOMPARE(json.exitCode, 1);
        QFile jsonFile(jsonPath);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(jsonFile.readAll()).object();
        const QJsonArray targets = report.value(QLatin1String("targets")).toArray();
        QCOMPARE(targets.size(), 2);
        QCOMPARE(targets.at(0).toObject().value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(targets.at(1).toObject().value(QLatin1String("status")).toInt(), 500);
        QCOMPARE(targets.at(1).toObject().value(QLatin1String("group")).toInt(), 1);
        QCOMPARE(report.value(QLatin1String("disagree")).toBool(), true);

        const QString csvPath = dir.filePath(QStringLiteral("run.CSV"));
        const auto csv = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/"),
                                             QStringLiteral("-t"), urls.join(QLatin1Char(',')), QStringLiteral("--retries=0"),
                                             QStringLiteral("--no-history"), QStringLiteral("--report=") + csvPath});
        QCOMPARE(csv.exitCode, 1);
        QFile csvFile(csvPath);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvFile.readAll().split('\n');
        QCOMPARE(lines.size(), 4); // header, two rows, and the empty rest after the last CRLF
        QCOMPARE(lines.at(0), QByteArray("target,outcome,status,latency_ms,attempts,error,group\r"));
        QVERIFY2(lines.at(1).startsWith(urls.at(0).toUtf8() + ",ok,200,"), lines.at(1).constData());
        QVERIFY2(lines.at(2).startsWith(urls.at(1).toUtf8() + ",http-error,500,"), lines.at(2).constData());
        QVERIFY(lines.at(2).endsWith(",1\r"));

        const auto unwritable = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/"),
                                                    QStringLiteral("-t"), urls.at(0), QStringLiteral("--no-history"),
                                                    QStringLiteral("--report=/nonexistent/dir/r.json")});
        QCOMPARE(unwritable.exitCode, 2);
        QVERIFY2(unwritable.err.contains("--report"), unwritable.err.constData());
    }

    // One cache answering a different body or X-Cache is found in one request; the exit code stays the policy's.
    void disagreeingTargetsPrintTheGroups()
    {
        const QStringList urls = startBackends(3);
        backend(2).setResponseBody("stale");
        for (int i = 0; i < 3; ++i)
            backend(i).setResponseHeaders({{"X-Cache", i == 1 ? "HIT" : "MISS"}});
        const QStringList request{QStringLiteral("send"), QStringLiteral("GET"),       QStringLiteral("/p"),
                                  QStringLiteral("-t"),   urls.join(QLatin1Char(',')), QStringLiteral("--no-history")};
        const auto bodies = HeraldProcess::run(request);
        QCOMPARE(bodies.exitCode, 0);
        QVERIFY2(bodies.out.contains("targets disagree, 2 groups"), bodies.out.constData());
        QVERIFY(bodies.out.contains("2 targets: 200"));
        QVERIFY(bodies.out.contains("5 bytes"));

        const auto headers = HeraldProcess::run(
            request + QStringList{QStringLiteral("--compare-headers=x-cache, Age"), QStringLiteral("--json")});
        QCOMPARE(headers.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(headers.out).object();
        QCOMPARE(json.value(QLatin1String("disagree")).toBool(), true);
        QCOMPARE(json.value(QLatin1String("groups")).toArray().size(), 3);

        backend(2).setResponseBody("ok\n"); // the default body: backends 0 and 2 now answer alike
        const auto agree = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("GET"), QStringLiteral("/p"),
                                               QStringLiteral("-t"), urls.at(0) + QLatin1Char(',') + urls.at(2),
                                               QStringLiteral("--no-history")});
        QCOMPARE(agree.exitCode, 0);
        QVERIFY2(!agree.out.contains("disagree"), agree.out.constData());
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
