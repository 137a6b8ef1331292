#pragma once

#include <QHash>
#include <QString>
#include <QUrl>

namespace herald {

// Numbers the backends (host:port) a transport sends to, 0, 1, 2... in the order first seen,
// so that each can be pinned to one curl multi handle or one worker thread and keep its
// connections there. Bounded: after 65,536 hosts (pods that came and went, for weeks) the
// numbering starts over and connections on the old assignment idle out.
class HostOrdinals
{
public:
    int ordinalOf(const QUrl &url);

private:
    QHash<QString, int> m_ordinals;
};

} // namespace herald
