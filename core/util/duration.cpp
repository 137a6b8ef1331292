#include "util/duration.h"

#include <QRegularExpression>

#include <cmath>

namespace herald {

namespace {

constexpr double dayMs = 24.0 * 3600.0 * 1000.0;

bool durationError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool parseDuration(const QString &text, int *ms, QString *error)
{
    // [0-9], not \d: Qt's regular expressions are Unicode-aware and \d would let through
    // digits that toDouble() cannot read.
    static const QRegularExpression pattern(QStringLiteral("^([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)\\s*(ms|s|m|h)?$"));
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return durationError(error, QStringLiteral("empty duration; use forms like 500ms, 2s, 1.5s, 1m or a number of seconds"));
    if (trimmed.startsWith(QLatin1Char('-')))
        return durationError(error, QStringLiteral("'%1' is negative; a duration is 0 or more").arg(text));
    const QRegularExpressionMatch match = pattern.match(trimmed);
    bool ok = false;
    const double value = match.hasMatch() ? match.captured(1).toDouble(&ok) : 0;
    if (!ok)
        return durationError(error,
                             QStringLiteral("'%1' is not a duration; use forms like 500ms, 2s, 1.5s, 1m or a number of seconds")
                                 .arg(text));
    const QString unit = match.captured(2);
    const double factor = unit == QLatin1String("ms")  ? 1.0
                          : unit == QLatin1String("m") ? 60000.0
                          : unit == QLatin1String("h") ? 3600000.0
                                                       : 1000.0;
    const double result = std::round(value * factor);
    if (result > dayMs)
        return durationError(error, QStringLiteral("'%1' is longer than a day").arg(text));
    // Rounding "0.1ms" to 0 would quietly turn a tiny timeout into "no timeout" for some callers.
    if (result == 0 && value > 0)
        return durationError(error, QStringLiteral("'%1' is less than a millisecond").arg(text));
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
