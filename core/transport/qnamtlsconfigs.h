#pragma once

#include "targets/targettls.h"

#include <QHash>
#include <QSslConfiguration>

namespace herald {

// The QSslConfiguration for each distinct per-target TLS setting, built from its files once and
// then reused, so a request to an mTLS target costs a hash look-up, not a read of its PEM files.
class QnamTlsConfigs
{
public:
    // The configuration for `tls`; verification follows tls.verify, else `verifyPeer`.
    QSslConfiguration configurationFor(const TargetTls &tls, bool verifyPeer);

private:
    static QSslConfiguration build(const TargetTls &tls, bool verify);

    QHash<QString, QSslConfiguration> m_configs;
};

} // namespace herald
