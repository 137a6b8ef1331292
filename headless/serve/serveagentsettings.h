#pragma once

#include "serve/serveconfig.h"

#include <QHash>
#include <QString>

namespace herald {

// The relay agent that `herald serve` runs beside its publisher (HERALD_RELAY_ENDPOINT): its
// settings are herald relay's own table read over the same environment, with the Redis URL,
// stream and timeout taken from the publisher, so the two can never read different streams.
class ServeAgentSettings
{
public:
    // Fills config->agent; "" or an error naming the variable.
    static QString load(const QHash<QString, QString> &environment, ServeConfig *config);
};

} // namespace herald
