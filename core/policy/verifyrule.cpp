#include "policy/verifyrule.h"

#include <QRegularExpression>

namespace herald {

namespace {

bool fail(QString *problem, const QString &text)
{
    *problem = text;
    return false;
}

bool readName(const QString &text, QByteArray *name, QString *problem)
{
    *name = text.trimmed().toLatin1();
    if (!isHttpToken(*name))
        return fail(problem, name->isEmpty() ? QStringLiteral("a header name is missing")
                                             : QStringLiteral("'%1' is not a header name").arg(text.trimmed()));
    return true;
}

// The value a clause looks at: the first of that name, which is what a cache sends once.
const HttpHeader *findHeader(const HttpHeaders &headers, const QByteArray &name)
{
    for (const HttpHeader &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return &header;
    }
    return nullptr;
}

QString shown(const QByteArray &value)
{
    return QStringLiteral("'%1'").arg(QString::fromUtf8(value));
}

} // namespace

QString VerifyRule::grammar()
{
    return QStringLiteral("clauses joined by ',' or ';', all must hold: status=200 (or 2xx, 200-299, >=200), "
                          "header:NAME (present), header:NAME=VALUE (exact), header:NAME~REGEX (a match anywhere in the "
                          "value), absent:NAME, age=0 or age<=N (Age absent or at most N), body-changed");
}

VerifyRule VerifyRule::parse(const QString &text, QString *error)
{
    VerifyRule rule;
    rule.m_text = text.trimmed();
    static const QRegularExpression separators(QStringLiteral("[,;]"));
    for (const QString &part : rule.m_text.split(separators, Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty())
            continue;
        Clause clause;
        QString problem;
        if (!parseClause(part.trimmed(), &clause, &problem)) {
            if (error)
                *error = QStringLiteral("'%1': %2 (a rule is %3)").arg(part.trimmed(), problem, grammar());
            return {};
        }
        rule.m_needsBodyBefore = rule.m_needsBodyBefore || clause.kind == Clause::Kind::BodyChanged;
        rule.m_clauses.append(clause);
    }
    if (rule.m_clauses.isEmpty())
        rule.m_text.clear();
    return rule;
}

bool VerifyRule::parseClause(const QString &text, Clause *clause, QString *problem)
{
    using Kind = Clause::Kind;
    clause->text = text;
    const QString lower = text.toLower();
    if (lower == QLatin1String("body-changed")) {
        clause->kind = Kind::BodyChanged;
        return true;
    }
    if (lower.startsWith(QLatin1String("status="))) {
        clause->kind = Kind::Status;
        QString statusError;
        clause->status = StatusRule::parse(text.mid(7), &statusError);
        if (!statusError.isEmpty())
            return fail(problem, statusError);
        if (clause->status.toString().isEmpty() || clause->status.toString() == QLatin1String("none"))
            return fail(problem, QStringLiteral("status= needs a status such as 200 or 2xx"));
        return true;
    }
    if (lower.startsWith(QLatin1String("age"))) {
        const QString rest = lower.mid(3).trimmed();
        const bool atMost = rest.startsWith(QLatin1String("<="));
        if (!atMost && !rest.startsWith(QLatin1Char('=')))
            return fail(problem, QStringLiteral("write age=0 or age<=SECONDS"));
        bool ok = false;
        clause->kind = Kind::AgeAtMost;
        clause->age = rest.mid(atMost ? 2 : 1).trimmed().toInt(&ok);
        if (!ok || clause->age < 0)
            return fail(problem, QStringLiteral("the age is not a whole number of seconds >= 0"));
        if (!atMost && clause->age != 0)
            return fail(problem, QStringLiteral("age= takes only 0; write age<=%1 for at most %1 seconds").arg(clause->age));
        return true;
    }
    if (lower.startsWith(QLatin1String("absent:"))) {
        clause->kind = Kind::HeaderAbsent;
        return readName(text.mid(7), &clause->name, problem);
    }
    if (!lower.startsWith(QLatin1String("header:")))
        return fail(problem, QStringLiteral("unknown clause"));
    const QString rest = text.mid(7);
    const qsizetype operatorAt = rest.indexOf(QRegularExpression(QStringLiteral("[=~]")));
    if (!readName(operatorAt < 0 ? rest : rest.left(operatorAt), &clause->name, problem))
        return false;
    if (operatorAt < 0) {
        clause->kind = Kind::HeaderPresent;
        return true;
    }
    const QString value = rest.mid(operatorAt + 1).trimmed();
    if (rest.at(operatorAt) == QLatin1Char('=')) {
        clause->kind = Kind::HeaderEquals;
        clause->value = value.toUtf8();
        return true;
    }
    clause->kind = Kind::HeaderMatches;
    clause->pattern = QRegularExpression(value);
    if (value.isEmpty())
        return fail(problem, QStringLiteral("the regular expression after ~ is empty"));
    if (!clause->pattern.isValid())
        return fail(problem, QStringLiteral("not a regular expression: %1").arg(clause->pattern.errorString()));
    return true;
}

bool VerifyRule::check(int status, const HttpHeaders &headers, const QByteArray &bodySha256, const QByteArray &bodySha256Before,
                       HttpHeaders *evidence, QString *failure) const
{
    using Kind = Clause::Kind;
    bool verified = true;
    for (const Clause &clause : m_clauses) {
        const QByteArray name = clause.kind == Kind::AgeAtMost ? QByteArray("Age") : clause.name;
        if (!name.isEmpty() && evidence && !findHeader(*evidence, name)) {
            if (const HttpHeader *seen = findHeader(headers, name))
                evidence->append({name, seen->second});
        }
        QString why;
        if (verified && !holds(clause, status, headers, bodySha256, bodySha256Before, &why)) {
            verified = false;
            if (failure)
                *failure = QStringLiteral("%1: %2").arg(clause.text, why);
        }
    }
    return verified;
}

bool VerifyRule::holds(const Clause &clause, int status, const HttpHeaders &headers, const QByteArray &bodySha256,
                       const QByteArray &bodySha256Before, QString *failure)
{
    using Kind = Clause::Kind;
    const HttpHeader *header = findHeader(headers, clause.kind == Kind::AgeAtMost ? QByteArray("Age") : clause.name);
    switch (clause.kind) {
    case Kind::Status:
        if (clause.status.matches(status))
            return true;
        return fail(failure, QStringLiteral("the status is %1").arg(status));
    case Kind::HeaderPresent:
        return header || fail(failure, QStringLiteral("the header is absent"));
    case Kind::HeaderAbsent:
        return !header || fail(failure, QStringLiteral("the header is present, %1").arg(shown(header->second)));
    case Kind::HeaderEquals:
        if (!header)
            return fail(failure, QStringLiteral("the header is absent"));
        return header->second.trimmed() == clause.value
               || fail(failure, QStringLiteral("the value is %1").arg(shown(header->second)));
    case Kind::HeaderMatches:
        if (!header)
            return fail(failure, QStringLiteral("the header is absent"));
        return clause.pattern.match(QString::fromUtf8(header->second)).hasMatch()
               || fail(failure, QStringLiteral("the value is %1").arg(shown(header->second)));
    case Kind::AgeAtMost: {
        if (!header)
            return true;
        bool ok = false;
        const qint64 age = header->second.trimmed().toLongLong(&ok);
        return (ok && age <= clause.age) || fail(failure, QStringLiteral("Age is %1").arg(shown(header->second)));
    }
    case Kind::BodyChanged:
        if (bodySha256Before.isEmpty())
            return fail(failure, QStringLiteral("no body was read before the broadcast"));
        if (bodySha256.isEmpty())
            return fail(failure, QStringLiteral("no body was read after the broadcast"));
        return bodySha256 != bodySha256Before || fail(failure, QStringLiteral("the body is the same as before"));
    }
    return false;
}

} // namespace herald
