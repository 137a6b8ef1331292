#include "http/httpexchange.h"

#include "http/httpconnection.h"
#include "http/httpresponses.h"
#include "http/pendingrequest.h"
#include "http/requestheadcheck.h"

#include <QHostAddress>
#include <QList>
#include <QLoggingCategory>

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <utility>

namespace herald {

Q_DECLARE_LOGGING_CATEGORY(lcListener)

namespace {

quint16 portOf(const sockaddr *address)
{
    if (address->sa_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(address)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in *>(address)->sin_port);
}

MHD_Result collectField(void *cls, MHD_ValueKind, const char *name, size_t nameSize, const char *value, size_t valueSize)
{
    static_cast<QList<ParsedRequestHead::Field> *>(cls)->append({name, nameSize, value ? value : "", value ? valueSize : 0});
    return MHD_YES;
}

void freeBody(void *cls)
{
    delete static_cast<QByteArray *>(cls);
}

} // namespace

HttpExchange::HttpExchange(quint64 id, MHD_Connection *connection, const char *target)
    : id(id)
    , connection(connection)
    , owner(HttpConnection::of(connection))
    , target(target)
    , targetAt(target)
{
}

bool HttpExchange::begin(const char *method, const char *version, int maxHeaderBytes, qint64 maxBodyBytes, bool tls)
{
    started = true;
    if (owner)
        owner->readingHead = false;
    ParsedRequestHead head;
    head.start = method;
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE))
        head.size = info->header_size;
    head.targetAt = targetAt;
    head.target = target;
    head.version = version;
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &collectField, &head.fields);
    if (const HeadRefusal refusal = checkRequestHead(head, maxHeaderBytes, maxBodyBytes)) {
        qCDebug(lcListener).noquote() << "refused a request with" << refusal.status << refusal.reason;
        // Queued before the body is read: MHD reads none of it and closes after the answer.
        return refuse(refusal.status, refusal.reason);
    }
    request.method = method;
    request.pathAndQuery = target;
    request.version = version;
    request.tls = tls;
    request.headers.reserve(head.fields.size());
    for (const ParsedRequestHead::Field &field : std::as_const(head.fields)) {
        qsizetype valueSize = static_cast<qsizetype>(field.valueSize);
        while (valueSize > 0 && (field.value[valueSize - 1] == ' ' || field.value[valueSize - 1] == '\t'))
            --valueSize; // trailing whitespace is not part of a field value (RFC 9110 5.5)
        request.headers.append({QByteArray(field.name, static_cast<qsizetype>(field.nameSize)), QByteArray(field.value, valueSize)});
    }
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) {
        const QHostAddress peer(info->client_addr);
        bool mapped = false;
        const quint32 v4 = peer.toIPv4Address(&mapped); // dual-stack sockets see IPv4 clients as ::ffff:a.b.c.d
        request.peerAddress = mapped ? QHostAddress(v4) : peer;
        request.peerPort = portOf(info->client_addr);
    }
    const QByteArray length = headerValue(request.headers, "Content-Length");
    if (!length.isEmpty()) // within maxBodyBytes (checked); capped, as an announced body may never come
        request.body.reserve(static_cast<qsizetype>(qMin<qint64>(length.toLongLong(), 1024 * 1024)));
    if (!hasHeader(request.headers, "Transfer-Encoding"))
        wireBytes = static_cast<qint64>(head.size) + length.toLongLong();
    return true;
}

void HttpExchange::receiveBody(const char *data, size_t size, qint64 maxBodyBytes)
{
    if (overLimit)
        return;
    QByteArray &body = request.body;
    if (body.size() + static_cast<qint64>(size) > maxBodyBytes) {
        overLimit = true; // MHD cannot answer mid-upload: drop the rest, answer at its end
        body = QByteArray();
    } else {
        body.append(data, static_cast<qsizetype>(size));
    }
}

bool HttpExchange::sendAnswer(bool draining)
{
    answerReady = false;
    return send(std::exchange(answer, {}), draining);
}

bool HttpExchange::refuse(int status, const QString &reason)
{
    return send(HttpResponses::withHeader(HttpResponses::text(status, reason), "Connection", "close"), false);
}

bool HttpExchange::send(const HttpServerResponse &response, bool draining)
{
    int status = response.status;
    if (status < 200 || status > 599) {
        qCWarning(lcListener) << "handler answered with invalid status" << status << "- sending 500";
        status = 500;
    }
    // MHD sends straight from a copy of the QByteArray (shared, not duplicated) and frees it after.
    auto *body = new QByteArray(response.body);
    MHD_Response *reply = MHD_create_response_from_buffer_with_free_callback_cls(static_cast<size_t>(body->size()), body->data(),
                                                                                 &freeBody, body);
    if (!reply) {
        delete body;
        return false;
    }
    for (const HttpHeader &header : response.headers) {
        // MHD frames the body itself (and leaves it out for HEAD, 204 and 304).
        if (header.first.compare("Content-Length", Qt::CaseInsensitive) == 0
            || header.first.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            continue;
        if (MHD_add_response_header(reply, header.first.constData(), header.second.constData()) != MHD_YES)
            qCWarning(lcListener) << "libmicrohttpd refused response header" << header.first << "(control characters?)";
    }
    if (draining && !hasHeader(response.headers, "Connection"))
        MHD_add_response_header(reply, "Connection", "close"); // draining: do not invite another request
    const MHD_Result result = MHD_queue_response(connection, static_cast<unsigned int>(status), reply);
    MHD_destroy_response(reply);
    return result == MHD_YES;
}

void HttpExchange::suspend()
{
    MHD_suspend_connection(connection);
    suspended = true;
}

void HttpExchange::resume()
{
    suspended = false;
    MHD_resume_connection(connection);
}

void HttpExchange::finish(bool completedOk)
{
    if (!pending)
        return;
    pending->detach();
    if (!completedOk) {
        if (!pending->isAnswered() && !pending->isAbandoned())
            qCDebug(lcListener).noquote() << "client left before the answer to" << pending->request().method
                                          << pending->request().pathAndQuery;
        pending->markAbandoned();
    }
    // Deleted now, not with deleteLater() (a posted event, whose eventfd write and read cost two
    // system calls per request): this runs inside MHD_run(), which HttpListener::run() never enters
    // from a receiver's slot, and receivers hold the request through a QPointer.
    delete pending;
    pending = nullptr;
}

} // namespace herald
