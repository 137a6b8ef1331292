#pragma once

#include "compat/compatmode.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace herald {

// The outcome of choosing a mode: which one (none is a mode too), why, and what to warn about.
struct CompatChoice
{
    QString name = QStringLiteral("none");
    QString reason; // "HERALD_COMPAT=fanout", "BACKEND_SERVERS is set"
    QList<QPair<QString, QString>> defaults;
    QString summary;
    QStringList ignoredVariables; // set in the environment, meaningless to Herald
};

// Every seed's mode, and the choice between them: HERALD_COMPAT (or --compat) when given, else
// the one seed whose distinctive variables the environment holds.
class CompatModes
{
public:
    static const QList<CompatMode> &all();
    static QStringList names(); // every mode, then "none"
    // Returns "" or an error naming HERALD_COMPAT or the variables that point at two seeds.
    static QString choose(const QString &explicitName, const QHash<QString, QString> &environment, CompatChoice *choice);
    // The start-up line: "behaving as red-tentacle (BACKEND_SERVERS is set): policy first, …;
    // HERALD_COMPAT=none turns this off"; "" for none.
    static QString announcement(const CompatChoice &choice);
};

} // namespace herald
