#include "serve/requestclonereader.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>

namespace herald {

namespace {

using Clone = RequestCloneReader::Clone;

// A Kubernetes object name that is also a DNS label (Services, namespaces, port names).
bool isDnsLabel(const QString &text)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"));
    return label.match(text).hasMatch();
}

QString scalar(const YAML::Node &node)
{
    return node && node.IsScalar() ? QString::fromStdString(node.as<std::string>()) : QString();
}

// One RequestClone object; false with the field that is wrong.
bool readClone(const YAML::Node &object, Clone &clone, QString *field, QString *problem)
{
    const YAML::Node metadata = object["metadata"];
    if (metadata && metadata.IsMap()) {
        clone.name = scalar(metadata["name"]);
        if (!scalar(metadata["namespace"]).isEmpty())
            clone.namespaceName = scalar(metadata["namespace"]);
    }
    if (!clone.name.isEmpty())
        clone.where += QStringLiteral(" (%1/%2)").arg(clone.namespaceName, clone.name);
    const auto fail = [&](const QString &name, const QString &text) {
        *field = name;
        *problem = text;
        return false;
    };
    if (!isDnsLabel(clone.namespaceName))
        return fail(QStringLiteral("metadata.namespace"), QStringLiteral("expected a namespace name"));
    const YAML::Node spec = object["spec"];
    if (!spec || !spec.IsMap())
        return fail(QStringLiteral("spec"), QStringLiteral("is required (a map with host and backend)"));
    clone.host = scalar(spec["host"]).trimmed().toLower();
    if (clone.host.isEmpty())
        return fail(QStringLiteral("spec.host"), QStringLiteral("is required"));
    if (clone.host.contains(QLatin1Char(' ')) || clone.host.contains(QLatin1Char(':')) || clone.host.contains(QLatin1Char('/'))
        || (clone.host.contains(QLatin1Char('*')) && clone.host != QLatin1String("*")
            && !clone.host.startsWith(QLatin1String("*."))))
        return fail(QStringLiteral("spec.host"), QStringLiteral("expected a host name without port, like webhook.example.com"));
    const YAML::Node backend = spec["backend"];
    if (!backend || !backend.IsMap())
        return fail(QStringLiteral("spec.backend"), QStringLiteral("is required (serviceName and servicePort)"));
    clone.serviceName = scalar(backend["serviceName"]).trimmed();
    if (!isDnsLabel(clone.serviceName))
        return fail(QStringLiteral("spec.backend.serviceName"),
                    clone.serviceName.isEmpty() ? QStringLiteral("is required")
                                                : QStringLiteral("'%1' is not a Service name").arg(clone.serviceName));
    clone.servicePort = scalar(backend["servicePort"]).trimmed();
    bool numeric = false;
    const int port = clone.servicePort.toInt(&numeric);
    if (clone.servicePort.isEmpty())
        return fail(QStringLiteral("spec.backend.servicePort"), QStringLiteral("is required (a port number or name)"));
    if (numeric ? (port < 1 || port > 65535) : !isDnsLabel(clone.servicePort))
        return fail(QStringLiteral("spec.backend.servicePort"),
                    QStringLiteral("'%1' is neither a port from 1 to 65535 nor a port name").arg(clone.servicePort));
    return true;
}

} // namespace

QStringList RequestCloneReader::files(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isDir())
        return {path};
    QDir directory(path);
    QStringList list;
    // Hidden entries are skipped: a ConfigMap's ..data and ..<timestamp> are where the symlinks point.
    const QStringList names = directory.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml"), QStringLiteral("*.json")},
                                                  QDir::Files | QDir::Readable, QDir::Name);
    for (const QString &name : names)
        list.append(directory.filePath(name));
    return list;
}

