#include "targets/targetsourcespec.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>

namespace herald {

namespace {
const int maxRefreshSeconds = 86400;

bool readTls(const QJsonValue &value, TargetSourceSpec *spec, QString *error)
{
    TargetTls tls;
    if (!TargetTls::fromJson(value, &tls, error))
        return false;
    // Settings that would silently do nothing are refused: TLS needs https.
    bool plain = spec->kind != TargetSourceSpec::Kind::Static && spec->scheme != QLatin1String("https");
    for (const Target &target : qAsConst(spec->targets))
        plain = plain || target.baseUrl.scheme() != QLatin1String("https");
    if (plain) {
        if (error)
            *error = spec->kind == TargetSourceSpec::Kind::Static
                         ? QStringLiteral("\"tls\" applies to https targets only; every \"static\" URL must be https://")
                         : QStringLiteral("\"tls\" applies to https targets only; add \"scheme\": \"https\"");
        return false;
    }
    if (tls.isEmpty())
        return true;
    spec->tls = std::make_shared<const TargetTls>(tls);
    for (Target &target : spec->targets)
        target.tls = spec->tls;
    return true;
}
} // namespace

bool TargetSourceSpec::parseDns(const QString &text, TargetSourceSpec *spec, QString *error)
{
    // A host name (or IPv4 address), a colon and a port: no scheme, path, spaces or sign.
    static const QRegularExpression pattern(QStringLiteral("^([^\\s/:@?#\\[\\]]+):(\\d{1,5})$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    const int port = match.hasMatch() ? match.captured(2).toInt() : 0;
    if (port < 1 || port > 65535) {
        if (error)
            *error = QStringLiteral("'%1' is not NAME:PORT (e.g. varnish.default.svc.cluster.local:6081)").arg(text);
        return false;
    }
    spec->kind = Kind::Dns;
    spec->name = match.captured(1);
    spec->port = port;
    return true;
}

bool TargetSourceSpec::parseSrv(const QString &text, TargetSourceSpec *spec, QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^[^\\s/:@?#\\[\\]]+$"));
    const QString name = text.trimmed();
    if (!pattern.match(name).hasMatch()) {
        if (error)
            *error = QStringLiteral("'%1' is not an SRV name like _http._tcp.varnish.default.svc.cluster.local").arg(text);
        return false;
    }
    spec->kind = Kind::Srv;
    spec->name = name;
    return true;
}

bool TargetSourceSpec::fromJson(const QJsonObject &json, TargetSourceSpec *spec, QString *error)
{
    TargetSourceSpec result;
    const int kinds = int(json.contains(QLatin1String("static"))) + int(json.contains(QLatin1String("dns")))
                      + int(json.contains(QLatin1String("srv")));
    if (kinds != 1) {
        if (error)
            *error = QStringLiteral("needs exactly one of \"static\", \"dns\" or \"srv\"");
        return false;
    }
    if (json.contains(QLatin1String("static"))) {
        const QJsonValue value = json.value(QLatin1String("static"));
        if (!value.isArray()) {
            if (error)
                *error = QStringLiteral("\"static\" must be an array of URLs");
            return false;
        }
        const QJsonArray array = value.toArray();
        for (const QJsonValue &entry : array) {
            QString targetError;
            const Target target = Target::parse(entry.toString(), &targetError);
            if (!entry.isString() || !target.isValid()) {
                if (error)
                    *error = QStringLiteral("\"static\": %1")
                                 .arg(entry.isString() ? targetError : QStringLiteral("entries must be strings"));
                return false;
            }
            result.targets.append(target);
        }
    } else if (json.contains(QLatin1String("dns"))) {
        if (!json.value(QLatin1String("dns")).isString()) {
            if (error)
                *error = QStringLiteral("\"dns\" must be a string: \"name:port\"");
            return false;
        }
        if (!parseDns(json.value(QLatin1String("dns")).toString(), &result, error)) {
            if (error)
                error->prepend(QLatin1String("\"dns\": "));
            return false;
        }
    } else if (!json.value(QLatin1String("srv")).isString()) {
        if (error)
            *error = QStringLiteral("\"srv\" must be a string: \"_http._tcp.name\"");
        return false;
    } else if (!parseSrv(json.value(QLatin1String("srv")).toString(), &result, error)) {
        if (error)
            error->prepend(QLatin1String("\"srv\": "));
        return false;
    }
    if (json.contains(QLatin1String("nameserver"))) {
        result.nameserver = QHostAddress(json.value(QLatin1String("nameserver")).toString());
        if (result.nameserver.isNull()) {
            if (error)
                *error = QStringLiteral("\"nameserver\" must be an IP address");
            return false;
        }
    }
    if (json.contains(QLatin1String("scheme"))) {
        result.scheme = json.value(QLatin1String("scheme")).toString();
        if (result.scheme != QLatin1String("http") && result.scheme != QLatin1String("https")) {
            if (error)
                *error = QStringLiteral("\"scheme\" must be \"http\" or \"https\"");
            return false;
        }
    }
    if (json.contains(QLatin1String("pathPrefix"))) {
        // Appended to scheme://address:port, so anything but a plain path would make every
        // resolved target invalid.
        static const QRegularExpression path(QStringLiteral("^(/[^\\s?#]*)?$"));
        const QJsonValue value = json.value(QLatin1String("pathPrefix"));
        if (!value.isString() || !path.match(value.toString()).hasMatch()) {
            if (error)
                *error = QStringLiteral("\"pathPrefix\" must be a path starting with / (no spaces, query or fragment)");
            return false;
        }
        result.pathPrefix = value.toString();
    }
    if (json.contains(QLatin1String("refreshSeconds"))) {
        const QJsonValue value = json.value(QLatin1String("refreshSeconds"));
        const double seconds = value.toDouble(-1);
        if (!value.isDouble() || seconds < 0 || seconds > maxRefreshSeconds) {
            if (error)
                *error = QStringLiteral("\"refreshSeconds\" must be a number from 0 to %1").arg(maxRefreshSeconds);
            return false;
        }
        // Rounded up, so a small positive interval never turns refreshing off.
        result.refreshIntervalMs = static_cast<int>(std::ceil(seconds * 1000));
    }
    if (json.contains(QLatin1String("tls")) && !readTls(json.value(QLatin1String("tls")), &result, error))
        return false;
    *spec = result;
    return true;
}

QJsonObject TargetSourceSpec::toJson() const
{
    QJsonObject json;
    switch (kind) {
    case Kind::Static: {
        QJsonArray array;
        for (const Target &target : targets)
            array.append(target.baseUrl.toString());
        json.insert(QLatin1String("static"), array);
        if (tls)
            json.insert(QLatin1String("tls"), tls->toJson());
        return json;
    }
    case Kind::Dns:
        json.insert(QLatin1String("dns"), QStringLiteral("%1:%2").arg(name).arg(port));
        break;
    case Kind::Srv:
        json.insert(QLatin1String("srv"), name);
        break;
    }
    if (!nameserver.isNull())
        json.insert(QLatin1String("nameserver"), nameserver.toString());
    if (scheme != QLatin1String("http"))
        json.insert(QLatin1String("scheme"), scheme);
    if (!pathPrefix.isEmpty())
        json.insert(QLatin1String("pathPrefix"), pathPrefix);
    if (refreshIntervalMs != 30000)
        json.insert(QLatin1String("refreshSeconds"), refreshIntervalMs / 1000.0);
    if (tls)
        json.insert(QLatin1String("tls"), tls->toJson());
    return json;
}

QString TargetSourceSpec::describe() const
{
    switch (kind) {
    case Kind::Static:
        return QStringLiteral("%1 static target(s)").arg(targets.size());
    case Kind::Dns:
        return QStringLiteral("DNS %1:%2").arg(name).arg(port);
    case Kind::Srv:
        return QStringLiteral("SRV %1").arg(name);
    }
    return {};
}

} // namespace herald
