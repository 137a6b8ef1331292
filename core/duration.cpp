#include "duration.h"

#include <QRegularExpression>

#include <cmath>

namespace herald {

bool parseDuration(const QString &text, int *ms, QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch()) {
        if (error)
            *error = QStringLiteral("'%1' is not a duration; use forms like 500ms, 2s, 1.5s, 1m or a number of seconds").arg(text);
        return false;
    }
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    const double factor = unit == QLatin1String("ms") ? 1.0
                          : unit == QLatin1String("m") ? 60000.0
                          : unit == QLatin1String("h") ? 3600000.0
                                                       : 1000.0;
    const double result = std::round(value * factor);
    if (result > 24.0 * 3600000.0) {
        if (error)
            *error = QStringLiteral("'%1' is longer than a day").arg(text);
        return false;
    }
    *ms = static_cast<int>(result);
    return true;
}

QString formatDuration(int ms)
{
    if (ms != 0 && ms % 60000 == 0)
        return QStringLiteral("%1m").arg(ms / 60000);
    if (ms % 1000 == 0)
        return QStringLiteral("%1s").arg(ms / 1000);
    return QStringLiteral("%1ms").arg(ms);
}

} // namespace herald
