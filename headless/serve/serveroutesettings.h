#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QList>

namespace herald {

// The serve settings of routing by Host: the JSON routes file or RequestClone manifests, how
// route hosts become DNS names, the routes' default policy and the answer when no route matches.
class ServeRouteSettings
{
public:
    static QList<SettingsTable<ServeConfig>::Setting> rows();
};

} // namespace herald
