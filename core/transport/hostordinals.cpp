#include "transport/hostordinals.h"

namespace herald {

static constexpr int kMaxRememberedHosts = 65536;

int HostOrdinals::ordinalOf(const QUrl &url)
{
    const QString host = url.host() + QLatin1Char(':') + QString::number(url.port(0));
    const auto it = m_ordinals.constFind(host);
    if (it != m_ordinals.constEnd())
        return *it;
    if (m_ordinals.size() >= kMaxRememberedHosts)
        m_ordinals.clear();
    const int ordinal = int(m_ordinals.size());
    m_ordinals.insert(host, ordinal);
    return ordinal;
}

} // namespace herald
