#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QList>

namespace herald {

// The serve settings of what a caller gets back and what it may change at run time: the answer
// (summary or the winner's own), the winner's body limit, the target-update endpoint and who may
// use it without the admin token.
class ServeAnswerSettings
{
public:
    static QList<SettingsTable<ServeConfig>::Setting> rows();
};

} // namespace herald
