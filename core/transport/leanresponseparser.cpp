#include "transport/leanresponseparser.h"

namespace herald {

static constexpr qsizetype kHeadersReserved = 12; // an nginx or Varnish answer has 5-10

static LeanResponseParser *self(llhttp_t *parser)
{
    return static_cast<LeanResponseParser *>(parser->data);
}

// The length first: most names differ in it, and qstrnicmp is only reached by a likely match.
static bool isKept(const QByteArrayList &names, QByteArrayView name)
{
    for (const QByteArray &kept : names) {
        if (kept.size() == name.size() && qstrnicmp(kept.constData(), kept.size(), name.data(), name.size()) == 0)
            return true;
    }
    return false;
}

void LeanResponseParser::Text::add(const char *data, size_t size)
{
    if (!isOwned && !at) {
        at = data;
        length = size;
        return;
    }
    keep();
    owned.append(data, qsizetype(size));
}

void LeanResponseParser::Text::keep()
{
    if (isOwned || !at)
        return;
    owned = QByteArray(at, qsizetype(length));
    isOwned = true;
    at = nullptr;
    length = 0;
}

QByteArrayView LeanResponseParser::Text::view() const
{
    return isOwned ? QByteArrayView(owned) : QByteArrayView(at, qsizetype(length));
}

QByteArray LeanResponseParser::Text::take(bool trim)
{
    const QByteArrayView text = trim ? view().trimmed() : view();
    QByteArray taken = isOwned && text.size() == owned.size() ? std::move(owned) : text.toByteArray();
    clear();
    return taken;
}

void LeanResponseParser::Text::clear()
{
    at = nullptr;
    length = 0;
    if (isOwned) {
        owned = QByteArray();
        isOwned = false;
    }
}

LeanResponseParser::LeanResponseParser()
{
    llhttp_settings_init(&m_settings);
    m_settings.on_status = &LeanResponseParser::onStatus;
    m_settings.on_status_complete = &LeanResponseParser::onStatusComplete;
    m_settings.on_header_field = &LeanResponseParser::onHeaderField;
    m_settings.on_header_field_complete = &LeanResponseParser::onHeaderFieldComplete;
    m_settings.on_header_value = &LeanResponseParser::onHeaderValue;
    m_settings.on_header_value_complete = &LeanResponseParser::onHeaderValueComplete;
    m_settings.on_headers_complete = &LeanResponseParser::onHeadersComplete;
    m_settings.on_body = &LeanResponseParser::onBody;
    m_settings.on_message_complete = &LeanResponseParser::onMessageComplete;
    reset(false, 0);
}

void LeanResponseParser::reset(bool headRequest, int bodyLimit, const QByteArrayList *keptHeaders)
{
    m_keptHeaders = keptHeaders;
    llhttp_init(&m_parser, HTTP_RESPONSE, &m_settings);
    m_parser.data = this;
    m_response = TransportResponse();
    m_reason.clear();
    m_field.clear();
    m_value.clear();
    m_dropValue = false;
    m_error.clear();
    m_headBytes = 0;
    m_bodyLimit = bodyLimit;
    m_headRequest = headRequest;
    m_interim = false;
    m_receivedAnything = false;
    m_complete = false;
    m_keepAlive = false;
}

LeanResponseParser::State LeanResponseParser::feed(const char *data, size_t size, size_t *consumed)
{
    *consumed = 0;
    if (m_complete)
        return State::Complete;
    if (!m_error.isEmpty())
        return State::Failed;
    if (size == 0)
        return State::NeedMore;
    m_receivedAnything = true;
    const llhttp_errno_t code = llhttp_execute(&m_parser, data, size);
    // A phrase, name or value this read ended inside is copied now: its bytes are the caller's.
    m_reason.keep();
    m_field.keep();
    m_value.keep();
    if (code == HPE_OK) {
        *consumed = size;
        return State::NeedMore;
    }
    if (code == HPE_PAUSED || code == HPE_PAUSED_UPGRADE) {
        *consumed = size_t(llhttp_get_error_pos(&m_parser) - data);
        if (code == HPE_PAUSED_UPGRADE) {
            m_complete = true; // 101 Switching Protocols: what follows is not HTTP/1.1
            m_keepAlive = false;
        }
        return State::Complete;
    }
    if (m_error.isEmpty())
        m_error = QStringLiteral("bad HTTP response: %1").arg(QString::fromLatin1(llhttp_get_error_reason(&m_parser)));
    return State::Failed;
}

LeanResponseParser::State LeanResponseParser::finish()
{
    if (m_complete)
        return State::Complete;
    if (!m_error.isEmpty() || !m_receivedAnything)
        return State::Failed;
    llhttp_finish(&m_parser); // completes a close-delimited body through onMessageComplete
    return m_complete ? State::Complete : State::Failed;
}

LeanResponseParser::State LeanResponseParser::fail(const QString &message)
{
    m_error = message;
    return State::Failed;
}

bool LeanResponseParser::countHead(size_t length)
{
    m_headBytes += length;
    if (m_headBytes <= size_t(kMaxHeadBytes))
        return true;
    fail(QStringLiteral("response head over %1 KiB").arg(kMaxHeadBytes / 1024));
    return false;
}

int LeanResponseParser::onStatus(llhttp_t *parser, const char *at, size_t length)
{
    LeanResponseParser *p = self(parser);
    if (!p->countHead(length))
        return HPE_USER;
    p->m_reason.add(at, length);
    return HPE_OK;
}

int LeanResponseParser::onStatusComplete(llhttp_t *parser)
{
    LeanResponseParser *p = self(parser);
    // "OK" is shared static data, not one allocation per answer; any other phrase is copied once.
    if (p->m_reason.view() == QByteArrayView("OK")) {
        p->m_response.reason = QByteArrayLiteral("OK");
        p->m_reason.clear();
    } else {
        p->m_response.reason = p->m_reason.take(false);
    }
    return HPE_OK;
}

int LeanResponseParser::onHeaderField(llhttp_t *parser, const char *at, size_t length)
{
    LeanResponseParser *p = self(parser);
    if (!p->countHead(length))
        return HPE_USER;
    p->m_field.add(at, length);
    return HPE_OK;
}

int LeanResponseParser::onHeaderFieldComplete(llhttp_t *parser)
{
    // Judged where it lies: a header that is not kept is never copied, nor is its value.
    LeanResponseParser *p = self(parser);
    p->m_dropValue = p->m_keptHeaders && !isKept(*p->m_keptHeaders, p->m_field.view().trimmed());
    if (p->m_dropValue)
        p->m_field.clear();
    return HPE_OK;
}

int LeanResponseParser::onHeaderValue(llhttp_t *parser, const char *at, size_t length)
{
    LeanResponseParser *p = self(parser);
    if (!p->countHead(length))
        return HPE_USER;
    if (!p->m_dropValue)
        p->m_value.add(at, length);
    return HPE_OK;
}

int LeanResponseParser::onHeaderValueComplete(llhttp_t *parser)
{
    // Trailers after a chunked body land here too and join the headers, as with curl.
    LeanResponseParser *p = self(parser);
    if (!p->countHead(4)) // ": " and CRLF, once per header whatever the reads' sizes
        return HPE_USER;
    if (p->m_dropValue) {
        p->m_dropValue = false;
        return HPE_OK;
    }
    if (p->m_response.headers.isEmpty())
        p->m_response.headers.reserve(kHeadersReserved);
    p->m_response.headers.append({p->m_field.take(true), p->m_value.take(true)});
    return HPE_OK;
}

int LeanResponseParser::onHeadersComplete(llhttp_t *parser)
{
    LeanResponseParser *p = self(parser);
    const int status = int(parser->status_code);
    if (status < 100) {
        p->fail(QStringLiteral("bad HTTP response: status %1").arg(status));
        return -1;
    }
    p->m_response.status = status;
    p->m_interim = status >= 100 && status < 200 && status != 101;
    // 1: no body, whatever Content-Length announces: the answer to a HEAD, 204, 304 and 1xx
    // (after a 101 the stream is another protocol's; the connection is not reused).
    const bool bodiless = p->m_headRequest || status == 204 || status == 304 || status < 200;
    return bodiless ? 1 : 0;
}

int LeanResponseParser::onBody(llhttp_t *parser, const char *at, size_t length)
{
    LeanResponseParser *p = self(parser);
    TransportResponse &response = p->m_response;
    response.bodyBytes += qint64(length);
    const qint64 room = qint64(p->m_bodyLimit) - response.body.size();
    if (room <= 0)
        return HPE_OK;
    const qsizetype kept = qsizetype(qMin<qint64>(room, qint64(length)));
    // The first piece (mostly the whole body) built at its size; QByteArray::append on an empty
    // array goes through Qt 6.4's insert.
    if (response.body.isEmpty())
        response.body = QByteArray(at, kept);
    else
        response.body.append(at, kept);
    return HPE_OK;
}

int LeanResponseParser::onMessageComplete(llhttp_t *parser)
{
    LeanResponseParser *p = self(parser);
    if (p->m_interim) {
        // 100 Continue, 103 Early Hints...: the final answer follows on the same stream.
        p->m_interim = false;
        p->m_response = TransportResponse();
        return HPE_OK;
    }
    p->m_complete = true;
    p->m_keepAlive = llhttp_should_keep_alive(parser) != 0 && !parser->upgrade && parser->status_code != 101;
    return HPE_PAUSED; // stop at the end of this answer
}

} // namespace herald
