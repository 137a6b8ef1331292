#pragma once

#include "common/settingstable.h"
#include "relay/relayconfig.h"

#include <QHash>

namespace herald {

// The one table of `herald relay` settings: HERALD_* names, the seeds' aliases (AGENT_ENDPOINT,
// HUB_TOPIC...), flags and config-file keys; --help, parsing, errors and --print-config come from it.
class RelaySettings
{
public:
    using Setting = SettingsTable<RelayConfig>::Setting;

    static const QList<Setting> &table();
    static void addOptions(QCommandLineParser &parser);
    // File, then environment, then flags; returns "" or an error naming the variable.
    static QString load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, RelayConfig *config);
    static QString printConfig(const RelayConfig &config);
};

} // namespace herald
