#include "store/storemigration.h"

#include "store/historystore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcStore, "herald.store")

namespace herald {

namespace {

const QStringList sqliteSidecars = {QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")};

// "a.json" -> "a-from-gui.json", then "a-from-gui-2.json"...: still a valid profile name.
QString freeName(const QString &path)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    const QString stem = info.completeBaseName().isEmpty() ? info.fileName() : info.completeBaseName();
    for (int i = 1;; ++i) {
        const QString tag = i == 1 ? QStringLiteral("-from-gui") : QStringLiteral("-from-gui-%1").arg(i);
        const QString candidate = info.dir().filePath(stem + tag + suffix);
        if (!QFileInfo::exists(candidate))
            return candidate;
    }
}

// Empty folders left behind go, deepest first; anything still holding a file stays.
void removeEmptyFolders(const QString &root)
{
    QStringList folders;
    QDirIterator it(root, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        folders.prepend(it.next());
    for (const QString &folder : folders)
        QDir().rmdir(folder);
    QDir().rmdir(root);
}

} // namespace

StoreMigration::StoreMigration(const StoreLocation &location)
    : m_location(location)
{
}

QStringList StoreMigration::run()
{
    m_lines.clear();
    moveTree(m_location.legacyGuiConfigDirectory(), m_location.configDirectory());
    moveTree(m_location.legacyGuiDataDirectory(), m_location.dataDirectory());
    return m_lines;
}

void StoreMigration::note(const QString &line)
{
    qCInfo(lcStore).noquote() << line;
    m_lines.append(line);
}

void StoreMigration::moveTree(const QString &from, const QString &to)
{
    if (!QFileInfo(from).isDir())
        return;
    const QDir root(from);
    QStringList files;
    QDirIterator it(from, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    const QString history = root.filePath(QFileInfo(m_location.historyPath()).fileName());
    for (const QString &file : files) {
        const QString target = QDir(to).filePath(root.relativeFilePath(file));
        if (file == history)
            moveHistory(file, target);
        else if (!(file.startsWith(history) && sqliteSidecars.contains(file.mid(history.size()))))
            moveFile(file, target); // a history's sidecar files go with it, or not at all
    }
    removeEmptyFolders(from);
}

void StoreMigration::moveFile(const QString &from, const QString &to)
{
    const QString target = QFileInfo::exists(to) ? freeName(to) : to;
    if (!QDir().mkpath(QFileInfo(target).absolutePath())) {
        note(QStringLiteral("kept %1 where it is: cannot create %2").arg(from, QFileInfo(target).absolutePath()));
        return;
    }
    QFile file(from);
    // rename() never replaces an existing file, and copies and removes across file systems.
    if (!file.rename(target)) {
        note(QStringLiteral("kept %1 where it is: %2").arg(from, file.errorString()));
        return;
    }
    if (target == to)
        note(QStringLiteral("moved %1 to %2").arg(from, to));
    else
        note(QStringLiteral("moved %1 to %2 (%3 exists already)").arg(from, target, to));
}

void StoreMigration::moveHistory(const QString &from, const QString &to)
{
    // A write-ahead log (or rollback journal) beside the file holds changes not yet in it; opening
    // and closing the database settles them. If it is still there, another program has the history open.
    auto pending = [&from] {
        return QFileInfo::exists(from + sqliteSidecars.at(0)) || QFileInfo::exists(from + sqliteSidecars.at(2));
    };
    if (pending()) {
        HistoryStore settle(from);
        settle.open(nullptr);
    }
    if (pending()) {
        note(QStringLiteral("kept %1 where it is: it is in use (a -wal or -journal file is beside it)").arg(from));
        return;
    }
    if (!QFileInfo::exists(to)) {
        moveFile(from, to);
        QFile::remove(from + sqliteSidecars.at(1)); // shared memory index, rebuilt on open
        return;
    }
    QString error;
    int added = -1;
    {
        HistoryStore history(to);
        if (history.open(&error))
            added = history.merge(from, &error);
    }
    if (added < 0) {
        note(QStringLiteral("kept %1 where it is: %2").arg(from, error));
        return;
    }
    if (!QFile::remove(from)) {
        note(QStringLiteral("merged %1 broadcasts from %2 into %3, but cannot remove it").arg(added).arg(from, to));
        return;
    }
    QFile::remove(from + sqliteSidecars.at(1));
    note(QStringLiteral("merged %1 broadcasts from %2 into %3 (which exists already)").arg(added).arg(from, to));
}

} // namespace herald
