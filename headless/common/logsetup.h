#pragma once

#include <QString>

namespace herald {

// Installs the process-wide log format (text, JSON lines, or JSON lines with fluentd's keys) and level for the headless faces.
class LogSetup
{
public:
    static void install(const QString &format, const QString &level);
};

} // namespace herald
