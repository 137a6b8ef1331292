#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <charconv>
#include <cstring>

namespace herald {

// The bytes of one compact JSON document, written through a cursor into a buffer sized once at
// the caller's estimate: the answer to every broadcast is written with it, and QByteArray's own
// append, number and char paths (each through QByteArray::insert in Qt 6.4) were most of its cost.
class CompactJsonWriter
{
public:
    explicit CompactJsonWriter(qsizetype estimate);

    // A run of bytes that needs no escaping: punctuation, keys with their quotes, "true".
    void raw(const char *text, size_t length)
    {
        ensure(length);
        std::memcpy(m_at, text, length);
        m_at += length;
    }
    template <size_t N> void literal(const char (&text)[N]) { raw(text, N - 1); }
    void raw(char c)
    {
        ensure(1);
        *m_at++ = c;
    }
    void boolean(bool value) { value ? literal("true") : literal("false"); }
    // As QByteArray::number (and QJsonDocument) write an integer.
    void number(qint64 value)
    {
        ensure(20);
        m_at = std::to_chars(m_at, m_at + 20, value).ptr;
    }
    // A JSON string from UTF-8 bytes, escaped as QJsonDocument escapes it.
    void string(QByteArrayView utf8);
    void string(const QString &text);

    // The document; the writer is empty afterwards. The buffer keeps its spare room, so a
    // trailing newline fits without another allocation.
    QByteArray take();

private:
    void ensure(size_t length)
    {
        if (size_t(m_end - m_at) < length)
            grow(length);
    }
    void grow(size_t length);
    void escaped(QByteArrayView utf8);

    QByteArray m_out;
    char *m_at = nullptr;
    char *m_end = nullptr;
};

} // namespace herald
