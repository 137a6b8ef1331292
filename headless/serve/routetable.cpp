#include "serve/routetable.h"

#include "util/duration.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

namespace {

QByteArray hostWithoutPort(const QByteArray &host)
{
    if (host.startsWith('[')) {
        const int end = host.indexOf(']');
        return end > 0 ? host.left(end + 1) : host;
    }
    const int colon = host.lastIndexOf(':');
    return colon > 0 ? host.left(colon) : host;
}

int specificity(const Route &route)
{
    // Exact hosts beat wildcards, which beat "*"; then longer prefixes win.
    const int hostRank = route.host == QLatin1String("*") ? 0 : route.host.startsWith(QLatin1String("*.")) ? 1 : 2;
    return hostRank * 100000 + route.pathPrefix.size();
}

} // namespace

bool Route::matches(const QByteArray &rawHost, const QByteArray &path) const
{
    const QString requestHost = QString::fromLatin1(hostWithoutPort(rawHost)).toLower();
    bool hostMatches = false;
    if (host == QLatin1String("*"))
        hostMatches = true;
    else if (host.startsWith(QLatin1String("*.")))
        hostMatches = requestHost.endsWith(host.mid(1)) && requestHost.size() > host.size() - 1;
    else
        hostMatches = requestHost == host;
    return hostMatches && (pathPrefix.isEmpty() || path.startsWith(pathPrefix.toUtf8()));
}

int RouteTable::match(const QByteArray &host, const QByteArray &path) const
{
    int best = -1;
    for (int i = 0; i < routes.size(); ++i) {
        if (routes.at(i).matches(host, path) && (best < 0 || specificity(routes.at(i)) > specificity(routes.at(best))))
            best = i;
    }
    return best;
}

bool RouteTable::parse(const QByteArray &json, const BroadcastOptions &defaults, RouteTable *table, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        *error = QStringLiteral("not a JSON object (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    const QJsonObject root = document.object();
    RouteTable result;
    result.fallbackToDefault = root.value(QLatin1String("fallbackToDefault")).toBool(true);
    const QJsonArray routes = root.value(QLatin1String("routes")).toArray();
    if (!root.value(QLatin1String("routes")).isArray()) {
        *error = QStringLiteral("\"routes\" must be an array");
        return false;
    }
    for (int i = 0; i < routes.size(); ++i) {
        const QJsonObject object = routes.at(i).toObject();
        Route route;
        route.options = defaults;
        const auto fail = [&](const QString &field, const QString &problem) {
            *error = QStringLiteral("routes[%1] field \"%2\": %3").arg(i).arg(field, problem);
            return false;
        };
        route.name = object.value(QLatin1String("name")).toString(QStringLiteral("route%1").arg(i));
        route.host = object.value(QLatin1String("host")).toString().toLower();
        if (route.host.isEmpty() || route.host.contains(QLatin1Char(' '))
            || (route.host.contains(QLatin1Char('*')) && route.host != QLatin1String("*")
                && !route.host.startsWith(QLatin1String("*."))))
            return fail(QStringLiteral("host"), QStringLiteral("expected a host name, *.domain or *"));
        route.pathPrefix = object.value(QLatin1String("pathPrefix")).toString();
        if (!route.pathPrefix.isEmpty() && !route.pathPrefix.startsWith(QLatin1Char('/')))
            return fail(QStringLiteral("pathPrefix"), QStringLiteral("must start with /"));
        QString problem;
        TargetSourceSpec targets;
        if (!TargetSourceSpec::fromJson(object.value(QLatin1String("targets")).toObject(), &targets, &problem))
            return fail(QStringLiteral("targets"), problem);
        route.targets = {targets};
        if (object.contains(QLatin1String("policy"))) {
            route.options.policy = OutcomePolicy::parse(object.value(QLatin1String("policy")).toString(), &problem);
            if (!problem.isEmpty())
                return fail(QStringLiteral("policy"), problem);
        }
        if (object.contains(QLatin1String("retries"))) {
            const int retries = object.value(QLatin1String("retries")).toInt(-1);
            if (retries < 0)
                return fail(QStringLiteral("retries"), QStringLiteral("must be a whole number >= 0"));
            route.options.retry.maxRetries = retries;
        }
        if (object.contains(QLatin1String("timeout"))) {
            const QJsonValue value = object.value(QLatin1String("timeout"));
            const QString text = value.isDouble() ? QString::number(value.toDouble()) : value.toString();
            if (!parseDuration(text, &route.options.attemptTimeoutMs, &problem))
                return fail(QStringLiteral("timeout"), problem);
        }
        result.routes.append(route);
    }
    *table = result;
    return true;
}

} // namespace herald
