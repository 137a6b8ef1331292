#pragma once

#include "util/httpheaders.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace herald {

// A request written as a curl command line, both ways: parse() reads one (a copied command, a
// runbook line) into method, URL, headers and body; toShell() writes one that sends the same bytes.
struct CurlCommand
{
    // Reads the file named by @FILE; returns false with *error set. Without one, @FILE is refused.
    using FileReader = std::function<bool(const QString &path, QByteArray *contents, QString *error)>;

    QByteArray method = "GET";
    QByteArray url;      // absolute, as written (scheme added when it was left out), no fragment
    HttpHeaders headers; // in the order given
    QByteArray body;
    bool hasBody = false;  // a body is framed, even an empty one (-d '')
    bool http2 = false;    // --http2, --http2-prior-knowledge
    bool insecure = false; // -k: the target's certificate is not verified
    int maxTimeMs = -1;    // -m SECONDS
    // Written by toShell() for a target's own TLS settings; parse() leaves them empty.
    QString caFile;       // --cacert
    QString certFile;     // --cert
    QString keyFile;      // --key
    QByteArray connectTo; // --connect-to NAME:PORT:HOST:PORT, with the TLS server name in url

    // Fills *command, or returns false with an error naming the option: `--cookie is not supported`.
    static bool parse(const QString &commandLine, CurlCommand *command, QString *error, const FileReader &readFile = {});
    // Reads files from disk, relative paths against `baseDirectory` (the current one when empty).
    static FileReader diskReader(const QString &baseDirectory = {});

    // "http://x:8080" of "http://x:8080/p?q=1": what Target::parse takes.
    QByteArray targetBase() const;
    // "/p?q=1": what BroadcastRequest::pathAndQuery takes.
    QByteArray pathAndQuery() const;

    // A POSIX shell command that sends this request. A body that is not text goes through
    // `--data-binary @bodyFile` when a file is named, else through printf on standard input.
    QString toShell(const QString &bodyFile = {}) const;
    // A shell `for url in ...; do curl ... "$url"; done` over the commands' URLs when they differ
    // in nothing else, else one command a line.
    static QString loop(const QList<CurlCommand> &commands);

private:
    QStringList optionWords(const QString &bodyFile, QString *prefix) const;
};

} // namespace herald
