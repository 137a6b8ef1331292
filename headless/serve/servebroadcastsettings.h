#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QList>

namespace herald {

// The serve settings that say how each broadcast is sent: retries, timeouts, policy, headers,
// concurrency, transport and circuit breaker.
class ServeBroadcastSettings
{
public:
    static QList<SettingsTable<ServeConfig>::Setting> rows();
};

} // namespace herald
