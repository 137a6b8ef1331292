#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QList>

namespace herald {

// The serve settings that shape which requests are broadcast and what the caller gets back
// beside the broadcast: the one broadcast path, each target's URL, request ids, local health
// and version endpoints, metrics on or off, and the echo answer.
class ServeRequestSettings
{
public:
    static QList<SettingsTable<ServeConfig>::Setting> rows();
};

} // namespace herald
