#pragma once

#include "transport/leanresponseparser.h"

#include <QByteArray>

#include <cstdint>

namespace herald {

class LeanExchange;

// One non-blocking TCP connection of the lean transport: connect, one gather write per request,
// reads fed to the response parser. It watches itself in the transport's epoll set, for
// reading always (so a peer's close while idle arrives as an event) and for writing only while
// a connect or a write is unfinished.
class LeanConnection
{
public:
    enum class Progress { Pending, Complete, Failed };

    // A socket connecting to `address` (sockaddr bytes), in `epoll`; nullptr with *error (errno).
    static LeanConnection *open(int epoll, const QByteArray &address, int *error);
    ~LeanConnection();
    LeanConnection(const LeanConnection &) = delete;
    LeanConnection &operator=(const LeanConnection &) = delete;

    int fd() const { return m_fd; }
    const QByteArray &poolKey() const { return m_address; }
    // Has carried an answer before: a close before any byte of the next one may be stale reuse.
    bool wasReused() const { return m_answers > 0; }

    // Starts an exchange; the parts (QByteArrays, shared) go out in order as one gather write,
    // at once when connected. Failed when that write fails.
    // keptHeaders: as LeanResponseParser::reset; it must outlive the exchange.
    Progress begin(const QByteArray *const *parts, int count, bool headRequest, int bodyLimit,
                   const QByteArrayList *keptHeaders = nullptr);
    // Handles epoll events; `buffer` is the transport's read buffer.
    Progress onEvents(uint32_t events, char *buffer, size_t size);
    // After Complete: may the connection carry the next request?
    bool reusable() const;
    // After Failed.
    TransportError error() const { return m_error; }
    const QString &errorString() const { return m_errorString; }
    // After Failed: the connection closed or reset before any byte of the answer.
    bool closedBeforeAnswer() const { return m_closedBeforeAnswer; }
    LeanResponseParser &parser() { return m_parser; }

    LeanExchange *exchange = nullptr; // the exchange under way, nullptr while idle
    bool closed = false;              // closed, waiting to be freed once the current epoll batch ends

private:
    LeanConnection(int epoll, int fd, const QByteArray &address);
    Progress finishConnect();
    Progress write();
    Progress read(char *buffer, size_t size);
    Progress fail(TransportError error, const QString &message, bool beforeAnswer = false);
    void watchWrites(bool on);

    int m_epoll;
    int m_fd;
    QByteArray m_address;
    const QByteArray *m_parts[4] = {};
    int m_partCount = 0;
    size_t m_unsent = 0; // bytes of the parts not yet written
    size_t m_sent = 0;   // bytes of the parts written
    int m_answers = 0;
    bool m_connecting = true;
    bool m_watchingWrites = true;
    bool m_leftover = false; // bytes after the answer: not ours, the connection is not reused
    LeanResponseParser m_parser;
    TransportError m_error = TransportError::None;
    QString m_errorString;
    bool m_closedBeforeAnswer = false;
};

} // namespace herald
