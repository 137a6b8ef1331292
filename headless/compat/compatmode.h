#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace herald {

// What `herald serve` does differently to stand in for one seed: the defaults under which that
// seed's callers see what its README promises. A mode only moves defaults: any variable the
// user sets (the seed's own names or HERALD_*) still wins, and none of Herald's fixes of the
// seed's bugs can be turned off by a mode.
struct CompatMode
{
    QString name;                   // the HERALD_COMPAT value
    QStringList detectingVariables; // any of these in the environment picks the mode automatically
    // HERALD_* setting → value, applied before the config file, the environment and the flags.
    QList<QPair<QString, QString>> defaults;
    QString summary; // for the start-up line: "policy first, host mode target, /-update-backends"
    // The seed's documented variables that mean nothing to Herald: named in one start-up warning
    // instead of being dropped silently.
    QStringList ignoredVariables;
};

} // namespace herald
