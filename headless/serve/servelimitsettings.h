#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QList>

namespace herald {

// The serve settings that bound and guard the listener: body, head and connection limits,
// in-flight caps, drain, TLS, tokens, allowed clients and CORS origins.
class ServeLimitSettings
{
public:
    static QList<SettingsTable<ServeConfig>::Setting> rows();
};

} // namespace herald
