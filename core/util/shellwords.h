#pragma once

#include <QString>
#include <QStringList>

namespace herald {

// POSIX shell words without a shell: splits a command line as sh would (quotes, backslashes,
// line continuations, bash's $'...'), and quotes a word so that sh reads it back unchanged.
class ShellWords
{
public:
    // Returns false with *error set on an unterminated quote, a variable or command substitution
    // (nothing is expanded here), or an unquoted operator such as | ; & < >.
    static bool split(const QString &commandLine, QStringList *words, QString *error);
    static QString quote(const QString &word);
    static QString join(const QStringList &words);
};

} // namespace herald
