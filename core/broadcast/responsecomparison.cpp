#include "broadcast/responsecomparison.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonObject>

namespace herald {

namespace {

// Every occurrence of the header, joined as one field value (RFC 9110 5.3).
bool joinedHeader(const HttpHeaders &headers, const QByteArray &name, QByteArray *value)
{
    bool found = false;
    for (const HttpHeader &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        *value = found ? *value + ", " + header.second.trimmed() : header.second.trimmed();
        found = true;
    }
    return found;
}

} // namespace

QByteArrayList ResponseComparison::parseHeaderList(const QString &commaSeparated)
{
    QByteArrayList names;
    for (const QString &part : commaSeparated.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QByteArray name = part.trimmed().toLatin1();
        bool repeated = name.isEmpty();
        for (const QByteArray &known : names)
            repeated = repeated || known.compare(name, Qt::CaseInsensitive) == 0;
        if (!repeated)
            names.append(name);
    }
    return names;
}

ResponseComparison ResponseComparison::compare(const QList<TargetResult> &results, const QByteArrayList &headers)
{
    return compare(
        results.size(), [&results](qsizetype index) -> const TargetResult & { return results.at(index); }, headers);
}

ResponseComparison ResponseComparison::compare(qsizetype count, const TargetResultAt &resultAt, const QByteArrayList &headers)
{
    ResponseComparison comparison;
    // A hash of what decides a group (status or outcome, sizes, the compared headers, the body)
    // finds the candidate groups; the fields themselves, body included, decide among them. So
    // SHA-256 runs once per distinct answer, not per target, and nothing is built per target
    // when the fleet agrees: a result is first held against the group the previous one joined.
    constexpr int linearGroups = 16; // up to this many groups a scan of their signatures is cheaper than a QHash
    QHash<size_t, QList<int>> candidates;
    QList<size_t> signatures;  // per group
    QList<int> representative; // per group, the result whose body stands for it
    comparison.m_groupOf.fill(-1, count);
    const auto sameAnswer = [&](int candidate, const TargetResult &result, bool byOutcome, const HttpHeaders &compared) {
        const Group &known = comparison.m_groups.at(candidate);
        if (known.status != result.status || (byOutcome && known.outcome != result.outcome))
            return false;
        return byOutcome
               || (known.bodyBytes == result.responseBytes && known.headers == compared
                   && resultAt(representative.at(candidate)).responseBody == result.responseBody);
    };
    const auto join = [&](int group, qsizetype index) {
        comparison.m_groups[group].members.append(static_cast<int>(index));
        comparison.m_groupOf[index] = group;
    };
    int last = -1; // the group the previous result joined
    for (qsizetype i = 0; i < count; ++i) {
        const TargetResult &result = resultAt(i);
        if (!result.isDone())
            continue;
        // Without an HTTP answer there is nothing else to compare: the failure is the answer.
        const bool byOutcome = result.status == 0;
        HttpHeaders compared;
        if (!byOutcome) {
            for (const QByteArray &name : headers) {
                QByteArray value;
                // Absent and present-but-empty are different answers: only present ones are listed.
                if (joinedHeader(result.responseHeaders, name, &value))
                    compared.append({name, value});
            }
        }
        if (last >= 0 && sameAnswer(last, result, byOutcome, compared)) {
            join(last, i);
            continue;
        }
        size_t signature = qHashMulti(0, result.status, byOutcome ? static_cast<int>(result.outcome) : -1);
        if (!byOutcome) {
            signature = qHashMulti(signature, result.responseBytes, result.responseBody, compared.size());
            for (const HttpHeader &header : std::as_const(compared))
                signature = qHashMulti(signature, header.first, header.second);
        }
        int found = -1;
        if (signatures.size() <= linearGroups) {
            for (int group = 0; group < signatures.size() && found < 0; ++group) {
                if (signatures.at(group) == signature && sameAnswer(group, result, byOutcome, compared))
                    found = group;
            }
        } else {
            for (const int candidate : candidates.value(signature)) {
                if (found < 0 && sameAnswer(candidate, result, byOutcome, compared))
                    found = candidate;
            }
        }
        if (found < 0) {
            Group group;
            group.status = result.status;
            group.outcome = result.outcome;
            if (!byOutcome) {
                group.bodyBytes = result.responseBytes;
                group.headers = compared;
                group.bodySha256 = QCryptographicHash::hash(result.responseBody, QCryptographicHash::Sha256).toHex();
            }
            if (comparison.m_groups.isEmpty())
                group.members.reserve(count - i); // the fleet that agrees grows its one group without reallocating
            found = static_cast<int>(comparison.m_groups.size());
            comparison.m_groups.append(group);
            representative.append(static_cast<int>(i));
            signatures.append(signature);
            if (signatures.size() == linearGroups + 1) { // from here on, found through the hash
                for (int known = 0; known < signatures.size(); ++known)
                    candidates[signatures.at(known)].append(known);
            } else if (signatures.size() > linearGroups + 1) {
                candidates[signature].append(found);
            }
        }
        join(found, i);
        last = found;
    }
    return comparison;
}

int ResponseComparison::majorityGroup() const
{
    int majority = -1;
    for (int i = 0; i < m_groups.size(); ++i) {
        if (majority < 0 || m_groups.at(i).members.size() > m_groups.at(majority).members.size())
            majority = i;
    }
    return majority;
}

bool ResponseComparison::isOdd(int index) const
{
    const int group = groupOf(index);
    return group >= 0 && group != majorityGroup();
}

QStringList ResponseComparison::describe(const QList<TargetResult> &results) const
{
    QStringList lines;
    for (const Group &group : m_groups) {
        QStringList answer;
        if (group.status > 0) {
            answer << QString::number(group.status) << QStringLiteral("%1 bytes").arg(group.bodyBytes)
                   << QStringLiteral("sha256 %1").arg(QString::fromLatin1(group.bodySha256.left(12)));
            for (const HttpHeader &header : group.headers)
                answer << QStringLiteral("%1: %2").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
        } else {
            answer << targetOutcomeName(group.outcome);
        }
        QStringList targets;
        for (const int member : group.members)
            targets << results.at(member).target.baseUrl.toString();
        lines << QStringLiteral("%1 %2: %3: %4")
                     .arg(group.members.size())
                     .arg(group.members.size() == 1 ? QStringLiteral("target") : QStringLiteral("targets"),
                          answer.join(QStringLiteral(", ")), targets.join(QStringLiteral(", ")));
    }
    return lines;
}

QJsonArray ResponseComparison::toJson(const QList<TargetResult> &results) const
{
    QJsonArray array;
    for (const Group &group : m_groups) {
        QJsonArray targets;
        for (const int member : group.members)
            targets.append(results.at(member).target.baseUrl.toString());
        QJsonObject json{{QLatin1String("targets"), targets}};
        if (group.status > 0) {
            QJsonObject headers;
            for (const HttpHeader &header : group.headers)
                headers.insert(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
            json.insert(QLatin1String("status"), group.status);
            json.insert(QLatin1String("bodySha256"), QString::fromLatin1(group.bodySha256));
            json.insert(QLatin1String("bodyBytes"), group.bodyBytes);
            json.insert(QLatin1String("headers"), headers);
        } else {
            json.insert(QLatin1String("outcome"), targetOutcomeName(group.outcome));
        }
        array.append(json);
    }
    return array;
}

} // namespace herald
