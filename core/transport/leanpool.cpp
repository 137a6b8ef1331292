#include "transport/leanpool.h"

#include "transport/leanconnection.h"

#include <algorithm>

namespace herald {

LeanPool::LeanPool(int maxPerEndpoint, int maxTotal)
    : m_maxPerEndpoint(maxPerEndpoint)
    , m_maxTotal(maxTotal)
{
}

LeanConnection *LeanPool::take(const QByteArray &key)
{
    const auto found = m_idle.find(key);
    if (found == m_idle.end() || found->empty())
        return nullptr;
    LeanConnection *connection = found->back();
    found->pop_back();
    --m_total;
    return connection;
}

LeanConnection *LeanPool::put(LeanConnection *connection)
{
    std::vector<LeanConnection *> &idle = m_idle[connection->poolKey()];
    LeanConnection *evicted = nullptr;
    if (int(idle.size()) >= m_maxPerEndpoint || m_total >= m_maxTotal) {
        if (idle.empty())
            return connection; // the total is full of other endpoints' connections
        evicted = idle.front();
        idle.erase(idle.begin());
        --m_total;
    }
    idle.push_back(connection);
    ++m_total;
    return evicted;
}

bool LeanPool::remove(LeanConnection *connection)
{
    const auto found = m_idle.find(connection->poolKey());
    if (found == m_idle.end())
        return false;
    const auto position = std::find(found->begin(), found->end(), connection);
    if (position == found->end())
        return false;
    found->erase(position);
    --m_total;
    if (found->empty())
        m_idle.erase(found);
    return true;
}

} // namespace herald
