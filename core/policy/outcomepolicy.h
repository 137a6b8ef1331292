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
    // Whether an HTTP answer with `status` is a target's success: 2xx under first, whose winner
    // is the caller's answer (a redirect or an error page is not what the caller asked for);
    // 100-399 under the others, where a purge answered 301 still reached its backend.
    bool isSuccessStatus(int status) const;
};

} // namespace herald
