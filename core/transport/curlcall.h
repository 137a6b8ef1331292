#pragma once

#include "transport/transport.h"

#include <QPointer>

struct curl_slist;
typedef void CURL;

namespace herald {

class CurlMulti;
class CurlTransport;

// One transfer on one of a CurlTransport's multi handles, seen through the TransportCall interface:
// the request's options on a pooled easy handle, the status line and headers as they come,
// the body kept up to bodyLimit and counted beyond it.
class CurlCall : public TransportCall
{
    Q_OBJECT
public:
    CurlCall(CurlTransport *transport, const TransportRequest &request, QObject *parent);
    ~CurlCall() override;
    void abort() override;

private:
    friend class CurlMulti;
    friend class CurlTransport;
    static size_t onHeaderLine(char *data, size_t size, size_t count, void *call);
    static size_t onBodyChunk(char *data, size_t size, size_t count, void *call);

    // Sets every option on `easy`, which the transport has just taken from its pool.
    void configure(CURL *easy, bool verifyPeer);
    // The target's own TLS options; only called for a request that has them.
    void configureTls(CURL *easy, const TargetTls &tls);
    void readStatusLine(QByteArrayView line);
    // Called once curl is done with the transfer; emits finished().
    void complete(int curlCode);
    // Gives the easy handle back to the pool (or frees it when the transport is gone).
    void releaseHandle();
    void detach();

    QPointer<CurlTransport> m_transport;
    QPointer<CurlMulti> m_multi; // set while the transfer is on it
    CURL *m_easy = nullptr;
    curl_slist *m_headerList = nullptr;
    curl_slist *m_connectTo = nullptr; // the real address when the URL carries the TLS server name
    TransportRequest m_request;        // owns the URL and body bytes curl points into
    QByteArray m_url;
    TransportResponse m_response;
    char m_errorText[256] = {};
    bool m_ended = false; // finished() emitted or aborted: nothing more happens
};

} // namespace herald
