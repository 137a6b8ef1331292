#pragma once

#include "transport/transport.h"

#include <llhttp.h>

namespace herald {

// Reads one HTTP/1.1 response off a byte stream with llhttp: skips interim 1xx answers, knows
// which answers have no body (HEAD, 204, 304), keeps the body up to a limit and counts the
// rest, and says whether the connection may carry another request. Bad framing is an error
// value, never a crash.
class LeanResponseParser
{
public:
    static constexpr int kMaxHeadBytes = 64 * 1024; // status line and headers of one answer

    enum class State { NeedMore, Complete, Failed };

    LeanResponseParser();
    LeanResponseParser(const LeanResponseParser &) = delete;
    LeanResponseParser &operator=(const LeanResponseParser &) = delete;

    // Starts a new answer; headRequest: the answer to a HEAD has no body whatever it announces.
    // keptHeaders: the only header names (any case) kept in the response; null keeps them all.
    void reset(bool headRequest, int bodyLimit, const QByteArrayList *keptHeaders = nullptr);
    // Parses up to `size` bytes; stops at the end of the final answer. *consumed says how many
    // bytes were used; bytes after a complete answer are not this answer's.
    State feed(const char *data, size_t size, size_t *consumed);
    // The peer closed the connection: completes a body that runs to the close.
    State finish();

    bool receivedAnything() const { return m_receivedAnything; }
    bool isComplete() const { return m_complete; }
    // Only meaningful once complete: HTTP/1.0 without keep-alive, Connection: close and bodies
    // delimited by the close all end the connection.
    bool keepAlive() const { return m_keepAlive; }
    const QString &errorString() const { return m_error; }
    TransportResponse &response() { return m_response; }

private:
    // A status phrase, header name or value being read. While it arrives in one piece (nearly
    // always) it is only a view into the bytes feed() was given, judged and copied from there;
    // a read that ends inside it copies it into `owned`, which later pieces extend.
    struct Text
    {
        const char *at = nullptr;
        size_t length = 0;
        QByteArray owned;
        bool isOwned = false;

        void add(const char *data, size_t size);
        void keep(); // before feed() returns: the view's bytes are the caller's
        QByteArrayView view() const;
        QByteArray take(bool trim); // built at its exact size, once
        void clear();
    };

    static int onStatus(llhttp_t *parser, const char *at, size_t length);
    static int onStatusComplete(llhttp_t *parser);
    static int onHeaderField(llhttp_t *parser, const char *at, size_t length);
    static int onHeaderFieldComplete(llhttp_t *parser);
    static int onHeaderValue(llhttp_t *parser, const char *at, size_t length);
    static int onHeaderValueComplete(llhttp_t *parser);
    static int onHeadersComplete(llhttp_t *parser);
    static int onBody(llhttp_t *parser, const char *at, size_t length);
    static int onMessageComplete(llhttp_t *parser);
    bool countHead(size_t length);
    State fail(const QString &message);

    llhttp_t m_parser;
    llhttp_settings_t m_settings;
    TransportResponse m_response;
    Text m_reason;
    Text m_field;
    Text m_value;
    bool m_dropValue = false; // the header being read is not one of keptHeaders
    QString m_error;
    size_t m_headBytes = 0;
    int m_bodyLimit = 0;
    const QByteArrayList *m_keptHeaders = nullptr;
    bool m_headRequest = false;
    bool m_interim = false; // the answer being read is a 1xx before the final one
    bool m_receivedAnything = false;
    bool m_complete = false;
    bool m_keepAlive = false;
};

} // namespace herald
