#include "compat/compatmodes.h"

#include "compat/broadcastercompat.h"
#include "compat/fanoutcompat.h"
#include "compat/httpbroadcastcompat.h"
#include "compat/k8sreqduplicatorcompat.h"
#include "compat/redtentaclecompat.h"

#include <algorithm>

namespace herald {

namespace {

CompatChoice chosen(const CompatMode &mode, const QString &reason, const QHash<QString, QString> &environment)
{
    CompatChoice choice;
    choice.name = mode.name;
    choice.reason = reason;
    choice.defaults = mode.defaults;
    choice.summary = mode.summary;
    for (const QString &variable : mode.ignoredVariables) {
        if (environment.contains(variable))
            choice.ignoredVariables.append(variable);
    }
    return choice;
}

} // namespace

const QList<CompatMode> &CompatModes::all()
{
    static const QList<CompatMode> modes{BroadcasterCompat::mode(), HttpBroadcastCompat::mode(), K8sReqDuplicatorCompat::mode(),
                                         RedTentacleCompat::mode(), FanOutCompat::mode()};
    return modes;
}

QStringList CompatModes::names()
{
    QStringList list;
    for (const CompatMode &mode : all())
        list.append(mode.name);
    list.append(QStringLiteral("none"));
    return list;
}

QString CompatModes::choose(const QString &explicitName, const QHash<QString, QString> &environment, CompatChoice *choice)
{
    *choice = CompatChoice();
    const QString name = explicitName.trimmed().toLower();
    if (name == QLatin1String("none")) {
        choice->reason = QStringLiteral("HERALD_COMPAT=none");
        return {};
    }
    if (!name.isEmpty() && name != QLatin1String("auto")) {
        const auto found = std::find_if(all().cbegin(), all().cend(), [&](const CompatMode &mode) { return mode.name == name; });
        if (found == all().cend())
            return QStringLiteral("HERALD_COMPAT: '%1' is not a mode; expected auto, %2")
                .arg(explicitName, names().join(QStringLiteral(", ")));
        *choice = chosen(*found, QStringLiteral("HERALD_COMPAT=%1").arg(name), environment);
        return {};
    }
    // Automatic: the seed whose variables are there. Variables of two seeds at once are a
    // deployment nobody can guess the meaning of, so the start stops and says which.
    QStringList evidence;
    const CompatMode *detected = nullptr;
    for (const CompatMode &mode : all()) {
        QStringList present;
        for (const QString &variable : mode.detectingVariables) {
            if (environment.contains(variable))
                present.append(variable);
        }
        if (present.isEmpty())
            continue;
        evidence.append(QStringLiteral("%1 (%2)").arg(present.join(QStringLiteral(", ")), mode.name));
        if (detected == nullptr) {
            detected = &mode;
            choice->reason = QStringLiteral("%1 %2 set")
                                 .arg(present.join(QStringLiteral(", ")),
                                      present.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"));
        }
    }
    if (evidence.size() > 1)
        return QStringLiteral("HERALD_COMPAT: the environment holds variables of several seeds: %1; set HERALD_COMPAT "
                              "to one of them, or to none")
            .arg(evidence.join(QStringLiteral("; ")));
    if (detected != nullptr)
        *choice = chosen(*detected, choice->reason, environment);
    return {};
}

QString CompatModes::announcement(const CompatChoice &choice)
{
    if (choice.name == QLatin1String("none"))
        return {};
    return QStringLiteral("behaving as %1 (%2): %3; HERALD_COMPAT=none turns this off")
        .arg(choice.name, choice.reason, choice.summary.isEmpty() ? QStringLiteral("its seed's variables") : choice.summary);
}

} // namespace herald
