#include "util/curlcommandparser.h"

#include "util/shellwords.h"

#include <QUrl>

#include <optional>

namespace herald {

namespace {

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

enum class Option {
    Request,
    Header,
    Data,
    DataBinary,
    DataRaw,
    DataUrlencode,
    Json,
    Head,
    Get,
    Url,
    UserAgent,
    Referer,
    User,
    Insecure,
    Http2,
    Http11,
    MaxTime,
    Ignored,
    IgnoredWithValue
};

struct OptionSpec
{
    const char *shortName; // without the dash; empty when there is none
    const char *longName;  // without the dashes
    Option option;
    bool takesValue;
};

// The options that shape the request, and those that only change what curl prints (accepted, ignored).
// Anything else is refused by name rather than silently dropped.
constexpr OptionSpec specs[] = {
    {"X", "request", Option::Request, true},
    {"H", "header", Option::Header, true},
    {"d", "data", Option::Data, true},
    {"", "data-ascii", Option::Data, true},
    {"", "data-binary", Option::DataBinary, true},
    {"", "data-raw", Option::DataRaw, true},
    {"", "data-urlencode", Option::DataUrlencode, true},
    {"", "json", Option::Json, true},
    {"I", "head", Option::Head, false},
    {"G", "get", Option::Get, false},
    {"", "url", Option::Url, true},
    {"A", "user-agent", Option::UserAgent, true},
    {"e", "referer", Option::Referer, true},
    {"u", "user", Option::User, true},
    {"k", "insecure", Option::Insecure, false},
    {"", "http2", Option::Http2, false},
    {"", "http2-prior-knowledge", Option::Http2, false},
    {"", "http1.1", Option::Http11, false},
    {"m", "max-time", Option::MaxTime, true},
    {"s", "silent", Option::Ignored, false},
    {"S", "show-error", Option::Ignored, false},
    {"v", "verbose", Option::Ignored, false},
    {"i", "include", Option::Ignored, false},
    {"f", "fail", Option::Ignored, false},
    {"", "fail-with-body", Option::Ignored, false},
    {"g", "globoff", Option::Ignored, false},
    {"L", "location", Option::Ignored, false},
    {"", "no-progress-meter", Option::Ignored, false},
    {"", "path-as-is", Option::Ignored, false},
    {"o", "output", Option::IgnoredWithValue, true},
    {"w", "write-out", Option::IgnoredWithValue, true},
};

const OptionSpec *findShort(QChar name)
{
    for (const OptionSpec &spec : specs) {
        if (spec.shortName[0] != '\0' && QLatin1Char(spec.shortName[0]) == name)
            return &spec;
    }
    return nullptr;
}

const OptionSpec *findLong(const QString &name)
{
    for (const OptionSpec &spec : specs) {
        if (name == QLatin1String(spec.longName))
            return &spec;
    }
    return nullptr;
}

QString display(const OptionSpec &spec)
{
    return spec.shortName[0] != '\0' ? QStringLiteral("-%1").arg(QLatin1String(spec.shortName))
                                     : QStringLiteral("--%1").arg(QLatin1String(spec.longName));
}

// What the parse has gathered so far; turned into a CurlCommand at the end.
struct Gathered
{
    CurlCommand command;
    QByteArrayList data;
    std::optional<QByteArray> method;
    bool head = false;
    bool get = false;
    bool json = false;
    QStringList urls;
};

bool readData(const QString &value, bool fromFileAllowed, bool stripNewlines, const CurlCommand::FileReader &readFile,
              QByteArray *data, QString *error, const QString &option)
{
    if (!fromFileAllowed || !value.startsWith(QLatin1Char('@'))) {
        *data = value.toUtf8();
        return true;
    }
    const QString path = value.mid(1);
    if (path == QLatin1String("-"))
        return fail(error, QStringLiteral("%1 @-: reading standard input is not supported; name a file").arg(option));
    if (!readFile)
        return fail(error, QStringLiteral("%1 @%2: reading files is not allowed here").arg(option, path));
    QString problem;
    if (!readFile(path, data, &problem))
        return fail(error, QStringLiteral("%1 @%2: %3").arg(option, path, problem));
    if (stripNewlines)
        data->replace('\r', QByteArray()).replace('\n', QByteArray());
    return true;
}

// --data-urlencode: "content", "=content", "name=content", "@file" or "name@file".
bool urlencodeData(const QString &value, const CurlCommand::FileReader &readFile, QByteArray *data, QString *error)
{
    const qsizetype equals = value.indexOf(QLatin1Char('='));
    const qsizetype at = value.indexOf(QLatin1Char('@'));
    QByteArray name;
    QByteArray content;
    if (at >= 0 && (equals < 0 || at < equals)) {
        name = value.left(at).toUtf8();
        if (!readData(value.mid(at), true, false, readFile, &content, error, QStringLiteral("--data-urlencode")))
            return false;
    } else if (equals >= 0) {
        name = value.left(equals).toUtf8();
        content = value.mid(equals + 1).toUtf8();
    } else {
        content = value.toUtf8();
    }
    const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(content));
    *data = name.isEmpty() ? encoded : name + '=' + encoded;
    return true;
}

bool apply(const OptionSpec &spec, const QString &value, Gathered *g, const CurlCommand::FileReader &readFile, QString *error)
{
    CurlCommand &c = g->command;
    const QString option = display(spec);
    QByteArray data;
    switch (spec.option) {
    case Option::Request:
        if (!isHttpToken(value.toLatin1()))
            return fail(error, QStringLiteral("%1: \"%2\" is not a method").arg(option, value));
        g->method = value.toLatin1();
        return true;
    case Option::Header: {
        if (value.startsWith(QLatin1Char('@')))
            return fail(error, QStringLiteral("%1 @FILE is not supported; give each header with -H").arg(option));
        const QByteArray line = value.toUtf8();
        // "Name;" sends Name with an empty value; "Name:" with nothing after it removes curl's own.
        if (line.endsWith(';') && isHttpToken(line.chopped(1).trimmed())) {
            c.headers.append({line.chopped(1).trimmed(), QByteArray()});
            return true;
        }
        HttpHeader header;
        if (!parseHeaderLine(line, &header))
            return fail(error, QStringLiteral("%1: \"%2\" is not a header (expected Name: value)").arg(option, value));
        if (!header.second.isEmpty())
            c.headers.append(header);
        return true;
    }
    case Option::Data:
    case Option::DataBinary:
    case Option::DataRaw:
        if (!readData(value, spec.option != Option::DataRaw, spec.option == Option::Data, readFile, &data, error, option))
            return false;
        g->data.append(data);
        return true;
    case Option::DataUrlencode:
        if (!urlencodeData(value, readFile, &data, error))
            return false;
        g->data.append(data);
        return true;
    case Option::Json:
        if (!readData(value, true, false, readFile, &data, error, option))
            return false;
        g->data.append(data);
        g->json = true; // curl joins --json parts without a separator and names the type both ways
        if (!hasHeader(c.headers, "Content-Type"))
            c.headers.append(HttpHeader{"Content-Type", "application/json"});
        if (!hasHeader(c.headers, "Accept"))
            c.headers.append(HttpHeader{"Accept", "application/json"});
        return true;
    case Option::Head:
        g->head = true;
        return true;
    case Option::Get:
        g->get = true;
        return true;
    case Option::Url:
        g->urls.append(value);
        return true;
    case Option::UserAgent:
    case Option::Referer: {
        // The same rules as -H: no line breaks, surrounding blanks dropped.
        HttpHeader header;
        const QByteArray name = spec.option == Option::UserAgent ? "User-Agent" : "Referer";
        if (!parseHeaderLine(name + ": " + value.toUtf8(), &header))
            return fail(error, QStringLiteral("%1: the value must be on one line").arg(option));
        c.headers.append(header);
        return true;
    }
    case Option::User:
        c.headers.append({"Authorization", "Basic " + value.toUtf8().toBase64()});
        return true;
    case Option::Insecure:
        c.insecure = true;
        return true;
    case Option::Http2:
        c.http2 = true;
        return true;
    case Option::Http11:
        c.http2 = false;
        return true;
    case Option::MaxTime: {
        bool ok = false;
        const double seconds = value.toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 86400)
            return fail(error, QStringLiteral("%1: \"%2\" is not a number of seconds").arg(option, value));
        c.maxTimeMs = static_cast<int>(seconds * 1000);
        return true;
    }
    case Option::Ignored:
    case Option::IgnoredWithValue:
        return true;
    }
    return true;
}

