// The settings-table mechanism on a small test table, and the real serve, relay and send tables:
// layering, aliases, error text, secret masking, config-file keys and --help.
#include "common/settingstable.h"
#include "common/settingvalues.h"
#include "broadcast/broadcastplan.h"
#include "relay/relaysettings.h"
#include "send/sendcommand.h"
#include "send/sendsettings.h"
#include "serve/servesettings.h"

#include <QCommandLineParser>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

namespace {

struct TestConfig
{
    int count = 1;
    QString token;
    QString url;
    QStringList headers;
    bool verbose = false;
    QString region;
    QString configFile;
};

using Table = SettingsTable<TestConfig>;
using Environment = QHash<QString, QString>;

Table testTable()
{
    using C = TestConfig;
    QList<Table::Setting> rows;
    rows.append(Table::row(
        QStringLiteral("TEST_COUNT"), {QStringLiteral("OLD_COUNT")}, QStringLiteral("count"), QStringLiteral("A count."),
        [](C &c, const QString &v) { return SettingValues::parseCount(v, 0, &c.count); },
        [](const C &c) { return QString::number(c.count); }));
    rows.append(Table::row(
        QStringLiteral("TEST_TOKEN"), {}, QStringLiteral("token"), QStringLiteral("A secret."),
        [](C &c, const QString &v) {
            c.token = v;
            return v.size() < 8 ? QStringLiteral("must be at least 8 characters") : QString();
        },
        [](const C &c) { return c.token.isEmpty() ? QString() : QStringLiteral("********"); }, true));
    rows.append(Table::row(
                    QStringLiteral("TEST_URL"), {}, QStringLiteral("url"), QStringLiteral("A URL with a password."),
                    [](C &c, const QString &v) {
                        if (!v.startsWith(QLatin1String("redis://")))
                            return QStringLiteral("expected redis://");
                        c.url = v;
                        return QString();
                    },
                    [](const C &c) { return SettingValues::maskUrlPassword(c.url); })
                    .withMask(SettingValues::maskUrlPassword));
    rows.append(Table::row({}, {}, QStringLiteral("header"), QStringLiteral("A header; repeat."), {},
                           [](const C &c) { return c.headers.join(QLatin1Char('|')); })
                    .withShortFlag(QStringLiteral("H"))
                    .notInFile()
                    .repeatable([](C &c, const QStringList &values) {
                        for (const QString &value : values) {
                            if (!value.contains(QLatin1Char(':')))
                                return QStringLiteral("expected 'Name: value'");
                        }
                        c.headers = values;
                        return QString();
                    }));
    rows.append(Table::row(
                    QStringLiteral("TEST_VERBOSE"), {}, QStringLiteral("verbose"), QStringLiteral("A switch."),
                    [](C &c, const QString &v) { return SettingValues::parseBoolean(v, &c.verbose); },
                    [](const C &c) { return SettingValues::showBoolean(c.verbose); })
                    .asSwitch());
    rows.append(Table::row(
        QStringLiteral("TEST_REGION"), {QStringLiteral("OLD_REGION")}, {},
        QStringLiteral("A variable without a flag, whose help is long enough to be wrapped under its "
                       "name's column."),
        [](C &c, const QString &v) {
            c.region = v;
            return QString();
        },
        [](const C &c) { return c.region; }));
    Table table(rows);
    table.setConfigFile(QStringLiteral("config"), QStringLiteral("TEST_CONFIG"),
                        [](C &c, const QString &file) { c.configFile = file; });
    table.setCheck([](const C &c) { return c.count == 13 ? QStringLiteral("TEST_COUNT: 13 is unlucky") : QString(); });
    return table;
}

// Parses arguments (after the program name) with the table's options.
template <typename Config, typename Loader>
QString parseAndLoad(const std::function<void(QCommandLineParser &)> &addOptions, const Loader &load,
                     const QStringList &arguments, const Environment &environment, Config *config)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("herald")} + arguments))
        return QStringLiteral("parser: ") + parser.errorText();
    return load(parser, environment, config);
}

QString loadTest(const QStringList &arguments, const Environment &environment, TestConfig *config)
{
    static const Table table = testTable();
    return parseAndLoad<TestConfig>([](QCommandLineParser &parser) { table.addOptions(parser); },
                                    [](const QCommandLineParser &parser, const Environment &env, TestConfig *c) {
                                        return table.load(parser, env, c);
                                    },
                                    arguments, environment, config);
}

QString loadServe(const QStringList &arguments, const Environment &environment, ServeConfig *config)
{
    return parseAndLoad<ServeConfig>(ServeSettings::addOptions, ServeSettings::load, arguments, environment, config);
}

QString loadRelay(const QStringList &arguments, const Environment &environment, RelayConfig *config)
{
    return parseAndLoad<RelayConfig>(RelaySettings::addOptions, RelaySettings::load, arguments, environment, config);
}

