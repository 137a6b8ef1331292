#include "send/sendsettings.h"

#include "common/settingvalues.h"
#include "send/sendbroadcastsettings.h"

#include <QFile>

#include <cstdio>

namespace herald {

namespace {

using C = SendConfig;
using Table = SettingsTable<SendConfig>;

// Credentials a -H line may carry: masked in --print-config and in errors.
bool isSecretHeader(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1String("authorization") || lower == QLatin1String("proxy-authorization")
        || lower == QLatin1String("cookie"))
        return true;
    for (const char *word : {"token", "secret", "password", "api-key", "apikey"}) {
        if (lower.contains(QLatin1String(word)))
            return true;
    }
    return false;
}

// "Authorization: ****"; a line without a colon is cut after its first word.
QString maskHeaderLine(const QString &line)
{
    qsizetype end = line.indexOf(QLatin1Char(':'));
    if (end < 0)
        end = line.indexOf(QLatin1Char(' '));
    if (end <= 0 || !isSecretHeader(line.left(end)))
        return line;
    return line.left(end) + (line.at(end) == QLatin1Char(':') ? QStringLiteral(": ****") : QStringLiteral(" ****"));
}

// --data: literal text, @file, or @- for standard input.
QString applyData(C &c, const QString &value)
{
    c.bodyArgument = value;
    if (!value.startsWith(QLatin1Char('@'))) {
        c.body = value.toUtf8();
        return {};
    }
    QFile file;
    const QString path = value.mid(1);
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                   : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened)
        return QStringLiteral("cannot be read: %1").arg(file.errorString());
    c.body = file.readAll();
    return {};
}

QString showData(const C &c)
{
    if (!c.body)
        return {};
    const QString size = QStringLiteral("%1 bytes").arg(c.body->size());
    // Literal text is not shown: a body may carry credentials too.
    return c.bodyArgument.startsWith(QLatin1Char('@')) ? QStringLiteral("%1 (%2)").arg(c.bodyArgument, size) : size;
}

// --target, --dns and --srv each set the one target source; checkTogether refuses two.
QString setTargets(C &c, const char *flag, const TargetSourceSpec &spec)
{
    c.targets = spec;
    c.targetFlags.append(QLatin1String(flag));
    return {};
}

QString applyTargets(C &c, const QStringList &values)
{
    TargetSourceSpec spec;
    for (const QString &value : values) {
        QString error;
        const QList<Target> targets = Target::parseList(value, &error);
        if (targets.isEmpty())
            return error.isEmpty() ? QStringLiteral("expected at least one URL like http://varnish:6081") : error;
        spec.targets += targets;
    }
    return setTargets(c, "--target", spec);
}

QString showSpec(const std::optional<TargetSourceSpec> &spec)
{
    if (!spec)
        return {};
    if (spec->kind == TargetSourceSpec::Kind::Dns)
        return QStringLiteral("%1:%2").arg(spec->name).arg(spec->port);
    if (spec->kind == TargetSourceSpec::Kind::Srv)
        return spec->name;
    QStringList urls;
    for (const Target &target : spec->targets)
        urls.append(SettingValues::maskUrlPassword(target.baseUrl.toString()));
    return urls.join(QLatin1Char(','));
}

// HERALD_TARGETS is a default: a bad value is an error only when no flag or profile gives targets.
QString applyDefaultTargets(C &c, const QString &value)
{
    if (value.trimmed().isEmpty())
        return {};
    QString error;
    TargetSourceSpec spec;
    spec.targets = Target::parseList(value, &error);
    if (spec.targets.isEmpty())
        c.defaultTargetsError = QStringLiteral("HERALD_TARGETS: %1").arg(error);
    else
        c.defaultTargets = spec;
    return {};
}

