#pragma once

#include "http/httpmessage.h"

#include <QByteArray>
#include <QString>

#include <cstddef>

struct MHD_Connection;

namespace herald {

struct HttpConnection;
class PendingRequest;

// One request and its answer on an HttpListener connection, from the request line to completion:
// assembles the HttpServerRequest from libmicrohttpd's parsed head and the body, and hands an
// answer back to libmicrohttpd to be sent.
struct HttpExchange
{
    // Made when MHD has the request line; `target` is the raw request-target in MHD's buffer.
    HttpExchange(quint64 id, MHD_Connection *connection, const char *target);

    // The head is complete: checks it and fills `request`; a refused head is answered at once.
    // False when MHD could not take the answer (it then closes the connection).
    bool begin(const char *method, const char *version, int maxHeaderBytes, qint64 maxBodyBytes, bool tls);
    // A piece of the body; past `maxBodyBytes` the rest is dropped and overLimit set.
    void receiveBody(const char *data, size_t size, qint64 maxBodyBytes);
    // Queues `response` with MHD; while draining it carries Connection: close.
    bool send(const HttpServerResponse &response, bool draining);
    // Queues the answer that PendingRequest::respond() stored.
    bool sendAnswer(bool draining);
    // Queues Herald's own refusal: text/plain, the reason on one line, Connection: close.
    bool refuse(int status, const QString &reason);
    // While the handler works on the answer MHD leaves the connection alone.
    void suspend();
    void resume();
    // The exchange is over: its PendingRequest learns whether the client left first, and goes.
    void finish(bool completedOk);

    quint64 id = 0;
    MHD_Connection *connection = nullptr;
    HttpConnection *owner = nullptr;
    QByteArray target;              // the raw request-target, from the URI log callback
    const char *targetAt = nullptr; // where it sits in MHD's buffer, for the head check
    HttpServerRequest request;
    qint64 wireBytes = -1; // head and body as sent, where known exactly (not chunked): where the next request starts
    bool started = false;
    bool overLimit = false; // a chunked body passed the limit: bytes are dropped, 413 at the end
    bool inHandler = false;
    bool suspended = false;
    bool abandoned = false;
    bool answerReady = false;
    HttpServerResponse answer;
    PendingRequest *pending = nullptr;
};

} // namespace herald
