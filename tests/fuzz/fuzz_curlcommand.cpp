// libFuzzer target over the curl command-line parser and printer (CurlCommand, ShellWords). The bytes
// are one command line. Invariants that must hold for any input abort when broken: shell words
// quote back to themselves, and a parsed command printed by toShell() parses back to the same request.
#include "util/curlcommand.h"
#include "util/shellwords.h"

#include <cstdint>
#include <cstdlib>

using namespace herald;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void checkWords(const QString &text)
{
    QStringList words;
    QString error;
    if (!ShellWords::split(text, &words, &error)) {
        check(!error.isEmpty());
        return;
    }
    QStringList again;
    check(ShellWords::split(ShellWords::join(words), &again, &error));
    check(again == words);
}

void checkSame(const CurlCommand &a, const CurlCommand &b)
{
    check(a.method == b.method && a.url == b.url && a.headers == b.headers);
    check(a.body == b.body && a.hasBody == b.hasBody && a.http2 == b.http2 && a.insecure == b.insecure);
}

void checkCommand(const QString &text)
{
    // Files are one fixed name, so the fuzzer never reads the disk.
    const QByteArray fileBody = QByteArray("file\0body\n", 10);
    const CurlCommand::FileReader reader = [&fileBody](const QString &path, QByteArray *contents, QString *error) {
        if (path != QLatin1String("body.bin")) {
            *error = QStringLiteral("no such file");
            return false;
        }
        *contents = fileBody;
        return true;
    };
    CurlCommand command;
    QString error;
    if (!CurlCommand::parse(text, &command, &error, reader)) {
        check(!error.isEmpty());
        return;
    }
    check(isHttpToken(command.method));
    check(command.url.startsWith("http://") || command.url.startsWith("https://"));
    check(command.pathAndQuery().startsWith('/'));
    const QByteArray rest = command.url.mid(command.targetBase().size());
    check(command.url.startsWith(command.targetBase()));
    check(command.pathAndQuery() == rest || command.pathAndQuery() == '/' + rest);
    for (const HttpHeader &header : command.headers)
        check(isHttpToken(header.first) && !header.second.contains('\n') && !header.second.contains('\r'));

    const QString shell = command.toShell();
    if (!shell.startsWith(QLatin1String("printf "))) {
        CurlCommand back;
        check(CurlCommand::parse(shell, &back, &error));
        checkSame(command, back);
    }
    if (command.body == fileBody || !command.hasBody) {
        CurlCommand back;
        check(CurlCommand::parse(command.toShell(QStringLiteral("body.bin")), &back, &error, reader));
        checkSame(command, back);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(bytes), static_cast<qsizetype>(size));
    checkWords(text);
    checkCommand(text);
    return 0;
}
