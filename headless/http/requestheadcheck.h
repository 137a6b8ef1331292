#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstddef>

namespace herald {

// Where libmicrohttpd left the pieces of one request head: pointers into its receive buffer, in
// which it replaced separators (the spaces of the request line, each colon, CR and LF) with NULs.
struct ParsedRequestHead
{
    struct Field
    {
        const char *name = nullptr;
        size_t nameSize = 0;
        const char *value = nullptr; // leading whitespace skipped, trailing whitespace kept
        size_t valueSize = 0;
    };

    const char *start = nullptr;    // the method's first byte: where the head begins
    size_t size = 0;                // bytes from there up to and including the blank line
    const char *targetAt = nullptr; // where the request-target began (MHD has cut it up since)
    QByteArray target;              // a copy taken by the URI log callback, before that
    const char *version = nullptr;
    QList<Field> fields;
};

// Why a head is refused: the status to answer and a reason for the client; status 0 means accepted.
struct HeadRefusal
{
    int status = 0;
    QString reason;
    explicit operator bool() const { return status != 0; }
};

// Checks a head libmicrohttpd accepted against what a forwarder must insist on and MHD 0.9.75 does
// not: every byte accounted for (a NUL or an obs-fold makes MHD truncate or mangle silently), tokens
// where RFC 9110 wants them, no control bytes, one unambiguous body framing, and the size limits.
HeadRefusal checkRequestHead(const ParsedRequestHead &head, qint64 maxHeadBytes, qint64 maxBodyBytes);

// Checks one request line (without its line end) for what libmicrohttpd 0.9.75 closes on without a
// word (no space, an empty method) or answers with its own HTML (no version, a malformed or
// unsupported one). What it lets through, MHD parses and checkRequestHead() checks further.
HeadRefusal checkRequestLine(const QByteArray &line);

} // namespace herald
