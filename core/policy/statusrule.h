#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace herald {

// A set of HTTP status codes written as "5xx,429", ">=400", "500-599" or "none".
class StatusRule
{
public:
    static StatusRule parse(const QString &text, QString *error);
    bool matches(int status) const;
    QString toString() const { return m_text; }

private:
    QList<QPair<int, int>> m_ranges;
    QString m_text;
};

} // namespace herald
