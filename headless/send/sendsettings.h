#pragma once

#include "common/settingstable.h"
#include "send/sendconfig.h"

#include <QHash>

class QCommandLineParser;

namespace herald {

// The one table of `herald send` settings: every flag (with its short form), its value name and
// help, the variables send reads (HERALD_TARGETS, HERALD_NAMESERVER, HERALD_TRANSPORT) and the
// masks of secret headers; --help, parsing, errors and --print-config come from it.
class SendSettings
{
public:
    using Setting = SettingsTable<SendConfig>::Setting;

    static const QList<Setting> &table();
    // Call after the parser's application description is set (env-only rows are listed after it).
    static void addOptions(QCommandLineParser &parser);
    // Environment, then flags; returns "" or an error naming the flag or variable.
    static QString load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, SendConfig *config);
    static QString printConfig(const SendConfig &config);
};

} // namespace herald
