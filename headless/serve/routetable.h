#pragma once

#include "broadcast/broadcastoptions.h"
#include "targets/targetsourcespec.h"

#include <QList>
#include <QString>

namespace herald {

// The routes file (k8sreq-duplicator's RequestClone without a CRD): a Host header (exact or
// "*.wildcard") and an optional path prefix choose a target group with its own policy, retries
// and timeout. Parsed into values; RouteSet turns them into live target sources.
struct Route
{
    QString name;
    QString host;                    // "shop.example.com", "*.example.com" or "*" (any)
    QString pathPrefix;              // "" matches every path
    QList<TargetSourceSpec> targets; // one group, or several as one (the RequestClones of one host)
    BroadcastOptions options;

    bool matches(const QByteArray &host, const QByteArray &path) const;
};

class RouteTable
{
public:
    // Parses the JSON text; on error returns false and names the route index and field.
    static bool parse(const QByteArray &json, const BroadcastOptions &defaults, RouteTable *table, QString *error);

    QList<Route> routes;
    // Whether a request that matches no route goes to the default targets (else 404).
    bool fallbackToDefault = true;

    // Most specific match: exact host before wildcard, longer path prefix first; -1 when none.
    int match(const QByteArray &host, const QByteArray &path) const;
};

} // namespace herald
