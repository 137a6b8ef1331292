#pragma once

#include "serve/requestclonereader.h"
#include "serve/routetable.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>
#include <vector>

class QFileSystemWatcher;

namespace herald {

class TargetSource;

// The live routes: a RouteTable with a TargetSource per route, from the JSON routes file or from
// RequestClone manifests (a file or a directory). Reloads when they change (including a Kubernetes
// ConfigMap's symlink swap) and, as a safety net, every few seconds; a broken file keeps the last
// good routes and logs why.
//
// A reload never leaves a route without targets while they are looked up: a route whose targets
// are configured as before keeps its live source, and the new table takes over only once every new
// source has answered its first lookup (or after kStageTimeoutMs), the old one serving until then.
class RouteSet : public QObject
{
    Q_OBJECT
public:
    // The JSON routes file (HERALD_ROUTES).
    RouteSet(const QString &path, const BroadcastOptions &defaults, QObject *parent = nullptr);
    // RequestClone manifests (HERALD_REQUESTCLONES).
    RouteSet(const QString &path, const RequestCloneReader::Settings &settings, QObject *parent = nullptr);

    // Loads the file; false (with the reason) when the first load fails, which stops the start.
    bool load(QString *error);
    const RouteTable &table() const { return m_table; }
    TargetSource *source(int routeIndex) const { return m_sources.at(routeIndex); }
    // Every route's targets, for the health probe when the routes are all there is.
    QList<Target> allTargets() const;
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void reloaded();
    void reloadFailed(const QString &reason);

private:
    enum class Format { Json, RequestClones };

    void watch();
    // The text the routes come from (for RequestClones, every file's name and content), so a
    // reload happens only when it changed.
    bool read(QByteArray *content, QString *error) const;
    bool parse(QString *error, RouteTable *table) const;
    void reloadIfChanged();
    // The new table with its sources: the live ones it keeps, and new ones, now looking up.
    void stage(const RouteTable &table);
    // The staged table becomes the live one; the sources it no longer uses are deleted.
    void commit();
    void discardStaged();
    static QByteArray targetsKey(const Route &route);

    static constexpr int kStageTimeoutMs = 10000;

    QString m_path;
    Format m_format;
    BroadcastOptions m_defaults;
    RequestCloneReader::Settings m_cloneSettings;
    RouteTable m_table;
    std::vector<TargetSource *> m_sources;
    std::vector<QByteArray> m_sourceKeys; // targetsKey of each live route, to find a source to keep
    bool m_live = false;                  // a table has been committed
    bool m_staging = false;
    RouteTable m_staged;
    std::vector<TargetSource *> m_stagedSources;
    std::vector<QByteArray> m_stagedKeys;
    QSet<TargetSource *> m_awaited; // staged new sources whose first lookup has not answered
    QTimer m_stageDeadline;
    QByteArray m_lastContent;
    QString m_lastError;
    QFileSystemWatcher *m_watcher;
    QTimer m_poll;
};

} // namespace herald
