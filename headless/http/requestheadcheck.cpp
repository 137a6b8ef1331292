#include "http/requestheadcheck.h"

#include "util/httpheaders.h"

#include <QByteArrayView>

#include <cstdint>
#include <cstring>

namespace herald {

namespace {

// Walks MHD's buffer piece by piece. Each parsed piece must begin exactly where the separator
// before it ended: a byte that belongs to no piece is one MHD dropped (after a NUL) or moved (a
// folded line is appended to the *name* of the field before it and copied elsewhere).
class HeadWalk
{
public:
    HeadWalk(const char *start, size_t size)
        : m_at(start)
        , m_end(start + size)
    {
    }

    bool piece(const char *data, size_t size)
    {
        if (data != m_at || size > static_cast<size_t>(m_end - m_at))
            return false;
        m_at += size;
        return true;
    }

    // A separator MHD overwrote: a space or colon is one NUL, a line end one (LF) or two (CRLF).
    // A NUL sent by the client right before a bare LF looks like a CRLF; only that one goes unseen.
    bool nuls(int min, int max)
    {
        int count = 0;
        while (count < max && m_at < m_end && *m_at == '\0') {
            ++m_at;
            ++count;
        }
        return count >= min;
    }

    void whitespace()
    {
        while (m_at < m_end && (*m_at == ' ' || *m_at == '\t'))
            ++m_at;
    }