bool finish(Gathered &g, CurlCommand *command, QString *error)
{
    if (g.urls.isEmpty())
        return fail(error, QStringLiteral("no URL given"));
    if (g.urls.size() > 1)
        return fail(error, QStringLiteral("more than one URL (%1); give one").arg(g.urls.join(QStringLiteral(", "))));
    QString url = g.urls.first();
    if (!url.contains(QLatin1String("://")))
        url.prepend(QLatin1String("http://"));
    url = url.left(url.indexOf(QLatin1Char('#')) < 0 ? url.size() : url.indexOf(QLatin1Char('#')));
    const QUrl parsed(url);
    const QString scheme = url.left(url.indexOf(QLatin1String("://"))).toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return fail(error, QStringLiteral("URL %1: the scheme must be http or https").arg(g.urls.first()));
    if (!parsed.isValid() || parsed.host().isEmpty())
        return fail(error, QStringLiteral("URL %1 has no host").arg(g.urls.first()));
    CurlCommand &c = g.command;
    c.url = (scheme + url.mid(scheme.size())).toUtf8();
    const QByteArray joined = g.data.join(g.json ? "" : "&");
    if (g.get) {
        // A '#' in the data would start a fragment and cut the query short.
        if (!g.data.isEmpty())
            c.url += (c.url.contains('?') ? "&" : "?") + QByteArray(joined).replace('#', "%23");
    } else if (!g.data.isEmpty()) {
        c.body = joined;
        c.hasBody = true;
    }
    c.method = g.method.value_or(g.head ? QByteArray("HEAD") : c.hasBody ? QByteArray("POST") : QByteArray("GET"));
    *command = c;
    return true;
}

} // namespace

