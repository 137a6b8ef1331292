#include "util/curlcommand.h"

#include "util/curlcommandparser.h"
#include "util/shellwords.h"

#include <QDir>
#include <QFile>

namespace herald {

bool CurlCommand::parse(const QString &commandLine, CurlCommand *command, QString *error, const FileReader &readFile)
{
    return CurlCommandParser::parse(commandLine, command, error, readFile);
}

CurlCommand::FileReader CurlCommand::diskReader(const QString &baseDirectory)
{
    return [baseDirectory](const QString &path, QByteArray *contents, QString *error) {
        QFile file(baseDirectory.isEmpty() ? path : QDir(baseDirectory).filePath(path));
        if (!file.open(QIODevice::ReadOnly)) {
            if (error)
                *error = file.errorString();
            return false;
        }
        *contents = file.readAll();
        return true;
    };
}

QByteArray CurlCommand::targetBase() const
{
    const qsizetype authority = url.indexOf("://") + 3;
    qsizetype end = authority;
    while (end < url.size() && url.at(end) != '/' && url.at(end) != '?')
        ++end;
    return url.left(end);
}

QByteArray CurlCommand::pathAndQuery() const
{
    const QByteArray rest = url.mid(targetBase().size());
    return rest.isEmpty() || rest.startsWith('?') ? '/' + rest : rest;
}

namespace {

// Text goes inline; anything with NUL or other control bytes, or not UTF-8, does not survive a shell word.
bool isText(const QByteArray &body)
{
    for (const char c : body) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && c != '\n' && c != '\t' && c != '\r')
            return false;
        if (byte == 0x7f)
            return false;
    }
    return QString::fromUtf8(body).toUtf8() == body;
}

// A printf format (POSIX: octal escapes) that writes `body` byte for byte.
QString printfFormat(const QByteArray &body)
{
    QString format;
    for (const char c : body) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '%')
            format += QLatin1String("%%");
        else if (c == '\\')
            format += QLatin1String("\\\\");
        else if (byte >= 0x20 && byte < 0x7f)
            format += QLatin1Char(c);
        else
            format += QStringLiteral("\\%1").arg(byte, 3, 8, QLatin1Char('0'));
    }
    return format;
}

} // namespace

// Every word but the URL (and --path-as-is, which depends on it); *prefix gets a body's printf.
QStringList CurlCommand::optionWords(const QString &bodyFile, QString *prefix) const
{
    QStringList words{QStringLiteral("curl")};
    if (http2)
        words << (url.startsWith("https:") ? QStringLiteral("--http2") : QStringLiteral("--http2-prior-knowledge"));
    if (insecure)
        words << QStringLiteral("-k");
    if (!caFile.isEmpty())
        words << QStringLiteral("--cacert") << caFile;
    if (!certFile.isEmpty())
        words << QStringLiteral("--cert") << certFile;
    if (!keyFile.isEmpty())
        words << QStringLiteral("--key") << keyFile;
    if (!connectTo.isEmpty())
        words << QStringLiteral("--connect-to") << QString::fromUtf8(connectTo);
    if (maxTimeMs > 0)
        words << QStringLiteral("-m") << QString::number(maxTimeMs / 1000.0);
    if (method == "HEAD" && !hasBody)
        words << QStringLiteral("-I");
    else if (!(method == "GET" && !hasBody) && !(method == "POST" && hasBody))
        words << QStringLiteral("-X") << QString::fromLatin1(method);
    for (const HttpHeader &header : headers) {
        const QString name = QString::fromLatin1(header.first);
        words << QStringLiteral("-H")
              << (header.second.isEmpty() ? name + QLatin1Char(';')
                                          : name + QLatin1String(": ") + QString::fromUtf8(header.second));
    }
    if (hasBody) {
        // curl names a form type of its own for a body; the request had none, so none is sent.
        if (!hasHeader(headers, "Content-Type"))
            words << QStringLiteral("-H") << QStringLiteral("Content-Type:");
        if (!bodyFile.isEmpty()) {
            words << QStringLiteral("--data-binary") << QLatin1Char('@') + bodyFile;
        } else if (isText(body)) {
            words << QStringLiteral("--data-raw") << QString::fromUtf8(body);
        } else {
            *prefix = QStringLiteral("printf %1 | ").arg(ShellWords::quote(printfFormat(body)));
            words << QStringLiteral("--data-binary") << QStringLiteral("@-");
        }
    }
    return words;
}

QString CurlCommand::toShell(const QString &bodyFile) const
{
    QString prefix;
    QStringList words = optionWords(bodyFile, &prefix);
    // curl would squash /../ and /./; a broadcast sends the path as written.
    if (pathAndQuery().contains("/."))
        words << QStringLiteral("--path-as-is");
    words << QString::fromUtf8(url);
    return prefix + ShellWords::join(words);
}

namespace {

// The command without a Host header that only repeats the URL's authority, which curl sends as
// Host by itself (an explicit default port is left alone: curl may drop it from Host).
CurlCommand withoutImpliedHost(CurlCommand command)
{
    const QByteArray base = command.targetBase();
    const QByteArray authority = base.mid(base.indexOf("://") + 3);
    if (authority.endsWith(":80") || authority.endsWith(":443"))
        return command;
    HttpHeaders headers;
    for (const HttpHeader &header : std::as_const(command.headers)) {
        if (header.first.compare("Host", Qt::CaseInsensitive) != 0 || header.second != authority)
            headers.append(header);
    }
    command.headers = headers;
    return command;
}

} // namespace

QString CurlCommand::loop(const QList<CurlCommand> &original)
{
    if (original.isEmpty())
        return {};
    // Each target's own Host would make every request different; curl sends it from "$url".
    QList<CurlCommand> commands;
    for (const CurlCommand &command : original)
        commands.append(withoutImpliedHost(command));
    const CurlCommand &first = commands.first();
    bool alike = true;
    bool pathAsIs = false;
    QStringList urls;
    for (const CurlCommand &command : std::as_const(commands)) {
        alike = alike && command.method == first.method && command.headers == first.headers && command.body == first.body
                && command.hasBody == first.hasBody && command.http2 == first.http2 && command.insecure == first.insecure
                && command.maxTimeMs == first.maxTimeMs && command.url.startsWith("https:") == first.url.startsWith("https:");
        pathAsIs = pathAsIs || command.pathAndQuery().contains("/.");
        urls << ShellWords::quote(QString::fromUtf8(command.url));
    }
    if (!alike) {
        // Per-target headers (Host with the target's name, say): one loop body cannot send them all.
        QStringList lines;
        for (const CurlCommand &command : original)
            lines << command.toShell();
        return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
    }
    QString prefix;
    QStringList words = first.optionWords({}, &prefix);
    if (pathAsIs)
        words << QStringLiteral("--path-as-is");
    return QStringLiteral("for url in %1; do\n    %2%3 \"$url\"\ndone\n")
        .arg(urls.join(QLatin1Char(' ')), prefix, ShellWords::join(words));
}

} // namespace herald
