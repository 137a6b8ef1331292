#include "policy/outcomepolicy.h"

#include <cmath>

namespace herald {

OutcomePolicy OutcomePolicy::parse(const QString &text, QString *error)
{
    OutcomePolicy policy;
    const QString value = text.trimmed().toLower();
    if (value == QLatin1String("all"))
        policy.kind = Kind::All;
    else if (value == QLatin1String("any"))
        policy.kind = Kind::Any;
    else if (value == QLatin1String("first"))
        policy.kind = Kind::First;
    else if (value == QLatin1String("async"))
        policy.kind = Kind::Async;
    else if (value.startsWith(QLatin1String("quorum="))) {
        policy.kind = Kind::Quorum;
        QString amount = value.mid(7);
        bool ok = false;
        if (amount.endsWith(QLatin1Char('%'))) {
            amount.chop(1);
            policy.quorumFraction = amount.toDouble(&ok) / 100.0;
            ok = ok && policy.quorumFraction > 0 && policy.quorumFraction <= 1;
        } else if (amount.contains(QLatin1Char('.'))) {
            policy.quorumFraction = amount.toDouble(&ok);
            ok = ok && policy.quorumFraction > 0 && policy.quorumFraction <= 1;
        } else {
            policy.quorumCount = amount.toInt(&ok);
            ok = ok && policy.quorumCount >= 1;
        }
        if (!ok) {
            if (error)
                *error = QStringLiteral("'%1': quorum takes a count (quorum=2), a fraction (quorum=0.5) or a percentage (quorum=50%)")
                             .arg(text);
            return {};
        }
    } else {
        if (error)
            *error = QStringLiteral("'%1' is not a policy; use all, any, first, async or quorum=N").arg(text);
        return {};
    }
    return policy;
}

QString OutcomePolicy::toString() const
{
    switch (kind) {
    case Kind::All:
        return QStringLiteral("all");
    case Kind::Any:
        return QStringLiteral("any");
    case Kind::First:
        return QStringLiteral("first");
    case Kind::Async:
        return QStringLiteral("async");
    case Kind::Quorum:
        if (quorumCount > 0)
            return QStringLiteral("quorum=%1").arg(quorumCount);
        return QStringLiteral("quorum=%1%").arg(quorumFraction * 100);
    }
    return {};
}

int OutcomePolicy::required(int total) const
{
    switch (kind) {
    case Kind::All:
    case Kind::Async:
        return total;
    case Kind::Any:
    case Kind::First:
        return 1;
    case Kind::Quorum:
        if (quorumCount > 0)
            return quorumCount;
        return static_cast<int>(std::ceil(quorumFraction * total - 1e-9));
    }
    return total;
}

bool OutcomePolicy::isMet(int succeeded, int total) const
{
    // An empty target set never counts as success, whatever the policy.
    return total > 0 && succeeded >= required(total);
}

bool OutcomePolicy::isSuccessStatus(int status) const
{
    if (kind == Kind::First)
        return status >= 200 && status < 300;
    return status >= 100 && status < 400;
}

} // namespace herald
