#pragma once

#include "serve/routetable.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace herald {

// k8sreq-duplicator's RequestClone resources, as `kubectl get requestclones -o yaml` (or -o json)
// prints them, read into Herald's routes: a `kind: List` with `items`, single documents, or
// multi-document YAML. Every RequestClone of one host is one route whose targets are all their
// services; a service is resolved by DNS to every pod (a numeric servicePort: the A/AAAA records
// of <service>.<namespace>.svc.<domain>; a named one: the SRV records Kubernetes publishes for it,
// _<port>._tcp.<service>.<namespace>.svc.<domain>), not to one ClusterIP as the seed did.
class RequestCloneReader
{
public:
    struct Settings
    {
        BroadcastOptions defaults; // every route's options: the seed has no per-resource ones
        QString clusterDomain = QStringLiteral("cluster.local");
        QHostAddress nameserver; // null: the system resolver
        int refreshIntervalMs = 30000;
    };

    struct Clone
    {
        QString where; // "file.yaml item 2 (apps/webhook-receiver)", for messages
        QString namespaceName = QStringLiteral("default");
        QString name;
        QString host;
        QString serviceName;
        QString servicePort; // a number or a port name
    };

    // The manifests at `path`: the file itself, or every *.yaml, *.yml and *.json in the directory
    // (a mounted ConfigMap's visible entries, not its ..data internals), sorted by name.
    static QStringList files(const QString &path);
    // Parses one file's text; on error returns false with the file, the item and the field.
    static bool parse(const QByteArray &text, const QString &fileName, QList<Clone> *clones, QString *error);
    // One route per host, in the order the hosts first appear.
    static RouteTable routes(const QList<Clone> &clones, const Settings &settings);
    static TargetSourceSpec backend(const Clone &clone, const Settings &settings);
};

} // namespace herald
