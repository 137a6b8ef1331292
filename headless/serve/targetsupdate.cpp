#include "serve/targetsupdate.h"

#include "http/httpresponses.h"
#include "serve/bearertoken.h"
#include "targets/statictargetsource.h"

#include <QLoggingCategory>
#include <QUrl>
#include <QUrlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

namespace {

QString joined(const QList<Target> &targets)
{
    QStringList urls;
    for (const Target &target : targets)
        urls.append(target.baseUrl.toString());
    return urls.join(QLatin1Char(','));
}

} // namespace

TargetsUpdate::TargetsUpdate(TargetSource *source)
    : m_source(source)
{
}

HttpServerResponse TargetsUpdate::handle(const HttpServerRequest &request, const ServeConfig &config) const
{
    const QString client = request.peerAddress.toString();
    const QString path = config.targetsUpdatePath;
    // Who may, before what: a refused caller learns nothing about the targets or the method.
    QString who;
    if (isAllowedClient(request.peerAddress, config)) {
        who = QStringLiteral("client %1 (HERALD_ADMIN_ALLOWED_CLIENTS)").arg(client);
    } else if (!config.adminToken.isEmpty() && BearerToken::matches(request.headers, config.adminToken)) {
        who = QStringLiteral("client %1 (admin token)").arg(client);
    } else if (!config.adminToken.isEmpty()) {
        qCWarning(lcServe).noquote() << path << "refused to" << client << "without a valid admin token";
        return HttpResponses::withHeader(HttpResponses::text(401, QStringLiteral("%1: a valid admin bearer token is required from %2")
                                                                      .arg(path, client)),
                                         "WWW-Authenticate", "Bearer");
    } else {
        qCWarning(lcServe).noquote() << path << "refused to" << client << "(not in HERALD_ADMIN_ALLOWED_CLIENTS)";
        return HttpResponses::text(403, QStringLiteral("%1: client %2 is not in HERALD_ADMIN_ALLOWED_CLIENTS, and no "
                                                       "HERALD_ADMIN_TOKEN is set")
                                            .arg(path, client));
    }
    if (request.method != "POST")
        return HttpResponses::withHeader(HttpResponses::text(405, QStringLiteral("%1 takes POST %1?backends=URL,URL, not %2")
                                                                      .arg(path, QString::fromLatin1(request.method))),
                                         "Allow", "POST");
    auto *staticSource = qobject_cast<StaticTargetSource *>(m_source);
    if (!staticSource)
        return HttpResponses::text(409, QStringLiteral("targets come from %1; only a static list can be replaced at run time")
                                            .arg(m_source->description()));
    const QString list =
        QUrlQuery(QUrl::fromEncoded(request.pathAndQuery).query()).queryItemValue(QStringLiteral("backends"), QUrl::FullyDecoded);
    QList<Target> targets;
    for (const QString &item : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QString error;
        const Target target = Target::parse(item.trimmed(), &error);
        if (!target.isValid())
            return HttpResponses::text(400, QStringLiteral("backends: '%1' is not a target URL: %2").arg(item.trimmed(), error));
        if (!targets.contains(target))
            targets.append(target);
    }
    if (targets.isEmpty())
        return HttpResponses::text(400, QStringLiteral("backends: no target given; expected POST %1?backends=URL,URL").arg(path));
    const QString before = joined(staticSource->targets());
    staticSource->setTargets(targets);
    qCInfo(lcServe).noquote() << path << "by" << who << "replaced the targets with" << joined(targets) << "(were"
                              << before + QStringLiteral("); until the next SIGHUP or restart");
    return HttpResponses::text(200, QStringLiteral("Backends updated successfully: %1").arg(joined(targets)));
}

bool TargetsUpdate::isAllowedClient(const QHostAddress &address, const ServeConfig &config)
{
    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    for (const auto &subnet : config.adminAllowedClients) {
        if (address.isInSubnet(subnet) || (isV4 && QHostAddress(v4).isInSubnet(subnet)))
            return true;
    }
    return false;
}

} // namespace herald
