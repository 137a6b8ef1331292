#include "util/duration.h"

#include <QRegularExpression>

#include <cmath>

namespace herald {

namespace {

constexpr double dayMs = 24.0 * 3600.0 * 1000.0;

const QString &acceptedForms()
{
    static const QString forms = QStringLiteral(
        "use forms like 500ms, 2s, 1.5s, 1m30s, 300us or a number of seconds (Go durations work too)");
    return forms;
}

bool durationError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

double unitMs(const QString &unit)
{
    if (unit == QLatin1String("ns"))
        return 1e-6;
    if (unit == QLatin1String("us") || unit == QStringLiteral("\u00b5s") || unit == QStringLiteral("\u03bcs"))
        return 1e-3;
    if (unit == QLatin1String("ms"))
        return 1.0;
    if (unit == QLatin1String("m"))
        return 60000.0;
    if (unit == QLatin1String("h"))
        return 3600000.0;
    return 1000.0; // "s" or no unit: a plain number is seconds
}

} // namespace

bool parseDuration(const QString &text, int *ms, QString *error)
{
    // [0-9], not \d: Qt's regular expressions are Unicode-aware and \d would let through
    // digits that toDouble() cannot read. A Go duration is a sequence of number-unit pairs
    // ("1h2m3.5s"); Herald's own forms are one pair, or a bare number of seconds.
    static const QRegularExpression number(QStringLiteral("^[0-9]+(?:\\.[0-9]*)?$|^\\.[0-9]+$"));
    static const QRegularExpression part(QStringLiteral("\\G([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(ns|us|\u00b5s|\u03bcs|ms|s|m|h)"));
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return durationError(error, QStringLiteral("empty duration; %1").arg(acceptedForms()));
    if (trimmed.startsWith(QLatin1Char('-')))
        return durationError(error, QStringLiteral("'%1' is negative; a duration is 0 or more").arg(text));
    const QString notDuration = QStringLiteral("'%1' is not a duration; %2").arg(text, acceptedForms());
    double value = 0;
    if (number.match(trimmed).hasMatch()) {
        value = trimmed.toDouble() * 1000.0;
    } else {
        qsizetype at = 0;
        while (at < trimmed.size()) {
            const QRegularExpressionMatch match = part.match(trimmed, at, QRegularExpression::NormalMatch,
                                                             QRegularExpression::AnchorAtOffsetMatchOption);
            if (!match.hasMatch())
                return durationError(error, notDuration);
            bool ok = false;
            const double amount = match.captured(1).toDouble(&ok);
            if (!ok)
                return durationError(error, notDuration);
            value += amount * unitMs(match.captured(2));
            at = match.capturedEnd(0);
        }
    }
    if (!std::isfinite(value) || value > dayMs)
        return durationError(error, QStringLiteral("'%1' is longer than a day").arg(text));
    // Herald counts in milliseconds. A non-zero duration under one ("300us", Go's spelling of a
    // tiny timeout) becomes 1ms: rounding it to 0 would quietly turn it into "no timeout".
    const double result = value > 0 && value < 1.0 ? 1.0 : std::round(value);
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
