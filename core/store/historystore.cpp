#include "store/historystore.h"

#include "store/storelocation.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace herald {

namespace {

QByteArray requestToJson(const BroadcastRequest &request)
{
    QJsonArray headers;
    for (const HttpHeader &header : request.headers)
        headers.append(QJsonArray{QString::fromLatin1(header.first), QString::fromLatin1(header.second)});
    return QJsonDocument(QJsonObject{{QLatin1String("headers"), headers},
                                     {QLatin1String("bodyBase64"), QString::fromLatin1(request.body.toBase64())}})
        .toJson(QJsonDocument::Compact);
}

void requestFromJson(const QByteArray &json, BroadcastRequest *request)
{
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    for (const QJsonValue &value : object.value(QLatin1String("headers")).toArray()) {
        const QJsonArray pair = value.toArray();
        request->headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
    }
    request->body = QByteArray::fromBase64(object.value(QLatin1String("bodyBase64")).toString().toLatin1());
}

TargetOutcome outcomeFromName(const QString &name)
{
    for (int value = int(TargetOutcome::None); value <= int(TargetOutcome::Cancelled); ++value) {
        if (targetOutcomeName(TargetOutcome(value)) == name)
            return TargetOutcome(value);
    }
    return TargetOutcome::None;
}

QString sqlError(const QString &what, const QSqlError &error)
{
    return QStringLiteral("history: %1: %2").arg(what, error.text());
}

} // namespace

HistoryStore::HistoryStore(const QString &path)
    : m_path(path)
    , m_connectionName(QStringLiteral("herald-history-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

HistoryStore::~HistoryStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString HistoryStore::defaultPath()
{
    return StoreLocation().historyPath();
}

bool HistoryStore::isOpen() const
{
    return QSqlDatabase::database(m_connectionName, false).isOpen();
}

bool HistoryStore::exec(const QString &statement, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (query.exec(statement))
        return true;
    if (error)
        *error = sqlError(QStringLiteral("'%1' failed").arg(statement.left(40)), query.lastError());
    return false;
}

bool HistoryStore::open(QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE"))) {
        if (error)
            *error = QStringLiteral("history: the Qt SQLite driver is not installed (Debian: libqt6sql6-sqlite)");
        return false;
    }
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    if (!db.open()) {
        if (error)
            *error = sqlError(QStringLiteral("cannot open %1").arg(m_path), db.lastError());
        return false;
    }
    // Reading the schema is the first real access: a corrupt file fails here, not later.
    QString failure;
    const bool ok = exec(QStringLiteral("PRAGMA foreign_keys = ON"), &failure)
                    && exec(QStringLiteral("PRAGMA journal_mode = WAL"), &failure)
                    && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS broadcasts ("
                                           "id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, "
                                           "origin TEXT, profile TEXT, method TEXT NOT NULL, path TEXT NOT NULL, "
                                           "request TEXT, policy TEXT, policy_met INTEGER, total INTEGER, "
                                           "succeeded INTEGER, failed INTEGER, duration_ms INTEGER, reason TEXT)"),
                            &failure)
                    && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS target_results ("
                                           "broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE, "
                                           "position INTEGER NOT NULL, target TEXT NOT NULL, outcome TEXT, status INTEGER, "
                                           "latency_ms INTEGER, attempts INTEGER, error TEXT)"),
                            &failure)
                    && exec(QStringLiteral("CREATE INDEX IF NOT EXISTS target_results_broadcast ON target_results(broadcast_id)"),
                            &failure);
    if (!ok) {
        db.close();
        if (error)
            *error = QStringLiteral("%1 (file %2; move it away to start a new history)").arg(failure, m_path);
        return false;
    }
    return true;
}

