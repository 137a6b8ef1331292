#pragma once

#include "targets/targetsourcespec.h"

#include <QJsonObject>
#include <QString>

namespace herald {

// A named set of targets (staging, prod-eu...) that profiles, the composer and `herald send
// --group` refer to by name: a static list, a DNS name or an SRV name, as a profile's "targets".
struct TargetGroup
{
    QString name;
    QString description;
    TargetSourceSpec targets;

    // The profile rule: 1 to 100 of [A-Za-z0-9._-], not "." or "..", so a name is a safe file name.
    static bool isValidName(const QString &name);
    // {"name", "description", "targets"}; errors name the field: `field "targets": ...`.
    // Unknown fields are errors. *group is untouched on error.
    static bool fromJson(const QJsonObject &json, TargetGroup *group, QString *error);
    QJsonObject toJson() const;
};

} // namespace herald
