#pragma once

#include "httpheaders.h"
#include "targetsourcespec.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace herald {

// A saved broadcast shared by every face: request, optional targets and settings. Paths, header
// values and bodies may hold {name} parameters filled at run time ("{{" is a literal brace).
struct Profile
{
    QString name;
    QString description;
    QByteArray method = "GET";
    QString path = QStringLiteral("/");
    HttpHeaders headers;
    QByteArray body;
    bool hasTargets = false;
    TargetSourceSpec targets;
    int retries = -1;   // -1: the face's default
    int timeoutMs = -1; // -1: the face's default
    QString policy;     // empty: the face's default
    QString retryOn;    // empty: the face's default

    static bool isValidName(const QString &name);
    // Validates every field; errors name the field: `field "retries": must be a whole number >= 0`.
    static bool fromJson(const QJsonObject &json, Profile *profile, QString *error);
    QJsonObject toJson() const;

    QStringList parameters() const;
    // Replaces every {name}; values in the path are percent-encoded. Missing and unknown values are errors.
    bool fill(const QHash<QString, QString> &values, Profile *filled, QString *error) const;
};

} // namespace herald