qint64 HistoryStore::record(const HistoryEntry &entry, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.isOpen()) {
        if (error)
            *error = QStringLiteral("history: not open");
        return 0;
    }
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO broadcasts (started_at, origin, profile, method, path, request, policy, "
                                 "policy_met, total, succeeded, failed, duration_ms, reason) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(entry.startedAt.toMSecsSinceEpoch());
    query.addBindValue(entry.origin);
    query.addBindValue(entry.profile);
    query.addBindValue(QString::fromLatin1(entry.request.method));
    query.addBindValue(QString::fromUtf8(entry.request.pathAndQuery));
    query.addBindValue(QString::fromUtf8(requestToJson(entry.request)));
    query.addBindValue(entry.summary.policy.toString());
    query.addBindValue(entry.summary.policyMet ? 1 : 0);
    query.addBindValue(entry.summary.total);
    query.addBindValue(entry.summary.succeeded);
    query.addBindValue(entry.summary.failed);
    query.addBindValue(entry.summary.durationMs);
    query.addBindValue(entry.summary.reason);
    if (!query.exec()) {
        if (error)
            *error = sqlError(QStringLiteral("cannot record a broadcast"), query.lastError());
        db.rollback();
        return 0;
    }
    const qint64 id = query.lastInsertId().toLongLong();
    QSqlQuery target(db);
    target.prepare(QStringLiteral("INSERT INTO target_results (broadcast_id, position, target, outcome, status, latency_ms, "
                                  "attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    for (int i = 0; i < entry.results.size(); ++i) {
        const TargetResult &result = entry.results.at(i);
        target.addBindValue(id);
        target.addBindValue(i);
        target.addBindValue(result.target.baseUrl.toString());
        target.addBindValue(targetOutcomeName(result.outcome));
        target.addBindValue(result.status);
        target.addBindValue(result.latencyMs);
        target.addBindValue(int(result.attempts.size()));
        target.addBindValue(result.error);
        if (!target.exec()) {
            if (error)
                *error = sqlError(QStringLiteral("cannot record a target result"), target.lastError());
            db.rollback();
            return 0;
        }
    }
    if (!db.commit()) {
        if (error)
            *error = sqlError(QStringLiteral("cannot commit"), db.lastError());
        return 0;
    }
    return id;
}

qint64 HistoryStore::append(const QString &path, const HistoryEntry &entry, QString *error)
{
    HistoryStore history(path);
    return history.open(error) ? history.record(entry, error) : 0;
}

static HistoryEntry entryFromRow(const QSqlQuery &query)
{
    HistoryEntry entry;
    entry.id = query.value(0).toLongLong();
    entry.startedAt = QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong(), Qt::UTC);
    entry.origin = query.value(2).toString();
    entry.profile = query.value(3).toString();
    entry.request.method = query.value(4).toString().toLatin1();
    entry.request.pathAndQuery = query.value(5).toString().toUtf8();
    requestFromJson(query.value(6).toString().toUtf8(), &entry.request);
    entry.summary.policy = OutcomePolicy::parse(query.value(7).toString(), nullptr);
    entry.summary.policyMet = query.value(8).toInt() != 0;
    entry.summary.total = query.value(9).toInt();
    entry.summary.succeeded = query.value(10).toInt();
    entry.summary.failed = query.value(11).toInt();
    entry.summary.durationMs = query.value(12).toLongLong();
    entry.summary.reason = query.value(13).toString();
    entry.summary.finished = true;
    return entry;
}

static const char *const entryColumns = "id, started_at, origin, profile, method, path, request, policy, policy_met, total, "
                                        "succeeded, failed, duration_ms, reason";

QList<HistoryEntry> HistoryStore::list(const QString &text, const QString &outcome, int limit, QString *error) const
{
    QList<HistoryEntry> entries;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    QString sql = QStringLiteral("SELECT %1 FROM broadcasts WHERE 1=1").arg(QLatin1String(entryColumns));
    if (!text.isEmpty())
        sql += QStringLiteral(" AND (method LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\' OR profile LIKE ? ESCAPE '\\')");
    if (outcome == QLatin1String("met"))
        sql += QStringLiteral(" AND policy_met = 1");
    else if (outcome == QLatin1String("not met"))
        sql += QStringLiteral(" AND policy_met = 0 AND total > 0");
    else if (outcome == QLatin1String("no targets"))
        sql += QStringLiteral(" AND total = 0");
    sql += QStringLiteral(" ORDER BY started_at DESC, id DESC LIMIT ?");
    query.prepare(sql);
    if (!text.isEmpty()) {
        QString pattern = text;
        pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
        for (int i = 0; i < 3; ++i)
            query.addBindValue(pattern);
    }
    query.addBindValue(limit);
    if (!query.exec()) {
        if (error)
            *error = sqlError(QStringLiteral("cannot list"), query.lastError());
        return entries;
    }
    while (query.next())
        entries.append(entryFromRow(query));
    return entries;
}

HistoryEntry HistoryStore::entry(qint64 id, QString *error) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM broadcasts WHERE id = ?").arg(QLatin1String(entryColumns)));
    query.addBindValue(id);
    if (!query.exec() || !query.next()) {
        if (error)
            *error = query.lastError().isValid() ? sqlError(QStringLiteral("cannot read"), query.lastError())
                                                 : QStringLiteral("history: no entry %1").arg(id);
        return {};
    }
    HistoryEntry entry = entryFromRow(query);
    QSqlQuery targets(db);
    targets.prepare(QStringLiteral("SELECT target, outcome, status, latency_ms, attempts, error FROM target_results "
                                   "WHERE broadcast_id = ? ORDER BY position"));
    targets.addBindValue(id);
    if (targets.exec()) {
        while (targets.next()) {
            TargetResult result;
            result.target = Target::parse(targets.value(0).toString(), nullptr);
            result.outcome = outcomeFromName(targets.value(1).toString());
            result.state = TargetState::Done;
            result.status = targets.value(2).toInt();
            result.latencyMs = targets.value(3).toLongLong();
            for (int i = 0; i < targets.value(4).toInt(); ++i)
                result.attempts.append(AttemptRecord{i + 1, 0, 0, 0, {}});
            result.error = targets.value(5).toString();
            entry.results.append(result);
        }
    }
    return entry;
}

