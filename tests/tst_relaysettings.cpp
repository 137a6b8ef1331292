// `herald relay`'s settings through the real binary: --print-config from the environment and
// flags with the Redis password masked, the log level honoured against a real Redis, and bad
// log settings refused at start naming the variable.
#include "heraldprocess.h"
#include "redisserver.h"

#include <QProcess>
#include <QTest>

#include <csignal>

using namespace herald::test;

namespace {

QProcessEnvironment environment(std::initializer_list<std::pair<const char *, QString>> values)
{
    QProcessEnvironment env;
    for (const auto &value : values)
        env.insert(QString::fromLatin1(value.first), value.second);
    return env;
}

} // namespace

class TestRelaySettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printConfigFromEnvironmentAndFlags()
    {
        const auto result =
            HeraldProcess::run({QStringLiteral("relay"), QStringLiteral("--print-config"), QStringLiteral("--stream"),
                                QStringLiteral("purges"), QStringLiteral("--retry-deadline"), QStringLiteral("5s"),
                                QStringLiteral("--admin-listen"), QStringLiteral("127.0.0.1:9100")},
                               environment({{"HERALD_RELAY_URL", QStringLiteral("redis://agent:pa55word@127.0.0.1:6390/3")},
                                            {"AGENT_ENDPOINT", QStringLiteral("http://127.0.0.1:8081,http://127.0.0.1:8082")},
                                            {"HUB_TOPIC", QStringLiteral("ignored-by-the-flag")},
                                            {"HERALD_RELAY_NAME", QStringLiteral("edge-1")},
                                            {"LOG_FORMAT", QStringLiteral("json")}}));
        QVERIFY(result.finished);
        QCOMPARE(result.exitCode, 0);
        const QByteArray &out = result.out;
        QVERIFY2(!out.contains("pa55word"), out.constData());
        for (const char *line : {"HERALD_RELAY_URL=redis://agent:****@127.0.0.1:6390/3\n",
                                 "HERALD_RELAY_ENDPOINT=http://127.0.0.1:8081,http://127.0.0.1:8082\n",
                                 "HERALD_RELAY_STREAM=purges\n", "HERALD_RELAY_NAME=edge-1\n", "HERALD_RELAY_RETRY_DEADLINE=5s\n",
                                 "HERALD_ADMIN_LISTEN=127.0.0.1:9100\n", "HERALD_LOG_FORMAT=json\n", "HERALD_LOG_LEVEL=info\n"})
            QVERIFY2(out.contains(line),
                     qPrintable(QStringLiteral("%1 missing from:\n%2").arg(QLatin1String(line), QString::fromUtf8(out))));
    }

    void badLogSettingsRefused_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("HERALD_LOG_LEVEL") << "HERALD_LOG_LEVEL"
                                          << "loud"
                                          << "HERALD_LOG_LEVEL";
        QTest::newRow("LOG_LEVEL") << "LOG_LEVEL"
                                   << "loud"
                                   << "LOG_LEVEL (alias of HERALD_LOG_LEVEL)";
        QTest::newRow("HERALD_LOG_FORMAT") << "HERALD_LOG_FORMAT"
                                           << "xml"
                                           << "HERALD_LOG_FORMAT";
    }
    void badLogSettingsRefused()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, named);
        QProcessEnvironment env;
        env.insert(variable, value);
        const auto result = HeraldProcess::run({QStringLiteral("relay"), QStringLiteral("--redis"),
                                                QStringLiteral("redis://127.0.0.1:1/0"), QStringLiteral("--endpoint"),
                                                QStringLiteral("http://127.0.0.1:1")},
                                               env);
        QVERIFY(result.finished);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(QStringLiteral("invalid configuration: %1: '%2'").arg(named, value).toUtf8()),
                 result.err.constData());
    }

    void logLevelHonoured_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("level");
        QTest::addColumn<bool>("debugLines");
        QTest::newRow("default") << ""
                                 << "" << false;
        QTest::newRow("HERALD_LOG_LEVEL=debug") << "HERALD_LOG_LEVEL"
                                                << "debug" << true;
        QTest::newRow("LOG_LEVEL=debug") << "LOG_LEVEL"
                                         << "debug" << true;
        QTest::newRow("HERALD_LOG_LEVEL=info") << "HERALD_LOG_LEVEL"
                                               << "info" << false;
    }
    void logLevelHonoured()
    {
        QFETCH(QString, variable);
        QFETCH(QString, level);
        QFETCH(bool, debugLines);
        if (!RedisServer::isInstalled())
            QSKIP("redis-server is not installed");
        RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"HERALD_LOG_LEVEL", "LOG_LEVEL", "HERALD_LOG_FORMAT", "LOG_FORMAT", "HERALD_CONFIG"})
            env.remove(QString::fromLatin1(name));
        if (!variable.isEmpty())
            env.insert(variable, level);
        QProcess relay;
        relay.setProcessEnvironment(env);
        relay.start(HeraldProcess::binary(),
                    {QStringLiteral("relay"), QStringLiteral("--redis"), redis.url(), QStringLiteral("--endpoint"),
                     QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--name"), QStringLiteral("levels")});
        QVERIFY(relay.waitForStarted(5000));
        QByteArray err;
        // The info line comes after the debug lines (settings are logged before connecting), so
        // once it is there, every debug line that will ever be printed before it is there too.
        QTRY_VERIFY2_WITH_TIMEOUT((err += relay.readAllStandardError()).contains("info herald.relay: connected to"),
                                  err.constData(), 10000);
        ::kill(static_cast<pid_t>(relay.processId()), SIGTERM);
        QVERIFY(relay.waitForFinished(10000));
        err += relay.readAllStandardError();
        QCOMPARE(err.contains(" debug herald.relay: setting HERALD_RELAY_URL=" + redis.url().toUtf8()), debugLines);
        QCOMPARE(err.contains(" debug "), debugLines);
    }
};

QTEST_GUILESS_MAIN(TestRelaySettings)
#include "tst_relaysettings.moc"
