#pragma once

#include "store/profileparameter.h"
#include "targets/targetsourcespec.h"
#include "util/httpheaders.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace herald {

// A saved broadcast shared by every face: request, optional targets and settings. Paths, header
// values and text bodies may hold {name} parameters filled at run time; "{{" is a literal "{"
// (a lone "}" is always literal, so JSON bodies need no escaping).
struct Profile
{
    QString name;
    QString description;
    QByteArray method = "GET";
    QString path = QStringLiteral("/"); // starts with '/', may carry a query
    HttpHeaders headers;
    QByteArray body;
    bool hasTargets = false;
    TargetSourceSpec targets;
    QStringList groups;                         // "group": names of target groups, whose targets join `targets`
    int retries = -1;                           // -1: the face's default
    int timeoutMs = -1;                         // per attempt; -1: the face's default
    QString policy;                             // OutcomePolicy text; empty: the face's default
    QString retryOn;                            // StatusRule text; empty: the face's default
    QString verify;                             // VerifyRule text: the check after the broadcast; empty: none
    QList<ProfileParameter> declaredParameters; // "parameters": each names one used in path, headers or body

    // 1 to 100 of [A-Za-z0-9._-], not "." or "..": safe as a file name on every platform.
    static bool isValidName(const QString &name);
    // Validates every field; errors name the field: `field "retries": must be a whole number >= 0`.
    // Unknown fields are errors, so a typo never silently drops a setting. *profile is untouched on error.
    static bool fromJson(const QJsonObject &json, Profile *profile, QString *error);
    // Only the fields that are set; a body that is not UTF-8 is written as "bodyBase64".
    QJsonObject toJson() const;

    // Distinct {name} parameters in path, header values and body, in order of first appearance.
    QStringList parameters() const;
    // Replaces every {name}: percent-encoded in the path (all but unreserved characters), as-is in
    // headers and body. A missing or empty value takes the declared default, is kept when declared
    // allowEmpty, and is otherwise an error naming the parameter; so is a value that does not match
    // the declared pattern. Unknown values, a header value that would hold CR, LF or another control
    // character, and a value that would make a "." or ".." path segment are errors too.
    bool fill(const QHash<QString, QString> &values, Profile *filled, QString *error) const;
};

} // namespace herald