QString loadSend(const QStringList &arguments, const Environment &environment, SendConfig *config)
{
    return parseAndLoad<SendConfig>(SendSettings::addOptions, SendSettings::load, arguments, environment, config);
}

// A value each send row refuses, given by its flag or (flag empty) its variable. A row missing
// here must be one that takes any text (sendRowsTakingAnyValue).
struct SendBadValue
{
    QString flag; // "--retries"; empty: the variable
    QString variable;
    QString value;
    QString named;
};

QList<SendBadValue> sendBadValues()
{
    return {
        {QStringLiteral("--target"), {}, QStringLiteral("ftp://x"), QStringLiteral("--target")},
        {QStringLiteral("-t"), {}, QStringLiteral("http://a:1#top"), QStringLiteral("--target")},
        {QStringLiteral("--dns"), {}, QStringLiteral("no-port"), QStringLiteral("--dns")},
        {QStringLiteral("--srv"), {}, QStringLiteral("a b"), QStringLiteral("--srv")},
        {QStringLiteral("--group"), {}, QStringLiteral("a/b"), QStringLiteral("--group")},
        {QStringLiteral("--nameserver"), {}, QStringLiteral("not-an-ip"), QStringLiteral("--nameserver (HERALD_NAMESERVER)")},
        {{}, QStringLiteral("HERALD_NAMESERVER"), QStringLiteral("not-an-ip"), QStringLiteral("HERALD_NAMESERVER")},
        {QStringLiteral("--scheme"), {}, QStringLiteral("ftp"), QStringLiteral("--scheme")},
        {QStringLiteral("--set"), {}, QStringLiteral("=nokey"), QStringLiteral("--set")},
        {QStringLiteral("-H"), {}, QStringLiteral("nocolon"), QStringLiteral("--header")},
        {QStringLiteral("-d"), {}, QStringLiteral("@/nonexistent/body"), QStringLiteral("--data")},
        {QStringLiteral("--from-curl"), {}, QStringLiteral("curl --cookie a=b http://x/"), QStringLiteral("--from-curl")},
        {QStringLiteral("--compare-headers"), {}, QStringLiteral("X Cache"), QStringLiteral("--compare-headers")},
        {QStringLiteral("--report"), {}, QStringLiteral("out.txt"), QStringLiteral("--report")},
        {QStringLiteral("--retries"), {}, QStringLiteral("-1"), QStringLiteral("--retries")},
        {QStringLiteral("--retry-on"), {}, QStringLiteral("often"), QStringLiteral("--retry-on")},
        {QStringLiteral("--verify"), {}, QStringLiteral("header:X-Cache=MISS,fresh"), QStringLiteral("--verify")},
        {QStringLiteral("--timeout"), {}, QStringLiteral("soon"), QStringLiteral("--timeout")},
        {QStringLiteral("--deadline"), {}, QStringLiteral("-1s"), QStringLiteral("--deadline")},
        {QStringLiteral("--policy"), {}, QStringLiteral("most"), QStringLiteral("--policy")},
        {QStringLiteral("--host-mode"), {}, QStringLiteral("both"), QStringLiteral("--host-mode")},
        {QStringLiteral("--concurrency"), {}, QStringLiteral("0"), QStringLiteral("--concurrency")},
        {QStringLiteral("--transport"), {}, QStringLiteral("wget"), QStringLiteral("--transport (HERALD_TRANSPORT)")},
        {{}, QStringLiteral("HERALD_TRANSPORT"), QStringLiteral("wget"), QStringLiteral("HERALD_TRANSPORT")},
        // A default: refused only when it is needed (sendDefaultTargets), by the same name.
        {{}, QStringLiteral("HERALD_TARGETS"), QStringLiteral("ftp://x"), QStringLiteral("HERALD_TARGETS")},
    };
}

// Rows every value is good for (names, paths, lists) and the switches, which take none.
const QStringList &sendRowsTakingAnyValue()
{
    static const QStringList rows{QStringLiteral("profile"),    QStringLiteral("profile-dir"),
                                  QStringLiteral("group-dir"),  QStringLiteral("sensitive-headers"),
                                  QStringLiteral("http2"),      QStringLiteral("insecure"),
                                  QStringLiteral("json"),       QStringLiteral("history"),
                                  QStringLiteral("no-history"), QStringLiteral("dry-run"),
                                  QStringLiteral("print-curl")};
    return rows;
}

// A relay environment every row accepts; a test replaces one variable with a bad value.
Environment validRelayEnvironment()
{
    return {{QStringLiteral("HERALD_RELAY_URL"), QStringLiteral("redis://127.0.0.1:6379/0")},
            {QStringLiteral("HERALD_RELAY_ENDPOINT"), QStringLiteral("http://127.0.0.1:8080")}};
}

