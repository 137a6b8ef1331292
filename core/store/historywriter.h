#pragma once

#include "store/historyentry.h"

#include <QObject>
#include <QThreadPool>

namespace herald {

// Records broadcasts in the history on a thread of its own, one after another, so a face with an
// event loop to keep answering (serve) never waits for the disk or for SQLite's lock while the
// GUI or `herald send` writes. Destroying it waits for the entries still queued.
class HistoryWriter : public QObject
{
    Q_OBJECT
public:
    explicit HistoryWriter(QObject *parent = nullptr);
    ~HistoryWriter() override;

    // Queues the entry for the history at `path` (HistoryStore::append) and returns at once.
    void record(const QString &path, const HistoryEntry &entry);
    // Blocks until every queued entry is written; for shutdown and tests.
    void waitForDone();

Q_SIGNALS:
    // Emitted from the writing thread; a receiver in another thread gets it queued.
    void recorded(qint64 id);
    void failed(const QString &error);

private:
    QThreadPool m_pool;
};

} // namespace herald
