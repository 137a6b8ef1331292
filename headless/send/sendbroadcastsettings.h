#pragma once

#include "common/settingstable.h"
#include "send/sendconfig.h"

#include <QList>

namespace herald {

// The send settings that say how the broadcast runs and is reported: retries, timeouts, policy,
// header rules, concurrency, transport, output and history.
class SendBroadcastSettings
{
public:
    static QList<SettingsTable<SendConfig>::Setting> rows();
};

} // namespace herald
