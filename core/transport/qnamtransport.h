#pragma once

#include "transport/qnamtlsconfigs.h"
#include "transport/transport.h"

class QNetworkAccessManager;

namespace herald {

// Transport over one long-lived QNetworkAccessManager, so keep-alive connections to each
// backend are reused across broadcasts. Redirects, cookies and proxies are turned off:
// a broadcaster reports what each backend said, it does not browse.
class QnamTransport : public Transport
{
    Q_OBJECT
public:
    explicit QnamTransport(QObject *parent = nullptr);
    TransportCall *send(const TransportRequest &request, QObject *parent) override;

    // TLS peers are verified by default; this turns it off for self-signed backends.
    void setVerifyPeer(bool verify) { m_verifyPeer = verify; }

private:
    QNetworkAccessManager *m_manager;
    QnamTlsConfigs m_tlsConfigs;
    bool m_verifyPeer = true;
};

} // namespace herald
