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
    , m_format(Format::Json)
    , m_defaults(defaults)
    , m_watcher(new QFileSystemWatcher(this))
{
    watch();
}

RouteSet::RouteSet(const QString &path, const RequestCloneReader::Settings &settings, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_format(Format::RequestClones)
    , m_defaults(settings.defaults)
    , m_cloneSettings(settings)
    , m_watcher(new QFileSystemWatcher(this))
{
    watch();
}

void RouteSet::watch()
{
    // Watch the directory too: a ConfigMap update replaces a symlink, which a file watch misses.
    m_watcher->addPath(QFileInfo(m_path).absolutePath());
    if (QFile::exists(m_path))
        m_watcher->addPath(m_path);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &RouteSet::reloadIfChanged);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &RouteSet::reloadIfChanged);
    connect(&m_poll, &QTimer::timeout, this, &RouteSet::reloadIfChanged);
    m_poll.start(5000);
}

bool RouteSet::read(QByteArray *content, QString *error) const
{
    const QStringList files = m_format == Format::Json ? QStringList{m_path} : RequestCloneReader::files(m_path);
    content->clear();
    for (const QString &name : files) {
        QFile file(name);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: %2").arg(name, file.errorString());
            return false;
        }
        if (m_format == Format::RequestClones)
            content->append(name.toUtf8() + '\0' + QByteArray::number(file.size()) + '\0');
        content->append(file.readAll());
    }
    return true;
}

bool RouteSet::parse(QString *error, RouteTable *table) const
{
    QString problem;
    if (m_format == Format::Json) {
        if (!RouteTable::parse(m_lastContent, m_defaults, table, &problem)) {
            *error = QStringLiteral("routes file %1: %2").arg(m_path, problem);
            return false;
        }
        return true;
    }
    QList<RequestCloneReader::Clone> clones;
    for (const QString &name : RequestCloneReader::files(m_path)) {
        QFile file(name);
        if (!file.open(QIODevice::ReadOnly)
            || !RequestCloneReader::parse(file.readAll(), QFileInfo(name).fileName(), &clones, &problem)) {
            *error = QStringLiteral("RequestClones %1: %2").arg(m_path, problem.isEmpty() ? file.errorString() : problem);
            return false;
        }
    }
    *table = RequestCloneReader::routes(clones, m_cloneSettings);
    return true;
}

bool RouteSet::load(QString *error)
{
    QByteArray content;
    if (!read(&content, error)) {
        *error = (m_format == Format::Json ? QStringLiteral("routes file ") : QStringLiteral("RequestClones ")) + *error;
        return false;
    }
    const QByteArray previous = std::exchange(m_lastContent, content);
    RouteTable table;
    if (!parse(error, &table)) {
        m_lastContent = previous;
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
    m_lastError.clear();
    return true;
}

QList<Target> RouteSet::allTargets() const
{
    QList<Target> targets;
    for (const TargetSource *source : m_sources) {
        for (const Target &target : source->targets()) {
            if (!targets.contains(target))
                targets.append(target);
        }
    }
    return targets;
}

void RouteSet::reloadIfChanged()
{
    if (QFile::exists(m_path) && !m_watcher->files().contains(m_path) && !m_watcher->directories().contains(m_path))
        m_watcher->addPath(m_path);
    QByteArray content;
    QString error;
    if (!read(&content, &error) || content == m_lastContent)
        return;
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
