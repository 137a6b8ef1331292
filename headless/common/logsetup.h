#pragma once

#include <QString>

namespace herald {

// Installs the process-wide log format (text or JSON lines) and level for the headless faces.
class LogSetup
{
public:
    static void install(const QString &format, const QString &level);
};

} // namespace herald
