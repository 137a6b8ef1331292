// The value parsers the settings tables share, and the Redis URL: what fuzz_config found, kept as
// regressions (the inputs are in tests/fuzz/corpus/config/ too).
#include "common/settingvalues.h"
#include "relay/redisaddress.h"

#include <QTest>

using namespace herald;

class TestSettingValues : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bytes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes"); // 0: refused
        QTest::newRow("plain") << "1048576" << qint64(1048576);
        QTest::newRow("KiB") << "64KiB" << qint64(64 * 1024);
        QTest::newRow("GiB") << "10GiB" << qint64(10) * 1024 * 1024 * 1024;
        QTest::newRow("largest in g") << "8589934591g" << qint64(8589934591) * 1024 * 1024 * 1024;
        // These overflowed qint64 when multiplied: undefined behaviour, then any value.
        QTest::newRow("g overflow") << "99999999999g" << qint64(0);
        QTest::newRow("g just over") << "8589934592g" << qint64(0);
        QTest::newRow("m overflow") << "9999999999999999m" << qint64(0);
        QTest::newRow("k overflow") << "9999999999999999999k" << qint64(0);
        QTest::newRow("zero") << "0" << qint64(0);
        // FanOut's MAX_BODY_SIZE, read as its go-humanize parser reads it: MB decimal, MiB binary.
        QTest::newRow("MB is decimal") << "10MB" << qint64(10000000);
        QTest::newRow("fraction of MB") << "1.5MB" << qint64(1500000);
        QTest::newRow("kB") << "64kB" << qint64(64000);
        QTest::newRow("MiB is binary") << "10MiB" << qint64(10 * 1024 * 1024);
        QTest::newRow("space and lower case") << "10 mb" << qint64(10000000);
        QTest::newRow("bare m stays binary") << "10m" << qint64(10 * 1024 * 1024);
        QTest::newRow("fraction of MiB") << "0.5MiB" << qint64(512 * 1024);
        QTest::newRow("fraction under a byte") << "0.0001kB" << qint64(0);
        QTest::newRow("huge fraction") << "99999999999.5GB" << qint64(0);
        QTest::newRow("two dots") << "1.5.0MB" << qint64(0);
    }
    void bytes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        qint64 parsed = -1;
        const QString error = SettingValues::parseBytes(text, &parsed);
        if (bytes == 0) {
            QVERIFY(!error.isEmpty());
            QCOMPARE(parsed, qint64(-1));
        } else {
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(parsed, bytes);
        }
    }

    // What --print-config shows for a listen address must read back as the same address.
    void listenReadsBackAsShown_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("port only") << ":8080"
                                   << ":8080";
        QTest::newRow("0.0.0.0") << "0.0.0.0:8080"
                                 << ":8080";
        // Spelled "0" or "00.0.0.0" it was IPv4 only, shown as 0.0.0.0:8080, read back as every address.
        QTest::newRow("0") << "0:8080"
                           << ":8080";
        QTest::newRow("00.0.0.0") << "00.0.0.0:8080"
                                  << ":8080";
        QTest::newRow("loopback") << "127.0.0.1:8080"
                                  << "127.0.0.1:8080";
        QTest::newRow("IPv6 loopback") << "[::1]:8080"
                                       << "::1:8080";
    }
    void listenReadsBackAsShown()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QHostAddress address;
        quint16 port = 0;
        QCOMPARE(SettingValues::parseListen(text, &address, &port), QString());
        QCOMPARE(SettingValues::showListen(address, port), shown);
        QHostAddress again;
        quint16 againPort = 0;
        QCOMPARE(SettingValues::parseListen(shown, &again, &againPort), QString());
        QCOMPARE(again, address);
        QCOMPARE(againPort, port);
    }

    // An IPv6 scope is refused with its reason: it did not read back as shown (found by fuzz_config).
    void listenRefusesAnIpv6Scope()
    {
        QHostAddress address;
        quint16 port = 0;
        const QString error = SettingValues::parseListen(QStringLiteral("[::%1]:8080"), &address, &port);
        QVERIFY2(error.contains(QLatin1String("scope")), qPrintable(error));
    }

    // The masked Redis URL in logs and --print-config names the same server, IPv6 included.
    // The levels logrus documents (http-broadcast's LOG_LEVEL) read as Herald's nearest one.
    void logLevel_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("level"); // "": refused
        QTest::newRow("trace") << "trace"
                               << "debug";
        QTest::newRow("debug") << "debug"
                               << "debug";
        QTest::newRow("Info") << "Info"
                              << "info";
        QTest::newRow("warning") << "warning"
                                 << "warn";
        QTest::newRow("fatal") << "fatal"
                               << "error";
        QTest::newRow("panic") << "PANIC"
                               << "error";
        QTest::newRow("verbose") << "verbose"
                                 << "";
    }
    void logLevel()
    {
        QFETCH(QString, text);
        QFETCH(QString, level);
        QString parsed = QStringLiteral("unchanged");
        const QString error = SettingValues::parseLogLevel(text, &parsed);
        QCOMPARE(parsed, level.isEmpty() ? QStringLiteral("unchanged") : level);
        QCOMPARE(error.isEmpty(), !level.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(error.contains(QLatin1String("trace")), qPrintable(error));
    }

    void logFormat_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("text") << "text" << true;
        QTest::newRow("json") << "JSON" << true;
        QTest::newRow("fluentd") << "fluentd" << true;
        QTest::newRow("logfmt") << "logfmt" << false;
    }
    void logFormat()
    {
        QFETCH(QString, text);
        QFETCH(bool, accepted);
        QString parsed;
        QCOMPARE(SettingValues::parseLogFormat(text, &parsed).isEmpty(), accepted);
        QCOMPARE(parsed, accepted ? text.toLower() : QString());
    }

    void redisMaskedReadsBack_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("masked");
        QTest::newRow("plain") << "redis://127.0.0.1"
                               << "redis://127.0.0.1:6379/0";
        QTest::newRow("password") << "redis://:secret@redis:6380/2"
                                  << "redis://:****@redis:6380/2";
        QTest::newRow("user and password") << "redis://u:secret@127.0.0.1:1/2"
                                           << "redis://u:****@127.0.0.1:1/2";
        // Was redis://::1:6379/0, which is not a URL.
        QTest::newRow("IPv6") << "redis://[::1]:6379/0"
                              << "redis://[::1]:6379/0";
        QTest::newRow("IPv6 with password") << "redis://u:p@[2001:db8::1]/3"
                                            << "redis://u:****@[2001:db8::1]:6379/3";
    }
    void redisMaskedReadsBack()
    {
        QFETCH(QString, url);
        QFETCH(QString, masked);
        RedisAddress address;
        QString error;
        QVERIFY2(RedisAddress::parse(url, &address, &error), qPrintable(error));
        QCOMPARE(address.masked(), masked);
        RedisAddress shown;
        QVERIFY2(RedisAddress::parse(address.masked(), &shown, &error), qPrintable(error));
        QCOMPARE(shown.host, address.host);
        QCOMPARE(shown.port, address.port);
        QCOMPARE(shown.database, address.database);
        QCOMPARE(shown.user, address.password.isEmpty() ? QString() : address.user);
    }
};

QTEST_GUILESS_MAIN(TestSettingValues)
#include "tst_settingvalues.moc"
