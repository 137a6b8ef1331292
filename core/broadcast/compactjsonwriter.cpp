#include "broadcast/compactjsonwriter.h"

#include <algorithm>

namespace herald {

namespace {

bool byteNeedsEscape(char c)
{
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// Eight bytes at a time (URLs and digests are most of what is written): whether any byte of `word`
// is below 0x20, a quote or a backslash. The "has a byte less than n" and "has a zero byte" tests
// of Bit Twiddling Hacks, exact as a yes or no for the whole word.
bool wordNeedsEscape(quint64 word)
{
    constexpr quint64 ones = 0x0101010101010101ULL;
    constexpr quint64 highs = 0x8080808080808080ULL;
    const auto hasZeroByte = [](quint64 x) { return ((x - ones) & ~x & highs) != 0; };
    const bool below = ((word - ones * 0x20) & ~word & highs) != 0;
    return below || hasZeroByte(word ^ (ones * '"')) || hasZeroByte(word ^ (ones * '\\'));
}

bool needsEscape(QByteArrayView utf8)
{
    const char *at = utf8.data();
    const char *const end = at + utf8.size();
    for (; end - at >= 8; at += 8) {
        quint64 word;
        std::memcpy(&word, at, sizeof word);
        if (wordNeedsEscape(word))
            return true;
    }
    for (; at < end; ++at) {
        if (byteNeedsEscape(*at))
            return true;
    }
    return false;
}

} // namespace

CompactJsonWriter::CompactJsonWriter(qsizetype estimate)
{
    m_out.resize(std::max<qsizetype>(estimate, 64));
    m_at = m_out.data();
    m_end = m_at + m_out.size();
}

void CompactJsonWriter::grow(size_t length)
{
    const qsizetype used = m_at - m_out.data();
    m_out.resize(std::max(2 * m_out.size(), used + qsizetype(length)));
    m_at = m_out.data() + used;
    m_end = m_out.data() + m_out.size();
}

QByteArray CompactJsonWriter::take()
{
    ensure(1); // the room take() promises
    m_out.resize(m_at - m_out.data());
    m_at = m_end = nullptr;
    return std::move(m_out);
}

void CompactJsonWriter::string(QByteArrayView utf8)
{
    // Most strings (URLs, outcome names, digests) have nothing to escape: one copy, not one per byte.
    if (needsEscape(utf8)) {
        escaped(utf8);
        return;
    }
    const size_t length = size_t(utf8.size());
    ensure(length + 2);
    *m_at++ = '"';
    std::memcpy(m_at, utf8.data(), length);
    m_at += length;
    *m_at++ = '"';
}

void CompactJsonWriter::string(const QString &text)
{
    // ASCII without escapes (outcome and state names, the policy, most errors) is narrowed straight
    // into the buffer; anything else takes the UTF-8 path, so both give QJsonDocument's bytes.
    const qsizetype length = text.size();
    ensure(size_t(length) + 2);
    char *at = m_at;
    *at++ = '"';
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        if (unit >= 0x80 || unit < 0x20 || unit == '"' || unit == '\\') {
            string(QByteArrayView(text.toUtf8()));
            return;
        }
        *at++ = char(unit);
    }
    *at++ = '"';
    m_at = at;
}

void CompactJsonWriter::escaped(QByteArrayView utf8)
{
    ensure(size_t(utf8.size()) * 6 + 2); // the longest escape, \u001f, is six bytes
    char *at = m_at;
    *at++ = '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            *at++ = '\\';
            *at++ = '"';
            break;
        case '\\':
            *at++ = '\\';
            *at++ = '\\';
            break;
        case '\n':
            *at++ = '\\';
            *at++ = 'n';
            break;
        case '\r':
            *at++ = '\\';
            *at++ = 'r';
            break;
        case '\t':
            *at++ = '\\';
            *at++ = 't';
            break;
        case '\b':
            *at++ = '\\';
            *at++ = 'b';
            break;
        case '\f':
            *at++ = '\\';
            *at++ = 'f';
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                std::memcpy(at, "\\u00", 4);
                at[4] = hex[static_cast<unsigned char>(c) >> 4];
                at[5] = hex[c & 0xf];
                at += 6;
            } else {
                *at++ = c;
            }
        }
    }
    *at++ = '"';
    m_at = at;
}

} // namespace herald
