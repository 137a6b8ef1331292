#include "serve/serveroutesettings.h"

#include <QFile>

namespace herald {

QList<SettingsTable<ServeConfig>::Setting> ServeRouteSettings::rows()
{
    using C = ServeConfig;
    using Table = SettingsTable<ServeConfig>;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_ROUTES"), {}, QStringLiteral("routes"),
        QStringLiteral("JSON routes file mapping Host (and path prefix) to target groups; reloaded when it changes."),
        [](C &c, const QString &v) {
            c.routesFile = v;
            return QFile::exists(v) ? QString() : QStringLiteral("file '%1' does not exist").arg(v);
        },
        [](const C &c) { return c.routesFile; });
    add(
        QStringLiteral("HERALD_REQUESTCLONES"), {}, QStringLiteral("requestclones"),
        QStringLiteral("RequestClone manifests (k8sreq-duplicator's CRD, as `kubectl get requestclones -o yaml` or -o json "
                       "prints them) as the routes: a file, or a directory such as a mounted ConfigMap (every *.yaml, "
                       "*.yml, *.json); reloaded when they change. Each service resolves to all its pods by DNS."),
        [](C &c, const QString &v) {
            c.requestClonesPath = v;
            return QFile::exists(v) ? QString() : QStringLiteral("'%1' does not exist").arg(v);
        },
        [](const C &c) { return c.requestClonesPath; });
    add(
        QStringLiteral("HERALD_CLUSTER_DOMAIN"), {}, QStringLiteral("cluster-domain"),
        QStringLiteral("Cluster DNS domain of RequestClone services: <service>.<namespace>.svc.<domain> (default "
                       "cluster.local)."),
        [](C &c, const QString &v) {
            QString domain = v.trimmed();
            while (domain.endsWith(QLatin1Char('.')))
                domain.chop(1);
            if (domain.isEmpty() || domain.contains(QLatin1Char(' ')) || domain.startsWith(QLatin1Char('.')))
                return QStringLiteral("expected a DNS domain such as cluster.local");
            c.clusterDomain = domain;
            return QString();
        },
        [](const C &c) { return c.clusterDomain; });
    add(
        QStringLiteral("HERALD_ROUTES_POLICY"), {}, QStringLiteral("routes-policy"),
        QStringLiteral("Policy of routes that name none (default: HERALD_POLICY); e.g. async answers 202 at once."),
        [](C &c, const QString &v) {
            QString error;
            c.routesPolicy = OutcomePolicy::parse(v, &error);
            c.routesPolicySet = error.isEmpty();
            return error;
        },
        [](const C &c) { return c.routesPolicySet ? c.routesPolicy.toString() : QString(); });
    add(
        QStringLiteral("HERALD_UNROUTED_STATUS"), {}, QStringLiteral("unrouted-status"),
        QStringLiteral("Status for a request no route matches, when there is no default group (default 404; 503 "
                       "as k8sreq-duplicator)."),
        [](C &c, const QString &v) {
            bool ok = false;
            const int status = v.trimmed().toInt(&ok);
            if (!ok || status < 400 || status > 599)
                return QStringLiteral("expected an HTTP status from 400 to 599");
            c.unroutedStatus = status;
            return QString();
        },
        [](const C &c) { return QString::number(c.unroutedStatus); });
    return table;
}

} // namespace herald
