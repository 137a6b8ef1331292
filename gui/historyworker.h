#pragma once

#include "store/historyentry.h"

#include <QObject>

#include <memory>

namespace herald {

class HistoryStore;

// Runs the SQLite HistoryStore on its own thread so the GUI thread never waits for the disk.
// Call its slots through queued connections; answers come back as signals.
class HistoryWorker : public QObject
{
    Q_OBJECT
public:
    HistoryWorker();
    ~HistoryWorker() override;

public Q_SLOTS:
    void open(const QString &path);
    void record(const herald::HistoryEntry &entry, int keepEntries, int keepDays);
    void list(const QString &text, const QString &outcome);
    void load(qint64 id);

Q_SIGNALS:
    void opened(bool ok, const QString &error);
    void recorded(qint64 id);
    void listed(const QList<herald::HistoryEntry> &entries);
    void loaded(const herald::HistoryEntry &entry);
    void failed(const QString &error);

private:
    std::unique_ptr<HistoryStore> m_store;
};

} // namespace herald