struct BadValue
{
    QString variable;
    QString value;
    QString named; // how the error names it
};

// A value each relay variable refuses, for every variable and alias of the relay table.
QList<BadValue> relayBadValues()
{
    QList<BadValue> list;
    const auto add = [&list](const char *variable, const char *value, const char *canonical = nullptr) {
        const QString name = QString::fromLatin1(variable);
        list.append({name, QString::fromLatin1(value),
                     canonical ? QStringLiteral("%1 (alias of %2)").arg(name, QLatin1String(canonical)) : name});
    };
    add("HERALD_RELAY_URL", "http://x");
    add("HUB_ENDPOINT", "https://hub.example.com/.well-known/mercure", "HERALD_RELAY_URL");
    add("HERALD_RELAY_ENDPOINT", "ftp://x");
    add("AGENT_ENDPOINT", "ftp://x", "HERALD_RELAY_ENDPOINT");
    add("HERALD_RELAY_ENDPOINT_SRV", "a b");
    add("HERALD_RELAY_ENDPOINT_DNS", "no-port");
    add("HERALD_RELAY_STREAM", "a b");
    add("HUB_TOPIC", "a b", "HERALD_RELAY_STREAM");
    add("HERALD_RELAY_NAME", "a b");
    add("HERALD_RELAY_RETRY_DEADLINE", "soon");
    add("HERALD_RELAY_TIMEOUT", "0");
    add("HUB_TIMEOUT", "0s", "HERALD_RELAY_TIMEOUT");
    add("AGENT_RETRY_DELAY", "soon", "HERALD_RELAY_RETRY_DEADLINE");
    add("HERALD_INSTANCE_ID", "a b");
    add("HERALD_RELAY_FROM_BEGINNING", "maybe");
    add("HERALD_ADMIN_LISTEN", "nowhere");
    add("HERALD_LOG_FORMAT", "xml");
    add("LOG_FORMAT", "xml", "HERALD_LOG_FORMAT");
    add("HERALD_LOG_LEVEL", "loud");
    add("LOG_LEVEL", "loud", "HERALD_LOG_LEVEL");
    return list;
}

QString helpOf(const std::function<void(QCommandLineParser &)> &addOptions)
{
    QCommandLineParser parser;
    addOptions(parser);
    return parser.helpText().simplified();
}

} // namespace

