#include "util/shellwords.h"

namespace herald {

namespace {

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

bool startsSubstitution(const QString &text, qsizetype at)
{
    if (text.at(at) == QLatin1Char('`'))
        return true;
    if (text.at(at) != QLatin1Char('$') || at + 1 >= text.size())
        return false;
    const QChar next = text.at(at + 1);
    return next == QLatin1Char('{') || next == QLatin1Char('(') || next == QLatin1Char('_') || next.isLetterOrNumber()
           || QStringLiteral("?#@*!$-").contains(next);
}

// bash's $'...': backslash escapes as in C. `at` is on the opening quote; returns past the closing one.
bool readAnsiC(const QString &text, qsizetype *at, QString *word, QString *error)
{
    qsizetype i = *at + 1;
    QByteArray bytes;
    const auto flush = [&] {
        *word += QString::fromUtf8(bytes);
        bytes.clear();
    };
    while (i < text.size() && text.at(i) != QLatin1Char('\'')) {
        if (text.at(i) != QLatin1Char('\\') || i + 1 >= text.size()) {
            flush();
            *word += text.at(i++);
            continue;
        }
        const QChar c = text.at(i + 1);
        i += 2;
        static const QString simple = QStringLiteral("nrtabefv\\'\"?");
        static const char values[] = "\n\r\t\a\b\x1b\f\v\\'\"?";
        const qsizetype known = simple.indexOf(c);
        if (known >= 0) {
            bytes += values[known];
        } else if (c == QLatin1Char('x') || (c >= QLatin1Char('0') && c <= QLatin1Char('7'))) {
            const bool hex = c == QLatin1Char('x');
            const qsizetype start = hex ? i : i - 1;
            qsizetype end = start;
            while (end < text.size() && end - start < (hex ? 2 : 3)
                   && (hex ? QStringLiteral("0123456789abcdefABCDEF").contains(text.at(end))
                           : (text.at(end) >= QLatin1Char('0') && text.at(end) <= QLatin1Char('7'))))
                ++end;
            if (end == start)
                return fail(error, QStringLiteral("$'...': \\x needs hex digits"));
            bytes += static_cast<char>(text.mid(start, end - start).toUInt(nullptr, hex ? 16 : 8));
            i = end;
        } else {
            bytes += '\\';
            flush();
            *word += c;
        }
    }
    flush();
    if (i >= text.size())
        return fail(error, QStringLiteral("unterminated $'...' quote"));
    *at = i + 1;
    return true;
}

} // namespace

bool ShellWords::split(const QString &text, QStringList *words, QString *error)
{
    QStringList out;
    QString word;
    bool inWord = false;
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\\')) {
            if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n')) {
                i += 2; // a line continuation joins the lines
            } else if (i + 2 < text.size() && text.at(i + 1) == QLatin1Char('\r') && text.at(i + 2) == QLatin1Char('\n')) {
                i += 3;
            } else if (i + 1 < text.size()) {
                word += text.at(i + 1);
                inWord = true;
                i += 2;
            } else {
                return fail(error, QStringLiteral("a backslash ends the command line"));
            }
        } else if (c == QLatin1Char('\'')) {
            const qsizetype close = text.indexOf(QLatin1Char('\''), i + 1);
            if (close < 0)
                return fail(error, QStringLiteral("unterminated single quote"));
            word += text.mid(i + 1, close - i - 1);
            inWord = true;
            i = close + 1;
        } else if (c == QLatin1Char('$') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\'')) {
            ++i;
            if (!readAnsiC(text, &i, &word, error))
                return false;
            inWord = true;
        } else if (c == QLatin1Char('"')) {
            ++i;
            while (i < text.size() && text.at(i) != QLatin1Char('"')) {
                if (startsSubstitution(text, i))
                    return fail(error,
                                QStringLiteral("shell expansion (%1) is not done here: write the value itself").arg(text.mid(i, 2)));
                if (text.at(i) == QLatin1Char('\\') && i + 1 < text.size() && QStringLiteral("$`\"\\\n").contains(text.at(i + 1))) {
                    if (text.at(i + 1) != QLatin1Char('\n'))
                        word += text.at(i + 1);
                    i += 2;
                    continue;
                }
                word += text.at(i++);
            }
            if (i >= text.size())
                return fail(error, QStringLiteral("unterminated double quote"));
            inWord = true;
            ++i;
        } else if (c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            if (inWord)
                out.append(word);
            word.clear();
            inWord = false;
            ++i;
        } else if (startsSubstitution(text, i)) {
            return fail(error, QStringLiteral("shell expansion (%1) is not done here: write the value itself").arg(text.mid(i, 2)));
        } else if (QStringLiteral("|;&<>()").contains(c)) {
            return fail(error,
                        QStringLiteral("the shell operator '%1' is not supported: quote it if it is part of a value").arg(c));
        } else if (c == QLatin1Char('#') && !inWord) {
            while (i < text.size() && text.at(i) != QLatin1Char('\n'))
                ++i; // a comment
        } else {
            word += c;
            inWord = true;
            ++i;
        }
    }
    if (inWord)
        out.append(word);
    *words = out;
    return true;
}

QString ShellWords::quote(const QString &word)
{
    static const QString safe = QStringLiteral("@%+=:,./-_");
    bool plain = !word.isEmpty();
    for (const QChar c : word) {
        const bool asciiAlnum = c.unicode() < 128 && c.isLetterOrNumber();
        plain = plain && (asciiAlnum || safe.contains(c));
    }
    if (plain)
        return word;
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString ShellWords::join(const QStringList &words)
{
    QStringList quoted;
    quoted.reserve(words.size());
    for (const QString &word : words)
        quoted.append(quote(word));
    return quoted.join(QLatin1Char(' '));
}

} // namespace herald
