#pragma once

#include "store/historyentry.h"

#include <QSqlDatabase>
#include <QString>

namespace herald {

// The broadcast history in an embedded SQLite database (Qt Sql, QSQLITE). Synchronous and
// single-threaded: the GUI drives it from a worker thread; `herald send` uses it directly.
// A corrupt or locked file is reported by open() and the caller carries on without history.
class HistoryStore
{
public:
    explicit HistoryStore(const QString &path = defaultPath());
    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    static QString defaultPath();

    bool open(QString *error);
    bool isOpen() const;
    QString path() const { return m_path; }

    // Stores the entry with its per-target results; returns the new id or 0.
    qint64 record(const HistoryEntry &entry, QString *error);
    // Opens the history at `path`, records the entry and closes it again: how every face records
    // a broadcast (`herald send` at once, serve through a HistoryWriter). Returns the id or 0.
    static qint64 append(const QString &path, const HistoryEntry &entry, QString *error);
    // Newest first. `text` matches method, path or profile; `outcome` is "", "met", "not met" or "no targets".
    QList<HistoryEntry> list(const QString &text = {}, const QString &outcome = {}, int limit = 500, QString *error = nullptr) const;
    // One entry with its per-target results; id 0 when not found.
    HistoryEntry entry(qint64 id, QString *error = nullptr) const;
    // Keeps at most `maxEntries` (0: no limit) no older than `maxAgeDays` (0: no limit); returns entries removed.
    int applyRetention(int maxEntries, int maxAgeDays, QString *error = nullptr);
    int count() const;
    // Adds the broadcasts of another history file (e.g. one left in an old folder) that this one
    // lacks, in one transaction: a failure adds nothing, merging the same file again adds nothing.
    // Returns the number added, or -1 with the error.
    int merge(const QString &otherPath, QString *error);

private:
    bool exec(const QString &statement, QString *error);
    int mergeAttached(QString *error);

    QString m_path;
    QString m_connectionName;
};

} // namespace herald
