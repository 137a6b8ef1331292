#include "serve/routeset.h"

#include "targets/targetsource.h"

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServe)

namespace herald {

RouteSet::RouteSet(const QString &path, const BroadcastOptions &defaults, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_defaults(defaults)
    , m_watcher(new QFileSystemWatcher(this))
{
    // Watch the directory too: a ConfigMap update replaces a symlink, which a file watch misses.
    m_watcher->addPath(QFileInfo(path).absolutePath());
    if (QFile::exists(path))
        m_watcher->addPath(path);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &RouteSet::reloadIfChanged);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &RouteSet::reloadIfChanged);
    connect(&m_poll, &QTimer::timeout, this, &RouteSet::reloadIfChanged);
    m_poll.start(5000);
}

bool RouteSet::load(QString *error)
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("routes file %1: %2").arg(m_path, file.errorString());
        return false;
    }
    const QByteArray content = file.readAll();
    RouteTable table;
    QString problem;
    if (!RouteTable::parse(content, m_defaults, &table, &problem)) {
        *error = QStringLiteral("routes file %1: %2").arg(m_path, problem);
        return false;
    }
    for (TargetSource *source : m_sources)
        source->deleteLater();
    m_sources.clear();
    for (const Route &route : std::as_const(table.routes)) {
        TargetSource *source = TargetSource::create(route.targets, this);
        source->refresh();
        m_sources.push_back(source);
    }
    m_table = table;
    m_lastContent = content;
    m_lastError.clear();
    return true;
}

void RouteSet::reloadIfChanged()
{
    if (QFile::exists(m_path) && !m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path);
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly) || file.readAll() == m_lastContent)
        return;
    QString error;
    if (load(&error)) {
        qCInfo(lcServe).noquote() << "routes reloaded:" << m_table.routes.size() << "routes from" << m_path;
        Q_EMIT reloaded();
        return;
    }
    if (error != m_lastError)
        qCWarning(lcServe).noquote() << "routes not reloaded, keeping the last good ones:" << error;
    m_lastError = error;
    Q_EMIT reloadFailed(error);
}

} // namespace herald