int HistoryStore::applyRetention(int maxEntries, int maxAgeDays, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    int removed = 0;
    if (maxAgeDays > 0) {
        query.prepare(QStringLiteral("DELETE FROM broadcasts WHERE started_at < ?"));
        query.addBindValue(QDateTime::currentDateTimeUtc().addDays(-maxAgeDays).toMSecsSinceEpoch());
        if (!query.exec()) {
            if (error)
                *error = sqlError(QStringLiteral("retention"), query.lastError());
            return removed;
        }
        removed += query.numRowsAffected();
    }
    if (maxEntries > 0) {
        query.prepare(QStringLiteral("DELETE FROM broadcasts WHERE id NOT IN "
                                     "(SELECT id FROM broadcasts ORDER BY started_at DESC, id DESC LIMIT ?)"));
        query.addBindValue(maxEntries);
        if (!query.exec()) {
            if (error)
                *error = sqlError(QStringLiteral("retention"), query.lastError());
            return removed;
        }
        removed += query.numRowsAffected();
    }
    return removed;
}

int HistoryStore::count() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (query.exec(QStringLiteral("SELECT COUNT(*) FROM broadcasts")) && query.next())
        return query.value(0).toInt();
    return 0;
}

int HistoryStore::merge(const QString &otherPath, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.isOpen() || !QFileInfo(otherPath).isFile()) { // ATTACH would create a missing file
        if (error)
            *error = db.isOpen() ? QStringLiteral("history: no file %1").arg(otherPath) : QStringLiteral("history: not open");
        return -1;
    }
    {
        QSqlQuery attach(db);
        attach.prepare(QStringLiteral("ATTACH DATABASE ? AS other"));
        attach.addBindValue(otherPath);
        if (!attach.exec()) {
            if (error)
                *error = sqlError(QStringLiteral("cannot open %1").arg(otherPath), attach.lastError());
            return -1;
        }
    }
    const int added = mergeAttached(error);
    QSqlQuery(db).exec(QStringLiteral("DETACH DATABASE other"));
    return added;
}

int HistoryStore::mergeAttached(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    db.transaction();
    QSqlQuery query(db);
    auto fail = [&](const QString &what) {
        if (error)
            *error = sqlError(what, query.lastError());
        query.finish();
        db.rollback();
        return -1;
    };
    if (!query.exec(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM main.broadcasts")) || !query.next())
        return fail(QStringLiteral("cannot merge"));
    // The other file's ids move past this one's last; a broadcast already here (same start,
    // method, path and origin) is skipped, so only rows with ids above the offset are new.
    const qint64 offset = query.value(0).toLongLong();
    query.prepare(QStringLiteral("INSERT INTO main.broadcasts (%1) SELECT id + ?, %2 FROM other.broadcasts o "
                                 "WHERE NOT EXISTS (SELECT 1 FROM main.broadcasts m WHERE m.started_at = o.started_at "
                                 "AND m.method = o.method AND m.path = o.path AND m.origin IS o.origin)")
                      .arg(QLatin1String(entryColumns), QLatin1String(entryColumns).mid(4)));
    query.addBindValue(offset);
    if (!query.exec())
        return fail(QStringLiteral("cannot merge broadcasts"));
    const int added = query.numRowsAffected();
    query.prepare(QStringLiteral("INSERT INTO main.target_results (broadcast_id, position, target, outcome, status, "
                                 "latency_ms, attempts, error) SELECT broadcast_id + ?, position, target, outcome, "
                                 "status, latency_ms, attempts, error FROM other.target_results "
                                 "WHERE broadcast_id + ? IN (SELECT id FROM main.broadcasts WHERE id > ?)"));
    for (int i = 0; i < 3; ++i)
        query.addBindValue(offset);
    if (!query.exec())
        return fail(QStringLiteral("cannot merge target results"));
    query.finish();
    if (!db.commit()) {
        if (error)
            *error = sqlError(QStringLiteral("cannot commit"), db.lastError());
        return -1;
    }
    return added;
}

} // namespace herald