bool RequestCloneReader::parse(const QByteArray &text, const QString &fileName, QList<Clone> *clones, QString *error)
{
    // yaml-cpp reports by exception; it stops here and becomes a message naming the place.
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text.toStdString());
    } catch (const YAML::Exception &exception) {
        *error = QStringLiteral("%1: line %2, column %3: %4")
                     .arg(fileName)
                     .arg(exception.mark.line + 1)
                     .arg(exception.mark.column + 1)
                     .arg(QString::fromStdString(exception.msg));
        return false;
    }
    int item = 0;
    try {
        for (const YAML::Node &document : documents) {
            if (!document || document.IsNull())
                continue; // an empty document, such as after a trailing ---
            if (!document.IsMap()) {
                *error = QStringLiteral("%1: expected a RequestClone or a List of them, not a %2")
                             .arg(fileName, document.IsSequence() ? QStringLiteral("sequence") : QStringLiteral("scalar"));
                return false;
            }
            const QString kind = scalar(document["kind"]);
            std::vector<YAML::Node> objects;
            if (kind == QLatin1String("List") || kind == QLatin1String("RequestCloneList")) {
                const YAML::Node items = document["items"];
                if (items && !items.IsNull() && !items.IsSequence()) {
                    *error = QStringLiteral("%1: field items: expected a list of RequestClones").arg(fileName);
                    return false;
                }
                for (const YAML::Node &object : items)
                    objects.push_back(object);
            } else {
                objects.push_back(document);
            }
            for (const YAML::Node &object : objects) {
                Clone clone;
                clone.where = QStringLiteral("%1 item %2").arg(fileName).arg(item++);
                QString field;
                QString problem;
                const QString objectKind = object.IsMap() ? scalar(object["kind"]) : QString();
                if (objectKind != QLatin1String("RequestClone")) {
                    field = QStringLiteral("kind");
                    problem = objectKind.isEmpty() ? QStringLiteral("expected RequestClone")
                                                   : QStringLiteral("'%1' is not RequestClone").arg(objectKind);
                } else if (readClone(object, clone, &field, &problem)) {
                    clones->append(clone);
                    continue;
                }
                *error = QStringLiteral("%1: field %2: %3").arg(clone.where, field, problem);
                return false;
            }
        }
    } catch (const YAML::Exception &exception) {
        *error = QStringLiteral("%1 item %2: %3").arg(fileName).arg(item).arg(QString::fromStdString(exception.msg));
        return false;
    }
    return true;
}

TargetSourceSpec RequestCloneReader::backend(const Clone &clone, const Settings &settings)
{
    TargetSourceSpec spec;
    const QString service = QStringLiteral("%1.%2.svc.%3").arg(clone.serviceName, clone.namespaceName, settings.clusterDomain);
    bool numeric = false;
    const int port = clone.servicePort.toInt(&numeric);
    if (numeric) {
        spec.kind = TargetSourceSpec::Kind::Dns;
        spec.name = service;
        spec.port = port;
    } else {
        // The seed looked the port name up in the Service; Kubernetes DNS publishes it as SRV.
        spec.kind = TargetSourceSpec::Kind::Srv;
        spec.name = QStringLiteral("_%1._tcp.%2").arg(clone.servicePort, service);
    }
    spec.scheme = QStringLiteral("http"); // as the seed: it always forwarded in plain HTTP
    spec.nameserver = settings.nameserver;
    spec.refreshIntervalMs = settings.refreshIntervalMs;
    return spec;
}

RouteTable RequestCloneReader::routes(const QList<Clone> &clones, const Settings &settings)
{
    RouteTable table;
    for (const Clone &clone : clones) {
        auto route = std::find_if(table.routes.begin(), table.routes.end(), [&](const Route &r) { return r.host == clone.host; });
        if (route == table.routes.end()) {
            Route fresh;
            fresh.host = clone.host;
            fresh.options = settings.defaults;
            table.routes.append(fresh);
            route = table.routes.end() - 1;
        }
        const QString name = QStringLiteral("%1/%2").arg(clone.namespaceName, clone.name);
        route->name = route->name.isEmpty() ? name : route->name + QLatin1Char(',') + name;
        route->targets.append(backend(clone, settings));
    }
    return table;
}

} // namespace herald
