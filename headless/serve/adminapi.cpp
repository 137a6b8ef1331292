#include "serve/adminapi.h"

#include "http/httpresponses.h"
#include "serve/adminaccess.h"
#include "broadcast/broadcast.h"
#include "broadcast/broadcaster.h"
#include "broadcast/broadcastjson.h"
#include "broadcast/broadcastplan.h"
#include "broadcast/dryrun.h"
#include "broadcast/responsecomparison.h"
#include "store/groupstore.h"

#include "store/historyentry.h"
#include "store/historywriter.h"
#include "store/profile.h"
#include "store/profilestore.h"
#include "targets/statictargetsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace herald {

AdminApi::AdminApi(const ServeConfig &config, Broadcaster *broadcaster, TargetSource *source, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_broadcaster(broadcaster)
    , m_source(source)
    , m_history(new HistoryWriter(this))
{
    connect(broadcaster, &Broadcaster::broadcastFinished, this, &AdminApi::remember);
}

void AdminApi::remember(Broadcast *broadcast)
{
    // Assigned in place (one lookup, no TargetResult built and copied again per target); the
    // listing shows no bodies or headers, so none are held.
    for (int i = 0; i < broadcast->targetCount(); ++i) {
        TargetResult &last = m_lastResults[broadcast->targetKey(i)];
        last = broadcast->result(i);
        last.responseBody = QByteArray();
        last.responseHeaders = HttpHeaders();
    }
}

void AdminApi::handle(const HttpServerRequest &request, const QByteArray &path, Respond respond)
{
    if (const auto refusal = AdminAccess::refusal(request, m_config.adminToken)) {
        respond(*refusal);
        return;
    }
    const bool write = request.method != "GET" && request.method != "HEAD";
    if (path == "targets") {
        if (!write)
            return listTargets(respond);
        return changeTargets(request, respond);
    }
    if (path == "refresh" && request.method == "POST") {
        m_source->refresh();
        respond(HttpResponses::json(202, {{QLatin1String("refreshing"), m_source->description()}}));
        return;
    }
    if (path.startsWith("profiles/") && path.endsWith("/run") && request.method == "POST") {
        const QString name = QString::fromUtf8(path.mid(9, path.size() - 9 - 4));
        runProfile(request, name, std::move(respond));
        return;
    }
    respond(HttpResponses::text(404, QStringLiteral("unknown admin endpoint '%1 %2'; see docs/serve.md")
                                         .arg(QString::fromLatin1(request.method), QString::fromUtf8(path))));
}

void AdminApi::listTargets(Respond &respond)
{
    QJsonArray list;
    for (const Target &target : m_source->targets()) {
        const QString key = target.key();
        QJsonObject entry{{QLatin1String("target"), target.baseUrl.toString()},
                          {QLatin1String("circuit"), CircuitBreaker::stateName(m_broadcaster->circuitBreaker().state(key))}};
        const auto last = m_lastResults.constFind(key);
        if (last != m_lastResults.cend())
            entry.insert(QLatin1String("last"), BroadcastJson::targetToJson(*last, false));
        list.append(entry);
    }
    respond(HttpResponses::json(200, {{QLatin1String("source"), m_source->description()},
                                      {QLatin1String("resolved"), m_source->isResolved()},
                                      {QLatin1String("error"), m_source->lastError()},
                                      {QLatin1String("targets"), list}}));
}

void AdminApi::changeTargets(const HttpServerRequest &request, Respond &respond)
{
    auto *staticSource = qobject_cast<StaticTargetSource *>(m_source);
    if (!staticSource) {
        respond(HttpResponses::text(409, QStringLiteral("targets come from %1; only a static list can be changed at run time")
                                             .arg(m_source->description())));
        return;
    }
    QList<Target> current = staticSource->targets();
    if (request.method == "DELETE") {
        const QString url =
            QUrlQuery(QUrl::fromEncoded(request.pathAndQuery).query()).queryItemValue(QStringLiteral("target"), QUrl::FullyDecoded);
        QString error;
        const Target target = Target::parse(url, &error);
        if (!target.isValid() || !current.contains(target)) {
            respond(HttpResponses::text(404, QStringLiteral("no target '%1' (give ?target=URL)").arg(url)));
            return;
        }
        current.removeAll(target);
        staticSource->setTargets(current);
        listTargets(respond);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    QJsonArray array = document.isArray() ? document.array() : document.object().value(QLatin1String("targets")).toArray();
    if (array.isEmpty()) {
        respond(HttpResponses::text(400, QStringLiteral("expected a JSON array of target URLs, or {\"targets\": [...]}")));
        return;
    }
    QList<Target> given;
    for (const QJsonValue &value : array) {
        QString error;
        const Target target = Target::parse(value.toString(), &error);
        if (!target.isValid()) {
            respond(HttpResponses::text(400, QStringLiteral("bad target: %1").arg(error)));
            return;
        }
        given.append(target);
    }
    if (request.method == "PUT") {
        current = given;
    } else if (request.method == "POST") {
        for (const Target &target : given) {
            if (!current.contains(target))
                current.append(target);
        }
    } else {
        respond(HttpResponses::text(405, QStringLiteral("use GET, PUT (replace), POST (add) or DELETE ?target=URL")));
        return;
    }
    staticSource->setTargets(current);
    listTargets(respond);
}

void AdminApi::runProfile(const HttpServerRequest &request, const QString &name, Respond respond)
{
    const ProfileStore store(m_config.profileDirectory.isEmpty() ? ProfileStore::defaultDirectory() : m_config.profileDirectory);
    PlanInput input;
    QString error;
    if (!store.load(name, &input.profile, &error)) {
        respond(HttpResponses::text(404, error));
        return;
    }
    QUrlQuery query(QUrl::fromEncoded(request.pathAndQuery).query());
    // ?dry-run=1 (or the X-Herald-Dry-Run header) is the API's own, never a profile parameter.
    const QString dryRunParameter = QStringLiteral("dry-run");
    bool dryRun = false;
    const QByteArray dryRunValue = query.hasQueryItem(dryRunParameter) ? query.queryItemValue(dryRunParameter).toUtf8()
                                                                       : headerValue(request.headers, DryRun::header);
    if (!DryRun::parseFlag(dryRunValue, &dryRun, &error)) {
        respond(HttpResponses::text(400, error));
        return;
    }
    query.removeAllQueryItems(dryRunParameter);
    for (const auto &item : query.queryItems(QUrl::FullyDecoded))
        input.values.insert(item.first, item.second);
    // Beside the profiles, as StoreLocation lays them out (and a HERALD_PROFILE_DIR moves both).
    input.groupStore = GroupStore(GroupStore::besideProfiles(store.directory()));
    input.defaults = m_config.options;
    input.runningTargets = true;
    input.reportEveryTarget = true;
    input.staticProfileTargetsOnly = true;
    BroadcastPlan plan;
    if (!BroadcastPlan::make(input, &plan, &error)) {
        respond(HttpResponses::text(400, error));
        return;
    }
    const QList<Target> targets = plan.hasSource ? plan.source.targets : m_source->targets();
    if (dryRun) {
        respond(HttpResponses::json(200, DryRun::plan(plan.request, targets, m_broadcaster->headerPolicy(), plan.options).toJson()));
        return;
    }
    Broadcast *broadcast = m_broadcaster->start(plan.request, targets, plan.options);
    const QString profileName = plan.profileName;
    connect(broadcast, &Broadcast::finished, this, [this, broadcast, respond, profileName] {
        // SQLite runs on the writer's thread: a GUI holding the file's lock never stalls serve.
        if (!m_config.historyPath.isEmpty())
            m_history->record(m_config.historyPath, HistoryEntry::fromBroadcast(*broadcast, QStringLiteral("admin"), profileName));
        const BroadcastSummary summary = broadcast->summary();
        const QList<TargetResult> results = broadcast->results();
        respond(HttpResponses::json(summary.isSuccess() ? 200 : 502,
                                    BroadcastJson::toJson(summary, results, &broadcast->comparison())));
    });
}

} // namespace herald
