#include "serve/routeset.h"

#include "targets/targetsource.h"
#include "targets/targetsourcespec.h"

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>

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
    m_stageDeadline.setSingleShot(true);
    // A lookup that never answers does not hold the new routes back for ever.
    connect(&m_stageDeadline, &QTimer::timeout, this, &RouteSet::commit);
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
    stage(table);
    // The first load serves nothing yet: it is live at once, its sources looking up meanwhile
    // (the readiness probe waits for them). A reload waits for its new sources.
    if (!m_live || m_awaited.isEmpty())
        commit();
    m_lastError.clear();
    return true;
}

QByteArray RouteSet::targetsKey(const Route &route)
{
    // The spec as written, and what a static target carries beyond its URL.
    QByteArray key;
    for (const TargetSourceSpec &spec : route.targets) {
        key += QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact);
        for (const Target &target : spec.targets) {
            key += target.http2 ? " h2" : " h1";
            if (target.tls)
                key += QJsonDocument(target.tls->toJson()).toJson(QJsonDocument::Compact);
        }
        key += '\n';
    }
    return key;
}

void RouteSet::stage(const RouteTable &table)
{
    discardStaged();
    m_staging = true;
    m_staged = table;
    std::vector<bool> kept(m_sources.size(), false);
    for (const Route &route : std::as_const(m_staged.routes)) {
        const QByteArray key = targetsKey(route);
        TargetSource *source = nullptr;
        for (size_t i = 0; i < m_sources.size() && !source; ++i) {
            if (!kept[i] && m_sourceKeys[i] == key) {
                kept[i] = true;
                source = m_sources[i];
            }
        }
        if (!source) {
            source = TargetSource::create(route.targets, this);
            m_awaited.insert(source);
            connect(source, &TargetSource::refreshed, this, [this, source] {
                if (m_awaited.remove(source) && m_awaited.isEmpty() && m_staging)
                    commit();
            });
            source->refresh();
        }
        m_stagedSources.push_back(source);
        m_stagedKeys.push_back(key);
    }
    if (!m_awaited.isEmpty())
        m_stageDeadline.start(kStageTimeoutMs);
}

void RouteSet::commit()
{
    if (!m_staging)
        return;
    const bool reload = std::exchange(m_live, true);
    m_stageDeadline.stop();
    m_awaited.clear();
    for (TargetSource *source : m_sources) {
        if (std::find(m_stagedSources.begin(), m_stagedSources.end(), source) == m_stagedSources.end())
            source->deleteLater();
    }
    m_sources = std::exchange(m_stagedSources, {});
    m_sourceKeys = std::exchange(m_stagedKeys, {});
    m_table = std::exchange(m_staged, {});
    m_staging = false;
    if (reload) {
        qCInfo(lcServe).noquote() << "routes reloaded:" << m_table.routes.size() << "routes from" << m_path;
        Q_EMIT reloaded();
    }
}

void RouteSet::discardStaged()
{
    for (TargetSource *source : m_stagedSources) {
        if (std::find(m_sources.begin(), m_sources.end(), source) == m_sources.end())
            source->deleteLater();
    }
    m_stagedSources.clear();
    m_stagedKeys.clear();
    m_awaited.clear();
    m_stageDeadline.stop();
    m_staging = false;
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
    if (load(&error))
        return; // live now, or once its new sources have answered (commit)
    if (error != m_lastError)
        qCWarning(lcServe).noquote() << "routes not reloaded, keeping the last good ones:" << error;
    m_lastError = error;
    Q_EMIT reloadFailed(error);
}

} // namespace herald
