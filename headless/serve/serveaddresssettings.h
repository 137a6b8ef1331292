#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QList>

namespace herald {

// The serve settings that say where it listens (broadcast port, admin port, probe prefix) and
// what it broadcasts to (static targets, DNS or SRV names).
class ServeAddressSettings
{
public:
    static QList<SettingsTable<ServeConfig>::Setting> rows();
};

} // namespace herald
