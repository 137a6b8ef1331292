#include "send/sendbroadcastsettings.h"

#include "broadcast/responsecomparison.h"
#include "common/settingvalues.h"
#include "util/duration.h"

namespace herald {

namespace {

using C = SendConfig;
using Table = SettingsTable<SendConfig>;

template <typename T> QString fromParse(std::optional<T> *out, const QString &value, T (*parse)(const QString &, QString *))
{
    QString error;
    const T parsed = parse(value, &error);
    if (!error.isEmpty())
        return error;
    *out = parsed;
    return {};
}

// parseDuration's own error, which names the value, as send has always said it.
QString applyDuration(std::optional<int> *out, const QString &value)
{
    int ms = 0;
    QString error;
    if (!parseDuration(value, &ms, &error))
        return error;
    *out = ms;
    return {};
}

// The shared count parser, in the words send has always used.
QString applyCount(const QString &value, int minimum, int *out)
{
    if (SettingValues::parseCount(value, minimum, out).isEmpty())
        return {};
    return QStringLiteral("is not a whole number >= %1").arg(minimum);
}

// A flag-only switch: the table applies it as "true" when given.
Table::Apply switchOn(bool C::*member)
{
    return [member](C &c, const QString &) {
        c.*member = true;
        return QString();
    };
}

QString showDuration(const std::optional<int> &ms)
{
    return ms ? formatDuration(*ms) : QString();
}

} // namespace

QList<SettingsTable<SendConfig>::Setting> SendBroadcastSettings::rows()
{
    QList<Table::Setting> rows;
    const auto flag = [&rows](const char *key, QString help, const char *valueName, Table::Apply apply,
                              Table::Show show) -> Table::Setting & {
        rows.append(Table::row({}, {}, QLatin1String(key), std::move(help), std::move(apply), std::move(show))
                        .withValueName(QLatin1String(valueName)));
        return rows.last();
    };
    flag(
        "retries", QStringLiteral("Retries per target after the first attempt (default 2)."), "N",
        [](C &c, const QString &v) {
            int retries = 0;
            const QString error = applyCount(v, 0, &retries);
            if (error.isEmpty())
                c.retries = retries;
            return error;
        },
        [](const C &c) { return c.retries ? QString::number(*c.retries) : QString(); });
    flag(
        "retry-on", QStringLiteral("Statuses that are retried: e.g. 5xx,429 (default), >=400, none."), "RULE",
        [](C &c, const QString &v) { return fromParse(&c.retryOn, v, &StatusRule::parse); },
        [](const C &c) { return c.retryOn ? c.retryOn->toString() : QString(); });
    flag(
        "verify",
        QStringLiteral("After the broadcast, GET the same path from each target and check the answer: %1. Exit code 3 "
                       "when the policy is met but a target is not verified.")
            .arg(VerifyRule::grammar()),
        "RULE",
        [](C &c, const QString &v) {
            QString error;
            const VerifyRule rule = VerifyRule::parse(v, &error);
            if (error.isEmpty() && rule.isEmpty())
                error = QStringLiteral("is empty; give a rule such as header:X-Cache=MISS");
            if (!error.isEmpty())
                return error;
            c.verify = rule;
            return QString();
        },
        [](const C &c) { return c.verify ? c.verify->toString() : QString(); });
    flag(
        "timeout", QStringLiteral("Per-attempt timeout, e.g. 2s, 500ms (default 5s)."), "DURATION",
        [](C &c, const QString &v) { return applyDuration(&c.timeoutMs, v); },
        [](const C &c) { return showDuration(c.timeoutMs); });
    flag(
        "deadline", QStringLiteral("Whole-broadcast deadline (default 30s)."), "DURATION",
        [](C &c, const QString &v) { return applyDuration(&c.deadlineMs, v); },
        [](const C &c) { return showDuration(c.deadlineMs); });
    flag(
        "policy", QStringLiteral("all (default), any, first, async or quorum=N|0.F|P%."), "POLICY",
        [](C &c, const QString &v) { return fromParse(&c.policy, v, &OutcomePolicy::parse); },
        [](const C &c) { return c.policy ? c.policy->toString() : QString(); });
    flag(
        "host-mode",
        QStringLiteral("preserve (default): send the request's Host to every target; target: each target's own host."), "MODE",
        [](C &c, const QString &v) {
            return HeaderPolicy::parseHostMode(v, &c.headerPolicy.hostMode) ? QString()
                                                                            : QStringLiteral("is not preserve or target");
        },
        [](const C &c) { return HeaderPolicy::hostModeName(c.headerPolicy.hostMode); });
    flag(
        "sensitive-headers", QStringLiteral("Comma-separated headers never forwarded (default: Proxy-Authorization,Cookie)."),
        "LIST",
        [](C &c, const QString &v) {
            c.headerPolicy.sensitiveHeaders.clear();
            for (const QString &name : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
                c.headerPolicy.sensitiveHeaders.append(name.trimmed().toLatin1());
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.headerPolicy.sensitiveHeaders.join(',')); });
    flag(
        "concurrency", QStringLiteral("Requests in flight per target (default 6)."), "N",
        [](C &c, const QString &v) { return applyCount(v, 1, &c.perTargetConcurrency); },
        [](const C &c) { return QString::number(c.perTargetConcurrency); });
    flag("http2", QStringLiteral("Use HTTP/2 (h2c with prior knowledge for http://)."), "", switchOn(&C::http2),
         [](const C &c) { return SettingValues::showBoolean(c.http2); });
    flag("insecure", QStringLiteral("Do not verify https targets' certificates."), "", switchOn(&C::insecure),
         [](const C &c) { return SettingValues::showBoolean(c.insecure); });
    // The same variable and default as serve's.
    flag(
        "transport",
        QStringLiteral("HTTP client: lean (default: Herald's own HTTP/1.1 client; https and HTTP/2 go through curl), "
                       "curl (libcurl) or qnam (QNetworkAccessManager, the desktop application's). Lean and curl send the "
                       "path exactly as given, dot segments included, and add no headers of their own."),
        "NAME",
        [](C &c, const QString &v) {
            return parseTransportKind(v, &c.transport) ? QString() : QStringLiteral("is not qnam, curl or lean");
        },
        [](const C &c) { return transportKindName(c.transport); })
        .name = QStringLiteral("HERALD_TRANSPORT");
    flag("json", QStringLiteral("Print the results as JSON instead of a table."), "", switchOn(&C::json),
         [](const C &c) { return SettingValues::showBoolean(c.json); });
    flag(
        "compare-headers",
        QStringLiteral("Response headers that group targets besides status and body, e.g. Age,X-Cache; the groups "
                       "are printed when the targets disagree (like serve's HERALD_COMPARE_HEADERS)."),
        "LIST",
        [](C &c, const QString &v) {
            c.compareHeaders = ResponseComparison::parseHeaderList(v);
            for (const QByteArray &name : c.compareHeaders) {
                if (!isHttpToken(name))
                    return QStringLiteral("\"%1\" is not a header name").arg(QString::fromLatin1(name));
            }
            return QString();
        },
        [](const C &c) { return QString::fromLatin1(c.compareHeaders.join(',')); });
    flag("dry-run",
         QStringLiteral("Print what each target would receive (method, URL, headers after the header policy, body size "
                        "and SHA-256) and send nothing."),
         "", switchOn(&C::dryRun), [](const C &c) { return SettingValues::showBoolean(c.dryRun); });
    flag("print-curl", QStringLiteral("Print an equivalent curl command per target and send nothing."), "",
         switchOn(&C::printCurl), [](const C &c) { return SettingValues::showBoolean(c.printCurl); });
    flag(
        "report", QStringLiteral("Write the per-target results to FILE, as JSON or CSV by its extension (.json, .csv)."), "FILE",
        [](C &c, const QString &v) {
            const QString lower = v.toLower();
            if (!lower.endsWith(QLatin1String(".json")) && !lower.endsWith(QLatin1String(".csv")))
                return QStringLiteral("'%1' does not end in .json or .csv").arg(v);
            c.reportPath = v;
            return QString();
        },
        [](const C &c) { return c.reportPath; });
    flag(
        "history",
        QStringLiteral("History database the broadcast is recorded in, shared with the GUI (default: %1).")
            .arg(HistoryStore::defaultPath()),
        "FILE",
        [](C &c, const QString &v) {
            c.historyPath = v;
            return QString();
        },
        [](const C &c) { return c.historyPath; });
    flag("no-history", QStringLiteral("Do not record this broadcast in the history."), "",
         [](C &c, const QString &) {
             c.historyPath.clear();
             return QString();
         },
         {});
    return rows;
}

} // namespace herald
