#pragma once

#include "serve/routetable.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

class QFileSystemWatcher;

namespace herald {

class TargetSource;

// The live routes: a RouteTable from the routes file with a TargetSource per route. Reloads
// when the file changes (including a Kubernetes ConfigMap's symlink swap) and, as a safety net,
// every few seconds; a broken file keeps the last good routes and logs why.
class RouteSet : public QObject
{
    Q_OBJECT
public:
    RouteSet(const QString &path, const BroadcastOptions &defaults, QObject *parent = nullptr);

    // Loads the file; false (with the reason) when the first load fails, which stops the start.
    bool load(QString *error);
    const RouteTable &table() const { return m_table; }
    TargetSource *source(int routeIndex) const { return m_sources.at(routeIndex); }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void reloaded();
    void reloadFailed(const QString &reason);

private:
    void reloadIfChanged();

    QString m_path;
    BroadcastOptions m_defaults;
    RouteTable m_table;
    std::vector<TargetSource *> m_sources;
    QByteArray m_lastContent;
    QString m_lastError;
    QFileSystemWatcher *m_watcher;
    QTimer m_poll;
};

} // namespace herald