class TestSettings : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeFile(const QByteArray &json)
    {
        static int serial = 0;
        const QString path = m_dir.filePath(QStringLiteral("config-%1.json").arg(++serial));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void layering_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<int>("expected");
        QTest::newRow("none: the default") << ""
                                           << ""
                                           << "" << 1;
        QTest::newRow("file") << "2"
                              << ""
                              << "" << 2;
        QTest::newRow("environment") << ""
                                     << "3"
                                     << "" << 3;
        QTest::newRow("flag") << ""
                              << ""
                              << "4" << 4;
        QTest::newRow("environment beats file") << "2"
                                                << "3"
                                                << "" << 3;
        QTest::newRow("flag beats file") << "2"
                                         << ""
                                         << "4" << 4;
        QTest::newRow("flag beats environment") << ""
                                                << "3"
                                                << "4" << 4;
        QTest::newRow("all three: the flag") << "2"
                                             << "3"
                                             << "4" << 4;
    }
    void layering()
    {
        QFETCH(QString, file);
        QFETCH(QString, environment);
        QFETCH(QString, flag);
        QFETCH(int, expected);
        QStringList arguments;
        Environment env;
        if (!file.isEmpty())
            env.insert(QStringLiteral("TEST_CONFIG"), writeFile("{\"count\": " + file.toLatin1() + "}"));
        if (!environment.isEmpty())
            env.insert(QStringLiteral("TEST_COUNT"), environment);
        if (!flag.isEmpty())
            arguments << QStringLiteral("--count") << flag;
        TestConfig config;
        QCOMPARE(loadTest(arguments, env, &config), QString());
        QCOMPARE(config.count, expected);
        QCOMPARE(config.configFile, env.value(QStringLiteral("TEST_CONFIG")));
    }

    void serveAndRelayLayering()
    {
        const QString file = writeFile("{\"retries\": 3}");
        ServeConfig serve;
        QCOMPARE(loadServe({QStringLiteral("--config"), file}, {{QStringLiteral("RETRIES"), QStringLiteral("4")}}, &serve),
                 QString());
        QCOMPARE(serve.options.retry.maxRetries, 4);
        QCOMPARE(serve.configFile, file);
        QCOMPARE(loadServe({QStringLiteral("--config"), file, QStringLiteral("--retries"), QStringLiteral("5")},
                           {{QStringLiteral("HERALD_RETRIES"), QStringLiteral("4")}}, &serve),
                 QString());
        QCOMPARE(serve.options.retry.maxRetries, 5);
        RelayConfig relay;
        Environment env = validRelayEnvironment();
        env.insert(QStringLiteral("HERALD_CONFIG"), writeFile("{\"stream\": \"from-file\", \"name\": \"file-name\"}"));
        env.insert(QStringLiteral("HUB_TOPIC"), QStringLiteral("from-env"));
        QCOMPARE(loadRelay({}, env, &relay), QString());
        QCOMPARE(relay.agent.stream, QByteArray("from-env"));
        QCOMPARE(relay.agent.name, QByteArray("file-name"));
        QCOMPARE(loadRelay({QStringLiteral("--stream"), QStringLiteral("from-flag")}, env, &relay), QString());
        QCOMPARE(relay.agent.stream, QByteArray("from-flag"));
    }

    void canonicalBeatsAlias()
    {
        TestConfig config;
        QCOMPARE(loadTest({}, {{QStringLiteral("OLD_COUNT"), QStringLiteral("5")}}, &config), QString());
        QCOMPARE(config.count, 5);
        QCOMPARE(loadTest({},
                          {{QStringLiteral("OLD_COUNT"), QStringLiteral("5")}, {QStringLiteral("TEST_COUNT"), QStringLiteral("6")}},
                          &config),
                 QString());
        QCOMPARE(config.count, 6);
        RelayConfig relay;
        Environment env = validRelayEnvironment();
        env.insert(QStringLiteral("LOG_LEVEL"), QStringLiteral("error"));
        env.insert(QStringLiteral("HERALD_LOG_LEVEL"), QStringLiteral("debug"));
        QCOMPARE(loadRelay({}, env, &relay), QString());
        QCOMPARE(relay.logLevel, QStringLiteral("debug"));
        env.remove(QStringLiteral("HERALD_LOG_LEVEL"));
        QCOMPARE(loadRelay({}, env, &relay), QString());
        QCOMPARE(relay.logLevel, QStringLiteral("error"));
    }

    void errorNamesWhatTheUserSet_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected"); // FILE stands for the config file's path
        QTest::newRow("canonical variable") << QStringList() << "TEST_COUNT"
                                            << "many"
                                            << ""
                                            << "TEST_COUNT: 'many' expected a whole number >= 0";
        QTest::newRow("alias") << QStringList() << "OLD_COUNT"
                               << "many"
                               << ""
                               << "OLD_COUNT (alias of TEST_COUNT): 'many' expected a whole number >= 0";
        QTest::newRow("flag") << QStringList{"--count", "-2"} << ""
                              << ""
                              << ""
                              << "--count (TEST_COUNT): '-2' expected a whole number >= 0";
        QTest::newRow("config file key") << QStringList() << ""
                                         << ""
                                         << "{\"count\": \"x\"}"
                                         << "config file FILE, key \"count\": 'x' expected a whole number >= 0";
        QTest::newRow("switch from the environment") << QStringList() << "TEST_VERBOSE"
                                                     << "maybe"
                                                     << ""
                                                     << "TEST_VERBOSE: 'maybe' expected true or false";
        QTest::newRow("repeatable flag without variable") << QStringList{"-H", "A: 1", "--header", "broken"} << ""
                                                          << ""
                                                          << ""
                                                          << "--header: 'A: 1', 'broken' expected 'Name: value'";
        QTest::newRow("unknown config-file key") << QStringList() << ""
                                                 << ""
                                                 << "{\"count\": 2, \"colour\": \"red\"}"
                                                 << "config file FILE: unknown key \"colour\"";
        QTest::newRow("a flag-only row has no file key") << QStringList() << ""
                                                         << ""
                                                         << "{\"header\": \"A: 1\"}"
                                                         << "config file FILE: unknown key \"header\"";
        QTest::newRow("not an object") << QStringList() << ""
                                       << ""
                                       << "[1]"
                                       << "config file FILE: not a JSON object";
        QTest::newRow("not JSON") << QStringList() << ""
                                  << ""
                                  << "{\"count\": "
                                  << "config file FILE: not a JSON object (unterminated object at offset 10)";
        QTest::newRow("cross-row check") << QStringList{"--count", "13"} << ""
                                         << ""
                                         << ""
                                         << "TEST_COUNT: 13 is unlucky";
    }
    void errorNamesWhatTheUserSet()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, file);
        QFETCH(QString, expected);
        Environment env;
        if (!variable.isEmpty())
            env.insert(variable, value);
        QString path;
        if (!file.isEmpty()) {
            path = writeFile(file.toUtf8());
            arguments << QStringLiteral("--config") << path;
        }
        TestConfig config;
        QCOMPARE(loadTest(arguments, env, &config), QString(expected).replace(QLatin1String("FILE"), path));
    }

    void fileValuesReadAsFlagText()
    {
        TestConfig config;
        const QString path = writeFile("{\"count\": 1000000, \"verbose\": true}");
        QCOMPARE(loadTest({QStringLiteral("--config"), path}, {}, &config), QString());
        QCOMPARE(config.count, 1000000); // not "1e+06"
        QVERIFY(config.verbose);
        ServeConfig serve;
        QCOMPARE(loadServe({QStringLiteral("--config"), writeFile("{\"relay-maxlen\": 2000000, \"relay-broadcast\": true}")}, {},
                           &serve),
                 QString());
        QCOMPARE(serve.relayMaxLength, 2000000);
        QVERIFY(serve.relayAlsoBroadcast);
    }

    void repeatableAndSwitchFlags()
    {
        TestConfig config;
        QCOMPARE(loadTest({QStringLiteral("-H"), QStringLiteral("A: 1"), QStringLiteral("--header"), QStringLiteral("B: 2"),
                           QStringLiteral("--verbose")},
                          {}, &config),
                 QString());
        QCOMPARE(config.headers, (QStringList{QStringLiteral("A: 1"), QStringLiteral("B: 2")}));
        QVERIFY(config.verbose);
        TestConfig fromEnvironment;
        QCOMPARE(loadTest({}, {{QStringLiteral("TEST_VERBOSE"), QStringLiteral("TRUE")}}, &fromEnvironment), QString());
        QVERIFY(fromEnvironment.verbose);
        // A repeatable relay flag: every --endpoint, and each may hold several URLs.
        RelayConfig relay;
        QCOMPARE(loadRelay({QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:1,http://127.0.0.1:2"),
                            QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:3"), QStringLiteral("--from-beginning")},
                           validRelayEnvironment(), &relay),
                 QString());
        QCOMPARE(relay.agent.endpoints.targets.size(), 3);
        QVERIFY(relay.agent.fromBeginning);
    }

    void secretsMasked()
    {
        TestConfig config;
        const QString tokenError = loadTest({}, {{QStringLiteral("TEST_TOKEN"), QStringLiteral("short")}}, &config);
        QCOMPARE(tokenError, QStringLiteral("TEST_TOKEN: (secret) must be at least 8 characters"));
        const QString urlError = loadTest({QStringLiteral("--url"), QStringLiteral("http://user:hunter2@host")}, {}, &config);
        QCOMPARE(urlError, QStringLiteral("--url (TEST_URL): 'http://user:****@host' expected redis://"));

        static const Table table = testTable();
        TestConfig loaded;
        QCOMPARE(loadTest({QStringLiteral("--url"), QStringLiteral("redis://:hunter2@host:1/0")},
                          {{QStringLiteral("TEST_TOKEN"), QStringLiteral("long-enough-token")}}, &loaded),
                 QString());
        const QString printed = table.printConfig(loaded);
        QVERIFY2(!printed.contains(QLatin1String("hunter2")) && !printed.contains(QLatin1String("long-enough")),
                 qPrintable(printed));
        QVERIFY(printed.contains(QLatin1String("TEST_TOKEN=********\n")));
        QVERIFY(printed.contains(QLatin1String("TEST_URL=redis://:****@host:1/0\n")));
        QVERIFY(printed.contains(QLatin1String("--header=\n"))); // a row without variable is shown by its flag

        ServeConfig serve;
        const QString serveError = loadServe({}, {{QStringLiteral("HERALD_ADMIN_TOKEN"), QStringLiteral("tiny-secret")}}, &serve);
        QVERIFY2(serveError.startsWith(QLatin1String("HERALD_ADMIN_TOKEN: (secret)"))
                     && !serveError.contains(QLatin1String("tiny-secret")),
                 qPrintable(serveError));
        QCOMPARE(loadServe({},
                           {{QStringLiteral("HERALD_AUTH_TOKEN"), QStringLiteral("a-long-client-token")},
                            {QStringLiteral("HERALD_RELAY_URL"), QStringLiteral("redis://u:pub-secret@127.0.0.1:1/0")}},
                           &serve),
                 QString());
        const QString servePrinted = ServeSettings::printConfig(serve);
        QVERIFY(servePrinted.contains(QLatin1String("HERALD_AUTH_TOKEN=********\n")));
        QVERIFY(servePrinted.contains(QLatin1String("HERALD_RELAY_URL=redis://u:****@127.0.0.1:1/0\n")));
        QVERIFY(!servePrinted.contains(QLatin1String("a-long-client-token")) && !servePrinted.contains(QLatin1String("pub-secret")));

        RelayConfig relay;
        Environment env = validRelayEnvironment();
        env.insert(QStringLiteral("HERALD_RELAY_URL"), QStringLiteral("redis://u:relay-secret@127.0.0.1:1/x"));
        const QString relayError = loadRelay({}, env, &relay);
        QVERIFY2(relayError.startsWith(QLatin1String("HERALD_RELAY_URL: 'redis://u:****@127.0.0.1:1/x'"))
                     && !relayError.contains(QLatin1String("relay-secret")),
                 qPrintable(relayError));
        env.insert(QStringLiteral("HERALD_RELAY_URL"), QStringLiteral("redis://u:relay-secret@127.0.0.1:1/2"));
        QCOMPARE(loadRelay({}, env, &relay), QString());
        const QString relayPrinted = RelaySettings::printConfig(relay);
        QVERIFY(relayPrinted.contains(QLatin1String("HERALD_RELAY_URL=redis://u:****@127.0.0.1:1/2\n")));
        QVERIFY(!relayPrinted.contains(QLatin1String("relay-secret")));
    }

    void requiredAndCrossRowRelayErrors()
    {
        RelayConfig relay;
        QCOMPARE(loadRelay({QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:1")}, {}, &relay),
                 QStringLiteral("--redis (HERALD_RELAY_URL) is required"));
        QCOMPARE(loadRelay({QStringLiteral("--redis"), QStringLiteral("redis://127.0.0.1:1")}, {}, &relay),
                 QStringLiteral(
                     "--endpoint (HERALD_RELAY_ENDPOINT or AGENT_ENDPOINT), --endpoint-dns or --endpoint-srv: one is required"));
        RelayConfig fromFile;
        const QString path = writeFile(
            "{\"redis\": \"redis://127.0.0.1:1/0\", \"endpoint-dns\": \"localhost:8080\", \"colour\": 1}");
        QCOMPARE(loadRelay({QStringLiteral("--config"), path}, {}, &fromFile),
                 QStringLiteral("config file %1: unknown key \"colour\"").arg(path));
    }

    void relayEndpointPrecedence()
    {
        // As before the table: a DNS name wins over an SRV name, which wins over URLs.
        RelayConfig relay;
        Environment env = validRelayEnvironment();
        env.insert(QStringLiteral("HERALD_RELAY_ENDPOINT_SRV"), QStringLiteral("_http._tcp.web"));
        QCOMPARE(loadRelay({}, env, &relay), QString());
        QCOMPARE(relay.agent.endpoints.kind, TargetSourceSpec::Kind::Srv);
        QCOMPARE(loadRelay({QStringLiteral("--endpoint-dns"), QStringLiteral("localhost:81")}, env, &relay), QString());
        QCOMPARE(relay.agent.endpoints.kind, TargetSourceSpec::Kind::Dns);
        QCOMPARE(relay.agent.endpoints.port, 81);
    }

    void helpListsEveryRow_data()
    {
        QTest::addColumn<QString>("face");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("variables");
        const auto variables = [](const QString &name, const QStringList &aliases) {
            return name + (aliases.isEmpty() ? QString() : QStringLiteral(", or ") + aliases.join(QStringLiteral(", ")));
        };
        for (const ServeSettings::Setting &row : ServeSettings::table())
            QTest::newRow(qPrintable(QStringLiteral("serve ") + row.name))
                << "serve" << row.key << variables(row.name, row.aliases);
        for (const RelaySettings::Setting &row : RelaySettings::table())
            QTest::newRow(qPrintable(QStringLiteral("relay ") + row.name))
                << "relay" << row.key << variables(row.name, row.aliases);
        for (const SendSettings::Setting &row : SendSettings::table())
            QTest::newRow(qPrintable(QStringLiteral("send ") + (row.key.isEmpty() ? row.name : row.key)))
                << "send" << row.key << (row.name.isEmpty() ? QString() : variables(row.name, row.aliases));
    }
    void helpListsEveryRow()
    {
        QFETCH(QString, face);
        QFETCH(QString, flag);
        QFETCH(QString, variables);
        std::function<void(QCommandLineParser &)> addOptions = SendSettings::addOptions;
        if (face == QLatin1String("serve"))
            addOptions = ServeSettings::addOptions;
        else if (face == QLatin1String("relay"))
            addOptions = RelaySettings::addOptions;
        const QString help = helpOf(addOptions);
        if (flag.isEmpty()) { // a variable only: in the section between the description and the options
            const qsizetype section = help.indexOf(QLatin1String("Environment variables without a flag: "));
            const qsizetype at = help.indexOf(QStringLiteral(" %1 ").arg(variables), section);
            QVERIFY2(section >= 0 && at > section && at < help.indexOf(QLatin1String("Options: ")), qPrintable(help));
        } else
            QVERIFY2(help.contains(QStringLiteral("--%1 ").arg(flag)), qPrintable(flag));
        if (!flag.isEmpty() && !variables.isEmpty())
            QVERIFY2(help.contains(QStringLiteral("[%1]").arg(variables)), qPrintable(variables));
        QCOMPARE(help.contains(QLatin1String("--config <FILE>")), face != QLatin1String("send")); // send has no config file
        QVERIFY(help.contains(QLatin1String("--print-config")));
    }

    // Rows without a flag are listed after the description; serve and relay have none, so their
    // help has no such section.
    void environmentOnlyRowsInHelp()
    {
        static const Table table = testTable();
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("The test face."));
        table.addOptions(parser);
        const QString help = parser.helpText();
        QVERIFY2(help.contains(QLatin1String("The test face.\n\nEnvironment variables without a flag:\n"
                                             "  TEST_REGION (or OLD_REGION)  A variable without a flag, whose help is long\n"
                                             "                               enough to be wrapped under its name's column.\n")),
                 qPrintable(help));
        QVERIFY(!help.contains(QLatin1String("--TEST_REGION")) && !help.contains(QLatin1String("-- ")));
        TestConfig config;
        QCOMPARE(loadTest({}, {{QStringLiteral("OLD_REGION"), QStringLiteral("eu")}}, &config), QString());
        QCOMPARE(config.region, QStringLiteral("eu"));
        QVERIFY(table.printConfig(config).contains(QLatin1String("TEST_REGION=eu\n")));
        for (const auto &addOptions : {std::function<void(QCommandLineParser &)>(ServeSettings::addOptions),
                                       std::function<void(QCommandLineParser &)>(RelaySettings::addOptions)})
            QVERIFY(!helpOf(addOptions).contains(QLatin1String("Environment variables without a flag")));
    }

    void sendBadValue_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        for (const SendBadValue &bad : sendBadValues())
            QTest::newRow(qPrintable(bad.flag.isEmpty() ? bad.variable : bad.flag))
                << bad.flag << bad.variable << bad.value << bad.named;
    }
    void sendBadValue()
    {
        QFETCH(QString, flag);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, named);
        const QStringList arguments = flag.isEmpty() ? QStringList() : QStringList{flag, value};
        const Environment env = variable.isEmpty() ? Environment() : Environment{{variable, value}};
        SendConfig config;
        QString error = loadSend(arguments, env, &config);
        if (variable == QLatin1String("HERALD_TARGETS")) {
            QCOMPARE(error, QString());
            error = config.defaultTargetsError;
        }
        QVERIFY2(error.startsWith(QStringLiteral("%1: '%2' ").arg(named, value)), qPrintable(error));
        QCOMPARE(error.count(QStringLiteral("'%1'").arg(value)), 1); // the value said once
    }
    void sendBadValuesCoverEveryRow()
    {
        QStringList covered = sendRowsTakingAnyValue();
        for (const SendBadValue &bad : sendBadValues())
            covered.append(bad.flag.isEmpty() ? bad.variable : bad.named.section(QLatin1Char(' '), 0, 0).mid(2));
        for (const SendSettings::Setting &row : SendSettings::table()) {
            QVERIFY2(covered.contains(row.key.isEmpty() ? row.name : row.key), qPrintable(row.key + row.name));
            if (!row.key.isEmpty() && !row.name.isEmpty())
                QVERIFY2(covered.contains(row.name),
                         qPrintable(row.name + QStringLiteral(" has no bad value from the environment")));
        }
    }

    void sendSecretHeadersMasked()
    {
        SendConfig config;
        const QString error = loadSend({QStringLiteral("-H"), QStringLiteral("Authorization: Bearer hunter2"),
                                        QStringLiteral("-H"), QStringLiteral("Authorization Bearer hunter2")},
                                       {}, &config);
        QCOMPARE(error, QStringLiteral("--header: 'Authorization ****' is not 'Name: value'")); // the wrong one, masked
        SendConfig loaded;
        QCOMPARE(loadSend({QStringLiteral("-H"), QStringLiteral("X-Api-Token: t0ken"), QStringLiteral("-H"),
                           QStringLiteral("cookie: id=c00kie"), QStringLiteral("-H"), QStringLiteral("X-Shown: visible"),
                           QStringLiteral("-d"), QStringLiteral("password=b0dy")},
                          {}, &loaded),
                 QString());
        const QString printed = SendSettings::printConfig(loaded);
        QVERIFY2(printed.contains(QLatin1String("--header=X-Api-Token: ****, cookie: ****, X-Shown: visible\n")),
                 qPrintable(printed));
        QVERIFY2(printed.contains(QLatin1String("--data=13 bytes\n")), qPrintable(printed));
        SendConfig withPassword;
        QCOMPARE(loadSend({QStringLiteral("-t"), QStringLiteral("http://u:pa55@127.0.0.1:1")},
                          {{QStringLiteral("HERALD_TARGETS"), QStringLiteral("http://v:pa55@127.0.0.1:2")}}, &withPassword),
                 QString());
        const QString urls = SendSettings::printConfig(withPassword);
        QVERIFY2(urls.contains(QLatin1String("--target=http://u:****@127.0.0.1:1\n"))
                     && urls.contains(QLatin1String("HERALD_TARGETS=http://v:****@127.0.0.1:2\n"))
                     && !urls.contains(QLatin1String("pa55")),
                 qPrintable(urls));
        for (const char *secret : {"t0ken", "c00kie", "b0dy"})
            QVERIFY2(!printed.contains(QLatin1String(secret)), secret);
    }

    void sendTwoTargetSourcesRefused()
    {
        SendConfig config;
        QCOMPARE(loadSend({QStringLiteral("-t"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--dns"),
                           QStringLiteral("a:1")},
                          {}, &config),
                 QStringLiteral("use only one of --target, --dns and --srv"));
        SendConfig repeated;
        QCOMPARE(loadSend({QStringLiteral("-t"), QStringLiteral("http://127.0.0.1:1,http://127.0.0.1:2"),
                           QStringLiteral("--target"), QStringLiteral("http://127.0.0.1:3")},
                          {}, &repeated),
                 QString());
        QCOMPARE(repeated.targets->targets.size(), 3);
    }

    // Flags > profile > HERALD_TARGETS, through the plan send builds (a bad default only fails when used).
    void sendDefaultTargets_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("expected"); // the plan's first target, or the error's start
        QTest::newRow("environment only") << QStringList{"PURGE", "/x"} << "http://127.0.0.1:7001"
                                          << "http://127.0.0.1:7001";
        QTest::newRow("flag beats environment")
            << QStringList{"PURGE", "/x", "-t", "http://127.0.0.1:7002"} << "http://127.0.0.1:7001"
            << "http://127.0.0.1:7002";
        QTest::newRow("profile beats environment") << QStringList{"--profile", "PROFILE"} << "http://127.0.0.1:7001"
                                                   << "http://127.0.0.1:7003";
        QTest::newRow("flag beats profile") << QStringList{"--profile", "PROFILE", "--target", "http://127.0.0.1:7002"} << ""
                                            << "http://127.0.0.1:7002";
        QTest::newRow("bad default, flag given") << QStringList{"PURGE", "/x", "-t", "http://127.0.0.1:7002"} << "ftp://x"
                                                 << "http://127.0.0.1:7002";
        QTest::newRow("bad default, profile given") << QStringList{"--profile", "PROFILE"} << "ftp://x"
                                                    << "http://127.0.0.1:7003";
        QTest::newRow("bad default needed") << QStringList{"PURGE", "/x"} << "ftp://x"
                                            << "HERALD_TARGETS: 'ftp://x' uses scheme";
        QTest::newRow("blank default ignored") << QStringList{"PURGE", "/x"} << " "
                                               << "no targets";
    }
    void sendDefaultTargets()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, environment);
        QFETCH(QString, expected);
        const QString profile = writeFile("{\"name\": \"p\", \"method\": \"PURGE\", \"path\": \"/p\", "
                                          "\"targets\": {\"static\": [\"http://127.0.0.1:7003\"]}}");
        arguments.replaceInStrings(QStringLiteral("PROFILE"), profile);
        QCommandLineParser parser;
        SendSettings::addOptions(parser);
        QVERIFY(parser.parse(QStringList{QStringLiteral("send")} + arguments));
        SendConfig config;
        config.positional = parser.positionalArguments();
        const Environment env = environment.isEmpty() ? Environment()
                                                      : Environment{{QStringLiteral("HERALD_TARGETS"), environment}};
        QCOMPARE(SendSettings::load(parser, env, &config), QString());
        PlanInput input;
        QCOMPARE(SendCommand::planInput(config, &input), QString());
        BroadcastPlan plan;
        QString error;
        if (!BroadcastPlan::make(input, &plan, &error)) {
            QVERIFY2(error.startsWith(expected), qPrintable(error));
            return;
        }
        QVERIFY2(!expected.startsWith(QLatin1String("HERALD")) && expected != QLatin1String("no targets"), "the plan was made");
        QCOMPARE(plan.source.targets.size(), 1);
        QCOMPARE(plan.source.targets.first().baseUrl.toString(), expected);
    }

    void relayBadValue_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        for (const BadValue &bad : relayBadValues())
            QTest::newRow(qPrintable(bad.variable)) << bad.variable << bad.value << bad.named;
    }
    void relayBadValue()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, named);
        Environment env = validRelayEnvironment();
        env.insert(variable, value);
        RelayConfig config;
        const QString error = loadRelay({}, env, &config);
        QVERIFY2(error.startsWith(QStringLiteral("%1: '%2' ").arg(named, value)), qPrintable(error));
    }
    void relayBadValuesCoverEveryRow()
    {
        QStringList covered;
        for (const BadValue &bad : relayBadValues())
            covered.append(bad.variable);
        for (const RelaySettings::Setting &row : RelaySettings::table()) {
            for (const QString &name : QStringList{row.name} + row.aliases)
                QVERIFY2(covered.contains(name), qPrintable(name + QStringLiteral(" has no bad value in relayBadValues()")));
        }
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
