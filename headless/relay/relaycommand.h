#pragma once

#include <QStringList>

namespace herald {

// `herald relay`: runs a RelayAgent that replays the Redis stream to local endpoints, with an
// optional admin port for /healthz and /metrics.
class RelayCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace herald
