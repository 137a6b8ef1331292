#include "policy/statusrule.h"

namespace herald {

static bool parseCode(const QString &text, int *code)
{
    bool ok = false;
    *code = text.toInt(&ok);
    return ok && *code >= 100 && *code <= 599;
}

StatusRule StatusRule::parse(const QString &text, QString *error)
{
    StatusRule rule;
    rule.m_text = text.trimmed();
    if (rule.m_text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 || rule.m_text.isEmpty())
        return rule;
    const QStringList parts = rule.m_text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString part : parts) {
        part = part.trimmed().toLower();
        int low = 0;
        int high = 0;
        bool valid = false;
        if (part.size() == 3 && part.endsWith(QLatin1String("xx"))) {
            const int hundreds = part.at(0).digitValue();
            valid = hundreds >= 1 && hundreds <= 5;
            low = hundreds * 100;
            high = low + 99;
        } else if (part.startsWith(QLatin1String(">="))) {
            valid = parseCode(part.mid(2), &low);
            high = 599;
        } else if (part.contains(QLatin1Char('-'))) {
            const QStringList bounds = part.split(QLatin1Char('-'));
            valid = bounds.size() == 2 && parseCode(bounds.at(0), &low) && parseCode(bounds.at(1), &high) && low <= high;
        } else {
            valid = parseCode(part, &low);
            high = low;
        }
        if (!valid) {
            if (error)
                *error = QStringLiteral("'%1' is not a status rule; use forms like 5xx, 429, 500-504, >=400 or none").arg(part);
            return {};
        }
        rule.m_ranges.append({low, high});
    }
    return rule;
}

bool StatusRule::matches(int status) const
{
    for (const auto &range : m_ranges) {
        if (status >= range.first && status <= range.second)
            return true;
    }
    return false;
}

} // namespace herald
