#pragma once

#include "policy/statusrule.h"
#include "util/httpheaders.h"

#include <QList>
#include <QRegularExpression>
#include <QString>

namespace herald {

// What a target's answer to the check after a broadcast must show for the broadcast to count as
// verified there (purge verification). Written as clauses that must all hold, joined by ',' or ';':
//   status=RULE          the check's status matches a StatusRule of one term: 200, 2xx, 200-299, >=200
//   header:NAME          NAME is present
//   header:NAME=VALUE    NAME's value is exactly VALUE (case-sensitive, surrounding spaces ignored)
//   header:NAME~REGEX    NAME's value contains a match of the regular expression (unanchored, so a
//                        plain word is a substring test; ^...$ for the whole value)
//   absent:NAME          NAME is absent
//   age=0, age<=N        Age is absent or 0 (at most N): the object came from the origin just now
//   body-changed         the body's SHA-256 differs from a GET sent before the broadcast
// Names are case-insensitive. A value or expression cannot hold ',' or ';' (write \x2c in a REGEX).
class VerifyRule
{
public:
    // The grammar above in one line per clause, for --help and error messages.
    static QString grammar();
    // An empty text is an empty rule (no check); a clause that cannot be read is an error naming it.
    static VerifyRule parse(const QString &text, QString *error);

    bool isEmpty() const { return m_clauses.isEmpty(); }
    // body-changed needs the body as it was before the broadcast.
    bool needsBodyBefore() const { return m_needsBodyBefore; }
    QString toString() const { return m_text; }

    // Whether a check's answer satisfies every clause. *evidence receives the headers the rule
    // looked at as the answer had them (absent ones left out); *failure the first clause that failed.
    bool check(int status, const HttpHeaders &headers, const QByteArray &bodySha256, const QByteArray &bodySha256Before,
               HttpHeaders *evidence, QString *failure) const;

private:
    struct Clause
    {
        enum class Kind { Status, HeaderPresent, HeaderEquals, HeaderMatches, HeaderAbsent, AgeAtMost, BodyChanged };
        Kind kind = Kind::Status;
        QString text; // as written, for failures
        QByteArray name;
        QByteArray value;
        QRegularExpression pattern;
        StatusRule status;
        int age = 0;
    };

    static bool parseClause(const QString &text, Clause *clause, QString *problem);
    static bool holds(const Clause &clause, int status, const HttpHeaders &headers, const QByteArray &bodySha256,
                      const QByteArray &bodySha256Before, QString *failure);

    QList<Clause> m_clauses;
    QString m_text;
    bool m_needsBodyBefore = false;
};

} // namespace herald
