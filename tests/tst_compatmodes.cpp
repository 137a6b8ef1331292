// The choice of a seed's compatibility mode and how its defaults sit under every explicit setting,
// on values: the table, the environment and the flags as `herald serve` reads them.
#include "compat/compatmodes.h"
#include "serve/serveconfig.h"
#include "serve/servesettings.h"

#include <QCommandLineParser>
#include <QtTest>

using namespace herald;

namespace {

using Environment = QHash<QString, QString>;

QString loadServe(const QStringList &arguments, const Environment &environment, ServeConfig *config)
{
    QCommandLineParser parser;
    ServeSettings::addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("herald")} + arguments))
        return QStringLiteral("parser: ") + parser.errorText();
    return ServeSettings::load(parser, environment, config);
}

} // namespace

class TestCompatModes : public QObject
{
    Q_OBJECT

private slots:
    void chosenFromTheEnvironment_data()
    {
        QTest::addColumn<Environment>("environment");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("reason");
        QTest::newRow("nothing") << Environment{{"HERALD_TARGETS", "http://127.0.0.1:1"}} << "none"
                                 << "";
        QTest::newRow("broadcaster") << Environment{{"BACKEND_HOST", "varnish"}} << "broadcaster"
                                     << "BACKEND_HOST is set";
        QTest::newRow("red-tentacle") << Environment{{"BACKEND_SERVERS", "http://127.0.0.1:1"}} << "red-tentacle"
                                      << "BACKEND_SERVERS is set";
        QTest::newRow("fanout") << Environment{{"TARGETS", "http://127.0.0.1:1"}, {"ENDPOINT_PATH", "/f"}} << "fanout"
                                << "TARGETS, ENDPOINT_PATH are set";
        QTest::newRow("k8sreq") << Environment{{"METRICS_ADDR", ":8081"}} << "k8sreq-duplicator"
                                << "METRICS_ADDR is set";
        QTest::newRow("http-broadcast") << Environment{{"SERVER_ADDR", ":80"}} << "http-broadcast"
                                        << "SERVER_ADDR is set";
        QTest::newRow("explicit beats detection")
            << Environment{{"BACKEND_HOST", "varnish"}, {"HERALD_COMPAT", "fanout"}} << "fanout"
            << "HERALD_COMPAT=fanout";
        QTest::newRow("none turns detection off") << Environment{{"BACKEND_HOST", "varnish"}, {"HERALD_COMPAT", "none"}} << "none"
                                                  << "HERALD_COMPAT=none";
        QTest::newRow("auto is detection") << Environment{{"BACKEND_SERVERS", "http://a"}, {"HERALD_COMPAT", "AUTO"}}
                                           << "red-tentacle"
                                           << "BACKEND_SERVERS is set";
    }
    void chosenFromTheEnvironment()
    {
        QFETCH(Environment, environment);
        QFETCH(QString, mode);
        QFETCH(QString, reason);
        CompatChoice choice;
        QCOMPARE(CompatModes::choose(environment.value("HERALD_COMPAT"), environment, &choice), QString());
        QCOMPARE(choice.name, mode);
        QCOMPARE(choice.reason, reason);
        const QString line = CompatModes::announcement(choice);
        QCOMPARE(line.isEmpty(), mode == "none");
        if (!line.isEmpty()) {
            QVERIFY2(line.startsWith(QStringLiteral("behaving as %1 (%2): ").arg(mode, reason)), qPrintable(line));
            QVERIFY2(line.endsWith("; HERALD_COMPAT=none turns this off"), qPrintable(line));
        }
    }

    void badChoicesNameTheVariable_data()
    {
        QTest::addColumn<Environment>("environment");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown mode") << Environment{{"HERALD_COMPAT", "varnishd"}}
                                      << "HERALD_COMPAT: 'varnishd' is not a mode; expected auto, broadcaster, "
                                         "http-broadcast, k8sreq-duplicator, red-tentacle, fanout, none";
        QTest::newRow("two seeds") << Environment{{"BACKEND_HOST", "varnish"}, {"BACKEND_SERVERS", "http://a"}}
                                   << "HERALD_COMPAT: the environment holds variables of several seeds: BACKEND_HOST "
                                      "(broadcaster); BACKEND_SERVERS (red-tentacle); set HERALD_COMPAT to one of them, or to none";
    }
    void badChoicesNameTheVariable()
    {
        QFETCH(Environment, environment);
        QFETCH(QString, error);
        ServeConfig config;
        QCOMPARE(loadServe({}, environment, &config), error);
    }

    void modeDefaultsSitUnderEverySource_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<Environment>("environment");
        QTest::addColumn<int>("port");
        QTest::addColumn<int>("timeoutMs");
        const Environment seed{{"BACKEND_HOST", "varnish.default.svc"}};
        QTest::newRow("the seed's defaults") << QStringList{} << seed << 6081 << 3000;
        Environment ownPort = seed;
        ownPort.insert("BACKEND_PORT", "8080");
        QTest::newRow("the seed's own variable") << QStringList{} << ownPort << 8080 << 3000;
        Environment herald = seed;
        herald.insert("HERALD_TIMEOUT", "750ms");
        QTest::newRow("a HERALD_* variable") << QStringList{} << herald << 6081 << 750;
        QTest::newRow("a flag") << QStringList{"--dns-port", "81"} << seed << 81 << 3000;
        Environment off = seed;
        off.insert("HERALD_COMPAT", "none");
        QTest::newRow("mode off: Herald's own defaults") << QStringList{} << off << 80 << 5000;
    }
    void modeDefaultsSitUnderEverySource()
    {
        QFETCH(QStringList, arguments);
        QFETCH(Environment, environment);
        QFETCH(int, port);
        QFETCH(int, timeoutMs);
        ServeConfig config;
        QCOMPARE(loadServe(arguments, environment, &config), QString());
        QCOMPARE(int(config.source.port), port);
        QCOMPARE(config.options.attemptTimeoutMs, timeoutMs);
    }

    void printConfigShowsTheMode()
    {
        ServeConfig config;
        QCOMPARE(loadServe({}, {{"BACKEND_SERVERS", "http://127.0.0.1:9"}}, &config), QString());
        const QString printed = ServeSettings::printConfig(config);
        QVERIFY2(printed.contains("\nHERALD_COMPAT=red-tentacle\n"), qPrintable(printed));
        QVERIFY2(printed.contains("\nHERALD_POLICY=first\n"), qPrintable(printed));
        QVERIFY2(printed.contains("\nHERALD_HOST_MODE=target\n"), qPrintable(printed));
    }

    // Every mode's defaults name real settings with values they accept: a typo in a mode's table
    // would otherwise surface only when that seed's users start.
    void everyModesDefaultsApply()
    {
        for (const CompatMode &mode : CompatModes::all()) {
            ServeConfig config;
            QCOMPARE(loadServe({"--compat", mode.name, "--targets", "http://127.0.0.1:9"}, {}, &config), QString());
            QCOMPARE(config.compatMode, mode.name);
        }
    }
};

QTEST_GUILESS_MAIN(TestCompatModes)
#include "tst_compatmodes.moc"