bool CurlCommandParser::parse(const QString &commandLine, CurlCommand *command, QString *error,
                              const CurlCommand::FileReader &readFile)
{
    QStringList words;
    if (!ShellWords::split(commandLine, &words, error))
        return false;
    if (words.isEmpty() || (words.first() != QLatin1String("curl") && !words.first().endsWith(QLatin1String("/curl"))))
        return fail(error, QStringLiteral("expected a curl command line (it starts with \"%1\")").arg(words.value(0)));
    Gathered g;
    bool optionsEnded = false;
    for (qsizetype i = 1; i < words.size(); ++i) {
        const QString &word = words.at(i);
        if (optionsEnded || !word.startsWith(QLatin1Char('-')) || word == QLatin1String("-")) {
            g.urls.append(word);
            continue;
        }
        if (word == QLatin1String("--")) {
            optionsEnded = true;
            continue;
        }
        // Long options take their value from the next word; short ones may be clustered (-sSX PURGE, -XPURGE).
        const bool isLong = word.startsWith(QLatin1String("--"));
        for (qsizetype at = 1; at < word.size(); ++at) {
            const OptionSpec *spec = isLong ? findLong(word.mid(2)) : findShort(word.at(at));
            if (!spec)
                return fail(error, QStringLiteral("%1 is not supported").arg(isLong ? word : QStringLiteral("-") + word.at(at)));
            QString value;
            if (spec->takesValue) {
                const QString rest = isLong ? QString() : word.mid(at + 1);
                if (!rest.isEmpty()) {
                    value = rest;
                } else if (i + 1 < words.size()) {
                    value = words.at(++i);
                } else {
                    return fail(error, QStringLiteral("%1 needs a value").arg(display(*spec)));
                }
            }
            if (!apply(*spec, value, &g, readFile, error))
                return false;
            if (isLong || spec->takesValue)
                break;
        }
    }
    return finish(g, command, error);
}

} // namespace herald
