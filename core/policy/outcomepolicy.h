#pragma once

#include <QString>

namespace herald {

// How per-target results combine into the broadcast's verdict.
struct OutcomePolicy
{
    enum class Kind { All, Any, Quorum, First, Async };

    Kind kind = Kind::All;
    int quorumCount = 0;       // quorum=N
    double quorumFraction = 0; // quorum=0.5 or quorum=50%

    // Accepts all, any, first, async, quorum=N, quorum=0.F, quorum=P%.
    static OutcomePolicy parse(const QString &text, QString *error);
    QString toString() const;
    // Successes needed among `total` targets for the policy to be met.
    int required(int total) const;
    bool isMet(int succeeded, int total) const;
};

} // namespace herald
