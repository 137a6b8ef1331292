#include "broadcast/compactjsonwriter.h"

#include <algorithm>

namespace herald {

namespace {

bool needsEscape(QByteArrayView utf8)
{
    for (const char c : utf8) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
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
