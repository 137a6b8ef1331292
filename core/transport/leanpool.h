#pragma once

#include <QByteArray>
#include <QHash>

#include <vector>

namespace herald {

class LeanConnection;

// The idle keep-alive connections of a lean transport, per endpoint (resolved address and
// port), handed out most recently used first: the newest is the least likely to have been
// closed by the backend's keep-alive timeout. Capped per endpoint and in total.
class LeanPool
{
public:
    LeanPool(int maxPerEndpoint, int maxTotal);
    LeanConnection *take(const QByteArray &key);
    // Keeps `connection` idle; returns the one that no longer fits (the oldest of its
    // endpoint, or `connection` itself), for the caller to close, or nullptr.
    LeanConnection *put(LeanConnection *connection);
    // Takes out an idle connection (one the peer closed); false when it was not idle here.
    bool remove(LeanConnection *connection);
    int idleCount() const { return m_total; }

private:
    QHash<QByteArray, std::vector<LeanConnection *>> m_idle; // oldest first
    int m_maxPerEndpoint;
    int m_maxTotal;
    int m_total = 0;
};

} // namespace herald
