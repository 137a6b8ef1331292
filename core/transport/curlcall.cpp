#include "transport/curlcall.h"

#include "transport/curlmulti.h"
#include "transport/curltransport.h"

#include <curl/curl.h>

static_assert(CURL_ERROR_SIZE <= 256, "CurlCall::m_errorText is too small for curl's error buffer");

namespace herald {

static TransportError mapError(CURLcode code)
{
    switch (code) {
    case CURLE_OK:
        return TransportError::None;
    case CURLE_OPERATION_TIMEDOUT:
        return TransportError::Timeout;
    case CURLE_COULDNT_CONNECT:
        return TransportError::Refused;
    case CURLE_COULDNT_RESOLVE_HOST:
        return TransportError::HostNotFound;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
        return TransportError::Tls;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return TransportError::ConnectionClosed;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return TransportError::Protocol;
    default:
        return TransportError::Other;
    }
}

// curl adds these when the request does not name them; a broadcast forwards what the client
// sent and nothing more, so an empty "Name:" entry tells curl to leave them out.
static void suppressCurlDefaults(const TransportRequest &request, curl_slist **list)
{
    if (!hasHeader(request.headers, "Accept"))
        *list = curl_slist_append(*list, "Accept:");
    if (!hasHeader(request.headers, "Content-Type"))
        *list = curl_slist_append(*list, "Content-Type:"); // curl's form type for POSTFIELDS
    *list = curl_slist_append(*list, "Expect:");           // no 100-continue round trip on big bodies
}

CurlCall::CurlCall(CurlTransport *transport, const TransportRequest &request, QObject *parent)
    : TransportCall(parent)
    , m_transport(transport)
    , m_request(request)
    , m_url(request.url().toEncoded())
{
}

CurlCall::~CurlCall()
{
    abort();
}

void CurlCall::abort()
{
    m_ended = true;
    if (m_multi && m_easy)
        m_multi->remove(this);
    m_multi = nullptr;
    releaseHandle();
}

void CurlCall::releaseHandle()
{
    CURL *easy = m_easy;
    detach();
    if (!easy)
        return;
    if (m_transport)
        m_transport->releaseHandle(easy);
    else
        curl_easy_cleanup(easy);
}

void CurlCall::detach()
{
    m_easy = nullptr;
    curl_slist_free_all(m_headerList);
    m_headerList = nullptr;
    curl_slist_free_all(m_connectTo);
    m_connectTo = nullptr;
}

void CurlCall::configure(CURL *easy, bool verifyPeer)
{
    m_easy = easy;
    for (const HttpHeader &header : qAsConst(m_request.headers)) {
        // "Name;" is curl's spelling of a header sent with an empty value.
        const QByteArray line = header.second.isEmpty() ? header.first + ';' : header.first + ": " + header.second;
        m_headerList = curl_slist_append(m_headerList, line.constData());
    }
    suppressCurlDefaults(m_request, &m_headerList);

    curl_easy_setopt(easy, CURLOPT_PRIVATE, this);
    curl_easy_setopt(easy, CURLOPT_URL, m_url.constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L); // the path goes out byte for byte as the client sent it
    curl_easy_setopt(easy, CURLOPT_PROXY, "");      // never a proxy from the environment
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, m_headerList);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(m_request.timeoutMs));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(m_request.timeoutMs));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, m_errorText);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlCall::onHeaderLine);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlCall::onBodyChunk);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    const bool https = m_request.url().scheme() == QLatin1String("https");
    if (https && m_request.tls)
        configureTls(easy, *m_request.tls);
    const bool verify = https && m_request.tls ? m_request.tls->verifyPeer(verifyPeer) : verifyPeer;
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION,
                     !m_request.http2 ? long(CURL_HTTP_VERSION_1_1)
                     : https          ? long(CURL_HTTP_VERSION_2TLS)
                                      : long(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));

    if (m_request.method == "HEAD") {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L); // do not wait for the body Content-Length announces
    } else {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m_request.method.constData());
        if (m_request.sendBody || !m_request.body.isEmpty()) {
            // curl points into the shared bytes, which m_request keeps alive: no copy per target.
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(m_request.body.size()));
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, m_request.body.constData());
        }
    }
}

void CurlCall::configureTls(CURL *easy, const TargetTls &tls)
{
    // curl copies these strings. It reuses a connection only for a transfer with the same TLS
    // options, so targets with different certificates never share one.
    if (!tls.caFile.isEmpty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, tls.caFile.toLocal8Bit().constData());
    if (!tls.clientCertFile.isEmpty()) {
        curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.clientCertFile.toLocal8Bit().constData());
        curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!tls.clientKeyFile.isEmpty())
        curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.clientKeyFile.toLocal8Bit().constData());
    if (tls.serverName.isEmpty())
        return;
    // The Host header stays the target's: the header policy always sets it.
    m_url = tls.urlWithServerName(m_request.url()).toEncoded();
    m_connectTo = curl_slist_append(m_connectTo, tls.curlConnectTo(m_request.url()).constData());
    curl_easy_setopt(easy, CURLOPT_URL, m_url.constData());
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, m_connectTo);
}

size_t CurlCall::onHeaderLine(char *data, size_t size, size_t count, void *self)
{
    auto *call = static_cast<CurlCall *>(self);
    const size_t length = size * count;
    // A view until the parts are known: one allocation per name and per value, no more.
    const QByteArrayView line = QByteArrayView(data, qsizetype(length)).trimmed();
    if (line.startsWith("HTTP/")) {
        call->readStatusLine(line);
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        call->m_response.headers.append({line.first(colon).trimmed().toByteArray(), line.sliced(colon + 1).trimmed().toByteArray()});
    }
    return length;
}

void CurlCall::readStatusLine(QByteArrayView line)
{
    // A new status line starts a new answer: an interim 1xx is replaced by the final one.
    m_response.headers.clear();
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    m_response.reason = secondSpace < 0 ? QByteArray() : line.sliced(secondSpace + 1).toByteArray();
}

size_t CurlCall::onBodyChunk(char *data, size_t size, size_t count, void *self)
{
    auto *call = static_cast<CurlCall *>(self);
    const size_t length = size * count;
    TransportResponse &response = call->m_response;
    response.bodyBytes += qint64(length);
    const qint64 room = qint64(call->m_request.bodyLimit) - response.body.size();
    if (room > 0)
        response.body.append(data, qsizetype(qMin<qint64>(room, qint64(length))));
    return length;
}

void CurlCall::complete(int curlCode)
{
    if (m_ended)
        return;
    m_ended = true;
    const auto code = CURLcode(curlCode);
    long status = 0;
    if (m_easy)
        curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &status);
    m_multi = nullptr;
    // Back to the pool before finished(): a slot may start the next attempt with it.
    releaseHandle();
    if (code == CURLE_OK && status > 0) {
        m_response.status = int(status);
    } else {
        m_response.status = 0;
        m_response.headers.clear();
        m_response.error = code == CURLE_OK ? TransportError::Protocol : mapError(code);
        if (m_response.error == TransportError::Timeout)
            m_response.errorString = QStringLiteral("no complete answer within the attempt timeout");
        else if (code == CURLE_OK)
            m_response.errorString = QStringLiteral("answer without an HTTP status");
        else
            m_response.errorString = QString::fromUtf8(m_errorText[0] ? m_errorText : curl_easy_strerror(code));
    }
    deliver(m_response);
}

} // namespace herald
