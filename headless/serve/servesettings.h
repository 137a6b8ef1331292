#pragma once

#include "common/settingstable.h"
#include "serve/serveconfig.h"

#include <QHash>
#include <QStringList>

class QCommandLineParser;

namespace herald {

// The one table of `herald serve` settings: canonical HERALD_* names, the seeds' aliases,
// the config-file key and flag of each. Parsing, --help and --print-config all read it, so an
// error always names the variable the user actually set. The rows live by theme in
// ServeAddressSettings, ServeBroadcastSettings and ServeLimitSettings; the mechanism is SettingsTable.
class ServeSettings
{
public:
    using Setting = SettingsTable<ServeConfig>::Setting;

    static const QList<Setting> &table();
    static void addOptions(QCommandLineParser &parser);
    // File, then environment, then flags; returns "" or an error naming the variable and the accepted form.
    static QString load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, ServeConfig *config);
    static QString printConfig(const ServeConfig &config);
};

} // namespace herald
