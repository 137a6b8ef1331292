#pragma once

#include "transport/hostordinals.h"
#include "transport/transport.h"

#include <memory>
#include <vector>

typedef void CURL;

namespace herald {

class CurlCall;
class CurlMulti;

// Transport over libcurl's multi interface, driven by the Qt event loop. Built for the
// listener's hot path, where QNetworkAccessManager's cost per request (hundreds of µs of
// CPU) is the limit. Connections to every backend stay open across broadcasts.
//
// Backends are spread over several multi handles, up to kHostsPerMulti each: libcurl 7.88
// keeps a multi's connections and DNS entries in hash tables of 97 fixed slots, so one multi
// for 5,000 backends spent more per request the more backends there were.
class CurlTransport : public Transport
{
    Q_OBJECT
public:
    static constexpr int kHostsPerMulti = 256;

    explicit CurlTransport(QObject *parent = nullptr);
    // curl_global_init, once per process. The constructor calls it; call it first in the main
    // thread when transports are built in worker threads (createTransport does).
    static void initGlobal();
    ~CurlTransport() override;
    TransportCall *send(const TransportRequest &request, QObject *parent) override;

    // TLS peers are verified by default; this turns it off for self-signed backends.
    void setVerifyPeer(bool verify) { m_verifyPeer = verify; }
    bool verifyPeer() const { return m_verifyPeer; }
    // Transfers under way (answered and aborted calls are not counted).
    int activeCalls() const;
    int multiCount() const { return int(m_multis.size()); }

private:
    friend class CurlCall;
    CurlMulti *multiFor(const QUrl &url);
    CURL *takeHandle();
    void releaseHandle(CURL *easy);
    void failLater(CurlCall *call);

    std::vector<std::unique_ptr<CurlMulti>> m_multis;
    HostOrdinals m_hosts;              // backend n goes to m_multis[n / kHostsPerMulti]
    std::vector<CURL *> m_idleHandles; // reset and reused: easy_init allocates several KiB
    long m_maxIdleConnections = 4096;
    bool m_verifyPeer = true;
};

} // namespace herald
