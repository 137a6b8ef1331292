#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace herald {

struct Profile;

// The {name} templating of a profile's path, header values and text body: which parameters it
// uses, and filling them in under the profile's declarations. "{{" is a literal "{".
class ProfileTemplate
{
public:
    // Distinct {name} parameters in path, header values and body, in order of first appearance.
    static QStringList parameters(const Profile &profile);
    // See Profile::fill.
    static bool fill(const Profile &profile, const QHash<QString, QString> &values, Profile *filled, QString *error);

    // Binary bodies and header values are never templates: decoding them to text would damage them.
    static bool isText(const QByteArray &bytes);
    // RFC 9110 forbids control characters in field values except horizontal tab.
    static bool hasControlCharacter(const QByteArray &value);
};

} // namespace herald