    bool atEnd() const { return m_at == m_end; }

private:
    const char *m_at;
    const char *m_end;
};

bool isControl(char c, bool tabAllowed)
{
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && !(tabAllowed && c == '\t')) || byte == 0x7f;
}

bool named(const ParsedRequestHead::Field &field, const char *name)
{
    return QByteArrayView(field.name, static_cast<qsizetype>(field.nameSize)).compare(name, Qt::CaseInsensitive) == 0;
}

QByteArray valueOf(const ParsedRequestHead::Field &field)
{
    return QByteArray(field.value, static_cast<qsizetype>(field.valueSize));
}

HeadRefusal checkSize(const ParsedRequestHead &head, qint64 maxHeadBytes)
{
    if (static_cast<qint64>(head.size) <= maxHeadBytes)
        return {};
    // The version ends the request line; only pointer values are compared, nothing is read.
    const auto start = reinterpret_cast<std::uintptr_t>(head.start);
    const auto version = reinterpret_cast<std::uintptr_t>(head.version);
    if (version < start || static_cast<qint64>(version - start + 8) > maxHeadBytes)
        return {414, QStringLiteral("request line over the limit of %1 bytes").arg(maxHeadBytes)};
    return {431, QStringLiteral("request head over the limit of %1 bytes").arg(maxHeadBytes)};
}

HeadRefusal checkLayout(const ParsedRequestHead &head)
{
    HeadWalk walk(head.start, head.size);
    const size_t methodSize = strnlen(head.start, head.size);
    if (!(walk.piece(head.start, methodSize) && walk.nuls(1, 1)
          && walk.piece(head.targetAt, static_cast<size_t>(head.target.size())) && walk.nuls(1, 1) && walk.piece(head.version, 8)))
        return {400, QStringLiteral("malformed request line")};
    for (const ParsedRequestHead::Field &field : head.fields) {
        bool intact = walk.nuls(1, 2) && walk.piece(field.name, field.nameSize) && walk.nuls(1, 1);
        if (intact) {
            walk.whitespace();
            intact = walk.piece(field.value, field.valueSize);
        }
        if (!intact)
            return {400, QStringLiteral("malformed header line near '%1': a NUL byte or a folded line (obs-fold)")
                             .arg(QString::fromLatin1(field.name, static_cast<qsizetype>(qMin<size_t>(field.nameSize, 64))))};
    }
    if (!(walk.nuls(2, 4) && walk.atEnd()))
        return {400, QStringLiteral("malformed header section: a NUL byte or a folded line (obs-fold)")};
    return {};
}

HeadRefusal checkSyntax(const ParsedRequestHead &head)
{
    if (!isHttpToken(QByteArray(head.start)))
        return {400, QStringLiteral("method is not a token")};
    if (head.target.isEmpty())
        return {400, QStringLiteral("empty request-target")};
    for (const char c : head.target) {
        if (c == ' ' || isControl(c, false))
            return {400, QStringLiteral("request-target contains a space or a control byte")};
    }
    for (const ParsedRequestHead::Field &field : head.fields) {
        const QByteArray name(field.name, static_cast<qsizetype>(field.nameSize));
        if (!isHttpToken(name))
            return {400, QStringLiteral("malformed header name '%1'").arg(QString::fromLatin1(name.left(64)))};
        for (size_t i = 0; i < field.valueSize; ++i) {
            if (isControl(field.value[i], true))
                return {400, QStringLiteral("header '%1' contains a control byte").arg(QString::fromLatin1(name))};
        }
    }
    return {};
}

// One framing only, read the way MHD reads it (its raw values), so that what the handler gets is
// what any proxy in front of us saw: no request smuggling through disagreeing lengths.
HeadRefusal checkFraming(const ParsedRequestHead &head, qint64 maxBodyBytes)
{
    int hosts = 0;
    int lengths = 0;
    int encodings = 0;
    const ParsedRequestHead::Field *length = nullptr;
    const ParsedRequestHead::Field *encoding = nullptr;
    for (const ParsedRequestHead::Field &field : head.fields) {
        if (named(field, "Host")) {
            ++hosts;
        } else if (named(field, "Content-Length")) {
            ++lengths;
            length = &field;
        } else if (named(field, "Transfer-Encoding")) {
            ++encodings;
            encoding = &field;
        }
    }
    const bool http10 = std::memcmp(head.version, "HTTP/1.0", 8) == 0;
    if (hosts > 1)
        return {400, QStringLiteral("more than one Host header")};
    if (hosts == 0 && !http10)
        return {400, QStringLiteral("HTTP/1.1 request without a Host header")};
    if (lengths > 1)
        return {400, QStringLiteral("more than one Content-Length header")};
    if (lengths > 0 && encodings > 0)
        return {400, QStringLiteral("request has both Content-Length and Transfer-Encoding")};
    if (encodings > 1)
        return {400, QStringLiteral("more than one Transfer-Encoding header")};
    if (encoding) {
        if (http10)
            return {400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request")};
        // MHD decodes only a value of exactly "chunked"; anything else it would read until close.
        const QByteArray codings = valueOf(*encoding);
        if (codings.compare("chunked", Qt::CaseInsensitive) != 0) {
            if (codings.split(',').constLast().trimmed().compare("chunked", Qt::CaseInsensitive) == 0)
                return {501,
                        QStringLiteral("Transfer-Encoding '%1' not supported: only 'chunked'").arg(QString::fromLatin1(codings))};
            return {400, QStringLiteral("Transfer-Encoding '%1' does not end with chunked").arg(QString::fromLatin1(codings))};
        }
    }
    if (length) {
        // MHD has already refused a value that is not a plain decimal number.
        bool ok = false;
        const qulonglong bytes = valueOf(*length).toULongLong(&ok);
        if (!ok || bytes > static_cast<qulonglong>(maxBodyBytes))
            return {413, QStringLiteral("request body over the limit of %1 bytes").arg(maxBodyBytes)};
    }
    return {};
}

} // namespace

HeadRefusal checkRequestLine(const QByteArray &line)
{
    const QString expected = QStringLiteral(" (expected: METHOD SP request-target SP HTTP/1.1)");
    if (line.startsWith(' ') || line.startsWith('\t'))
        return {400, QStringLiteral("malformed request line: empty method") + expected};
    const qsizetype firstSpace = line.indexOf(' ');
    if (firstSpace < 0)
        return {400, QStringLiteral("malformed request line: no space") + expected};
    // The version is the last word and what follows it, as MHD reads it (it skips trailing spaces
    // to find the word, then takes the rest of the line).
    qsizetype end = line.size();
    while (end > 0 && line.at(end - 1) == ' ')
        --end;
    const qsizetype lastSpace = line.left(end).lastIndexOf(' ');
    if (lastSpace <= firstSpace)
        return {400, QStringLiteral("malformed request line: no HTTP version") + expected};
    const QByteArray version = line.mid(lastSpace + 1);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (version.size() != 8 || !version.startsWith("HTTP/") || !digit(version.at(5)) || version.at(6) != '.'
        || !digit(version.at(7))) {
        QByteArray shown = version.left(32);
        for (char &c : shown)
            c = isControl(c, false) || static_cast<unsigned char>(c) >= 0x80 ? '?' : c;
        return {400, QStringLiteral("malformed HTTP version '%1'").arg(QString::fromLatin1(shown)) + expected};
    }
    if (version.at(5) != '1')
        return {505, QStringLiteral("HTTP version '%1' not supported: only HTTP/1.x").arg(QString::fromLatin1(version))};
    return {};
}

HeadRefusal checkRequestHead(const ParsedRequestHead &head, qint64 maxHeadBytes, qint64 maxBodyBytes)
{
    if (!head.start || !head.targetAt || !head.version)
        return {400, QStringLiteral("malformed request line")};
    // The size comes first and reads nothing: only a head within the limit is walked byte by byte.
    if (HeadRefusal refusal = checkSize(head, maxHeadBytes))
        return refusal;
    if (HeadRefusal refusal = checkLayout(head))
        return refusal;
    if (HeadRefusal refusal = checkSyntax(head))
        return refusal;
    return checkFraming(head, maxBodyBytes);
}

} // namespace herald
