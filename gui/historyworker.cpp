#include "historyworker.h"

#include "store/historystore.h"

namespace herald {

HistoryWorker::HistoryWorker()
{
    qRegisterMetaType<herald::HistoryEntry>();
    qRegisterMetaType<QList<herald::HistoryEntry>>();
}

HistoryWorker::~HistoryWorker() = default;

void HistoryWorker::open(const QString &path)
{
    m_store = std::make_unique<HistoryStore>(path);
    QString error;
    if (!m_store->open(&error)) {
        m_store.reset();
        Q_EMIT opened(false, error);
        return;
    }
    Q_EMIT opened(true, {});
}

void HistoryWorker::record(const HistoryEntry &entry, int keepEntries, int keepDays)
{
    if (!m_store)
        return;
    QString error;
    const qint64 id = m_store->record(entry, &error);
    if (id == 0) {
        Q_EMIT failed(error);
        return;
    }
    m_store->applyRetention(keepEntries, keepDays, &error);
    Q_EMIT recorded(id);
}

void HistoryWorker::list(const QString &text, const QString &outcome)
{
    if (!m_store)
        return;
    QString error;
    const QList<HistoryEntry> entries = m_store->list(text, outcome, 1000, &error);
    if (!error.isEmpty())
        Q_EMIT failed(error);
    Q_EMIT listed(entries);
}

void HistoryWorker::load(qint64 id)
{
    if (!m_store)
        return;
    QString error;
    const HistoryEntry entry = m_store->entry(id, &error);
    if (entry.id == 0) {
        Q_EMIT failed(error);
        return;
    }
    Q_EMIT loaded(entry);
}

} // namespace herald
