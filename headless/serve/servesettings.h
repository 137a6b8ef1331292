#pragma once

#include "serve/serveconfig.h"

#include <QHash>
#include <QStringList>

#include <functional>

class QCommandLineParser;

namespace herald {

// The one table of `herald serve` settings: canonical HERALD_* names, the seeds' aliases,
// the config-file key and flag of each. Parsing, --help and --print-config all read it, so an
// error always names the variable the user actually set.
class ServeSettings
{
public:
    struct Setting
    {
        QString name;        // HERALD_* variable
        QStringList aliases; // seeds' variable names accepted as they are
        QString key;         // config-file key and --flag
        QString help;
        bool secret = false;
        std::function<QString(ServeConfig &, const QString &value)> apply; // returns an error or ""
        std::function<QString(const ServeConfig &)> show;
    };

    static const QList<Setting> &table();
    static void addOptions(QCommandLineParser &parser);
    // File, then environment, then flags; returns "" or an error naming the variable and the accepted form.
    static QString load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, ServeConfig *config);
    static QString printConfig(const ServeConfig &config);
};

} // namespace herald
