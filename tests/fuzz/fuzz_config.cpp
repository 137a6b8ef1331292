// libFuzzer target over the headless faces' configuration: the same bytes as a JSON config file
// and as NAME=value environment lines through the whole serve and relay settings tables, each line
// through the shared value parsers and the Redis URL, and the lines as a relay stream entry's
// fields. Invariants that must hold for any input abort when broken.
#include "common/settingvalues.h"
#include "relay/redisaddress.h"
#include "relay/relayentry.h"
#include "relay/relaysettings.h"
#include "serve/servesettings.h"

#include <QCommandLineParser>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>

using namespace herald;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

template <typename Settings, typename Config> void load(const QHash<QString, QString> &environment)
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    parser.parse({QStringLiteral("herald")});
    Config config;
    if (Settings::load(parser, environment, &config).isEmpty())
        check(!Settings::printConfig(config).isEmpty());
}

void loadBoth(const QHash<QString, QString> &environment)
{
    load<ServeSettings, ServeConfig>(environment);
    load<RelaySettings, RelayConfig>(environment);
}

void fuzzConfigFile(const QByteArray &data)
{
    static QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("config.json"));
    QFile file(path);
    check(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(data);
    file.close();
    loadBoth({{QStringLiteral("HERALD_CONFIG"), path}});
}

void fuzzEnvironment(const QList<QByteArray> &lines)
{
    QHash<QString, QString> environment;
    for (const QByteArray &line : lines) {
        const int equals = line.indexOf('=');
        if (equals > 0)
            environment.insert(QString::fromUtf8(line.left(equals)), QString::fromUtf8(line.mid(equals + 1)));
    }
    // The file source has its own half; a path from the input could name /dev/zero.
    environment.remove(QStringLiteral("HERALD_CONFIG"));
    loadBoth(environment);
}

void fuzzValue(const QString &text)
{
    int count = 0;
    if (SettingValues::parseCount(text, 1, &count).isEmpty())
        check(count >= 1);
    int port = 0;
    if (SettingValues::parsePort(text, 1, &port).isEmpty())
        check(port >= 1 && port <= 65535);
    int ms = -1;
    if (SettingValues::parseDuration(text, &ms).isEmpty())
        check(ms >= 0);
    qint64 bytes = 0;
    if (SettingValues::parseBytes(text, &bytes).isEmpty())
        check(bytes > 0);
    QHostAddress address;
    quint16 listenPort = 0;
    if (SettingValues::parseListen(text, &address, &listenPort).isEmpty()) {
        // What --print-config shows must read back as the same address.
        QHostAddress again;
        quint16 againPort = 0;
        check(SettingValues::parseListen(SettingValues::showListen(address, listenPort), &again, &againPort).isEmpty());
        check(again == address && againPort == listenPort);
    }
    QString word;
    SettingValues::parseLogLevel(text, &word);
    SettingValues::parseLogFormat(text, &word);
    SettingValues::maskUrlPassword(text);
    RedisAddress redis;
    QString error;
    if (RedisAddress::parse(text, &redis, &error)) {
        check(redis.port >= 0 && redis.port <= 65535 && redis.database >= 0);
        // The masked form is what logs and --print-config show: it must name the same server.
        RedisAddress shown;
        check(RedisAddress::parse(redis.masked(), &shown, &error));
        check(shown.host == redis.host && shown.port == redis.port && shown.database == redis.database);
    }
}

void fuzzRelayEntry(const QList<QByteArray> &fields)
{
    RelayEntry entry;
    if (!RelayEntry::fromFields("1-0", fields, &entry))
        return;
    RelayEntry again;
    check(RelayEntry::fromFields("1-0", entry.toFields(), &again));
    check(again.request.method == entry.request.method && again.request.pathAndQuery == entry.request.pathAndQuery);
    check(again.request.headers == entry.request.headers && again.request.body == entry.request.body);
    check(again.origin == entry.origin && again.timeMs == entry.timeMs);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArray data(reinterpret_cast<const char *>(bytes), static_cast<qsizetype>(size));
    const QList<QByteArray> lines = data.split('\n');
    fuzzConfigFile(data);
    fuzzEnvironment(lines);
    for (const QByteArray &line : lines.mid(0, 8))
        fuzzValue(QString::fromUtf8(line.left(200)));
    fuzzRelayEntry(lines);
    return 0;
}
