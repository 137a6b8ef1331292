#include "targets/targetlistbuilder.h"

#include <QHostAddress>

namespace herald {

QList<Target> TargetListBuilder::build(const TargetSourceSpec &spec, const QList<QPair<QString, int>> &endpoints)
{
    QList<Target> targets;
    QStringList seen;
    for (const auto &endpoint : endpoints) {
        QString host = endpoint.first;
        if (QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol)
            host = QLatin1Char('[') + host + QLatin1Char(']');
        const QString text = QStringLiteral("%1://%2:%3%4").arg(spec.scheme, host).arg(endpoint.second).arg(spec.pathPrefix);
        if (seen.contains(text))
            continue;
        seen.append(text);
        Target target = Target::parse(text, nullptr);
        target.tls = spec.tls;
        if (target.isValid())
            targets.append(target);
    }
    return targets;
}

} // namespace herald