// The command line's "what and where": targets, profile, headers, body.
QList<Table::Setting> requestRows()
{
    QList<Table::Setting> rows;
    const auto flag = [&rows](const char *key, QString help, const char *valueName, Table::Apply apply,
                              Table::Show show) -> Table::Setting & {
        rows.append(Table::row({}, {}, QLatin1String(key), std::move(help), std::move(apply), std::move(show))
                        .withValueName(QLatin1String(valueName)));
        return rows.last();
    };
    flag("target",
         QStringLiteral("A target base URL (http://host:port[/prefix]); repeat or separate by commas. Default: $HERALD_TARGETS."),
         "URL", {}, [](const C &c) { return c.targetFlags.contains(QLatin1String("--target")) ? showSpec(c.targets) : QString(); })
        .withShortFlag(QStringLiteral("t"))
        .withMask(SettingValues::maskUrlPassword)
        .repeatable(applyTargets);
    flag(
        "dns", QStringLiteral("Every A and AAAA record of NAME, on PORT (a Kubernetes headless service)."), "NAME:PORT",
        [](C &c, const QString &v) {
            TargetSourceSpec spec;
            QString error;
            return TargetSourceSpec::parseDns(v, &spec, &error) ? setTargets(c, "--dns", spec) : error;
        },
        [](const C &c) { return c.targetFlags.contains(QLatin1String("--dns")) ? showSpec(c.targets) : QString(); });
    flag(
        "srv", QStringLiteral("The SRV records of NAME (e.g. _http._tcp.varnish), each with its own port."), "NAME",
        [](C &c, const QString &v) {
            TargetSourceSpec spec;
            QString error;
            return TargetSourceSpec::parseSrv(v, &spec, &error) ? setTargets(c, "--srv", spec) : error;
        },
        [](const C &c) { return c.targetFlags.contains(QLatin1String("--srv")) ? showSpec(c.targets) : QString(); });
    flag("group",
         QStringLiteral("Send to a saved target group (a name in the group directory); repeat or separate by commas. "
                        "Several groups, and --target, --dns or --srv with them, make one set without duplicates."),
         "NAME", {}, [](const C &c) { return c.groups.join(QLatin1Char(',')); })
        .withShortFlag(QStringLiteral("g"))
        .repeatable([](C &c, const QStringList &values) {
            for (const QString &value : values) {
                for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                    if (!TargetGroup::isValidName(name.trimmed()))
                        return QStringLiteral("'%1' is not a group name (1 to 100 letters, digits, '.', '_' or '-')").arg(name);
                    if (!c.groups.contains(name.trimmed()))
                        c.groups.append(name.trimmed());
                }
            }
            return c.groups.isEmpty() ? QStringLiteral("expected a group name") : QString();
        });
    flag(
        "group-dir", QStringLiteral("Target group directory (default: %1).").arg(GroupStore::defaultDirectory()), "DIR",
        [](C &c, const QString &v) {
            c.groupDirectory = v;
            return QString();
        },
        [](const C &c) { return c.groupDirectory; });
    flag(
        "nameserver", QStringLiteral("Ask this DNS server (port 53) instead of the system resolver."), "IP",
        [](C &c, const QString &v) {
            const QHostAddress address(v.trimmed());
            if (address.isNull())
                return QStringLiteral("is not an IP address");
            c.nameserver = address;
            return QString();
        },
        [](const C &c) { return c.nameserver ? c.nameserver->toString() : QString(); })
        .name = QStringLiteral("HERALD_NAMESERVER");
    flag(
        "scheme", QStringLiteral("Scheme for --dns and --srv targets: http (default) or https."), "SCHEME",
        [](C &c, const QString &v) {
            if (v != QLatin1String("http") && v != QLatin1String("https"))
                return QStringLiteral("is not http or https");
            c.scheme = v;
            return QString();
        },
        [](const C &c) { return c.scheme.value_or(QString()); });
    flag(
        "profile", QStringLiteral("Send a saved profile (a name in the profile directory, or a .json file)."), "NAME",
        [](C &c, const QString &v) {
            c.profile = v;
            return QString();
        },
        [](const C &c) { return c.profile.value_or(QString()); })
        .withShortFlag(QStringLiteral("p"));
    flag(
        "profile-dir", QStringLiteral("Profile directory (default: %1).").arg(ProfileStore::defaultDirectory()), "DIR",
        [](C &c, const QString &v) {
            c.profileDirectory = v;
            return QString();
        },
        [](const C &c) { return c.profileDirectory; });
    flag("set", QStringLiteral("Fill the profile parameter {KEY} with VALUE; repeatable."), "KEY=VALUE", {}, [](const C &c) {
        QStringList pairs;
        for (auto it = c.values.begin(); it != c.values.end(); ++it)
            pairs.append(it.key() + QLatin1Char('=') + it.value());
        pairs.sort();
        return pairs.join(QLatin1Char(','));
    }).repeatable([](C &c, const QStringList &values) {
        c.setGiven = true;
        for (const QString &assignment : values) {
            const qsizetype equals = assignment.indexOf(QLatin1Char('='));
            if (equals <= 0)
                return QStringLiteral("'%1' is not KEY=VALUE").arg(assignment);
            c.values.insert(assignment.left(equals), assignment.mid(equals + 1));
        }
        return QString();
    });
    flag("header", QStringLiteral("Add a request header; repeatable."), "'NAME: VALUE'", {},
         [](const C &c) {
             QStringList lines;
             for (const HttpHeader &header : c.headers)
                 lines.append(maskHeaderLine(QString::fromUtf8(header.first + ": " + header.second)));
             return lines.join(QStringLiteral(", "));
         })
        .withShortFlag(QStringLiteral("H"))
        .withMask(maskHeaderLine)
        .repeatable([](C &c, const QStringList &values) {
            for (const QString &line : values) {
                HttpHeader header;
                if (!parseHeaderLine(line.toUtf8(), &header))
                    return QStringLiteral("'%1' is not 'Name: value'").arg(maskHeaderLine(line));
                c.headers.append(header);
            }
            return QString();
        });
    flag(
        "from-curl",
        QStringLiteral("Build the request from a curl command line (-X, -H, -d, --data-binary @FILE, ...): its method, "
                       "path, headers and body; its URL's base is the target unless --target, --dns or --srv gives "
                       "targets (it wins over HERALD_TARGETS). -H and --data still override. Not with METHOD PATH "
                       "or --profile."),
        "'curl ...'",
        [](C &c, const QString &v) {
            CurlCommand command;
            QString error;
            if (!CurlCommand::parse(v, &command, &error, CurlCommand::diskReader()))
                return error;
            c.fromCurl = command;
            return QString();
        },
        [](const C &c) {
            return c.fromCurl ? QString::fromLatin1(c.fromCurl->method) + QLatin1Char(' ')
                                    + SettingValues::maskUrlPassword(QString::fromUtf8(c.fromCurl->url))
                              : QString();
        });
    flag("data", QStringLiteral("Request body: text, @FILE, or @- for standard input."), "DATA", applyData, showData)
        .withShortFlag(QStringLiteral("d"));
    rows.append(Table::row(QStringLiteral("HERALD_TARGETS"), {}, {},
                           QStringLiteral("Target URLs, separated by commas or spaces, used when neither --target, "
                                          "--dns, --srv, --group nor the profile gives targets."),
                           applyDefaultTargets, [](const C &c) {
                               return c.defaultTargetsError.isEmpty()
                                          ? showSpec(c.defaultTargets)
                                          : QStringLiteral("(invalid) ") + c.defaultTargetsError.section(QStringLiteral(": "), 1);
                           }));
    return rows;
}

QString checkTogether(const SendConfig &config)
{
    if (config.targetFlags.size() > 1)
        return QStringLiteral("use only one of --target, --dns and --srv");
    if (config.dryRun && config.printCurl)
        return QStringLiteral("use only one of --dry-run and --print-curl");
    if (!config.reportPath.isEmpty() && (config.dryRun || config.printCurl))
        return QStringLiteral("--report writes a broadcast's results; --dry-run and --print-curl send nothing");
    return {};
}

const Table &sendTable()
{
    static const Table table = [] {
        Table built(requestRows() + SendBroadcastSettings::rows());
        built.setCheck(checkTogether);
        return built;
    }();
    return table;
}

} // namespace

const QList<SendSettings::Setting> &SendSettings::table()
{
    return sendTable().rows();
}

void SendSettings::addOptions(QCommandLineParser &parser)
{
    sendTable().addOptions(parser);
}

QString SendSettings::load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, SendConfig *config)
{
    return sendTable().load(parser, environment, config);
}

QString SendSettings::printConfig(const SendConfig &config)
{
    return sendTable().printConfig(config);
}

} // namespace herald
