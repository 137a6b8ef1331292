#pragma once

#include "targets/target.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace herald {

// Where a broadcast's targets come from, as configured: a static list, every A/AAAA record
// of a name plus a port (a Kubernetes headless service), or the SRV records of a name.
struct TargetSourceSpec
{
    enum class Kind { Static, Dns, Srv };

    Kind kind = Kind::Static;
    QList<Target> targets; // Static
    QString name;          // Dns: host name; Srv: e.g. _http._tcp.web.default.svc
    int port = 80;         // Dns
    QString scheme = QStringLiteral("http");
    QString pathPrefix;            // appended to every resolved address, e.g. /api
    QHostAddress nameserver;       // null: the system resolver (/etc/hosts, search domains)
    int refreshIntervalMs = 30000; // Dns and Srv re-resolve on this interval; 0 turns it off
    TargetTlsPtr tls;              // given to every target this spec produces; null: the defaults

    // "name:port" for Dns; returns false and sets *error when malformed.
    static bool parseDns(const QString &text, TargetSourceSpec *spec, QString *error);
    static bool parseSrv(const QString &text, TargetSourceSpec *spec, QString *error);
    // Profile JSON: {"static": ["http://a:80"]} | {"dns": "name:port"} | {"srv": "_http._tcp.name"},
    // plus optional "nameserver", "scheme", "pathPrefix", "refreshSeconds" and "tls" (TargetTls::fromJson;
    // https targets only).
    static bool fromJson(const QJsonObject &json, TargetSourceSpec *spec, QString *error);
    QJsonObject toJson() const;
    QString describe() const;
};

} // namespace herald
