#include "store/historywriter.h"

#include "store/historystore.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace herald {

HistoryWriter::HistoryWriter(QObject *parent)
    : QObject(parent)
{
    // One thread: entries are written in the order the broadcasts finished, never two at once.
    m_pool.setMaxThreadCount(1);
}

HistoryWriter::~HistoryWriter()
{
    waitForDone();
}

void HistoryWriter::record(const QString &path, const HistoryEntry &entry)
{
    m_pool.start([this, path, entry] {
        QString error;
        const qint64 id = HistoryStore::append(path, entry, &error);
        if (id == 0) {
            qCWarning(lcStore).noquote() << "not recorded in the history:" << error;
            Q_EMIT failed(error);
            return;
        }
        Q_EMIT recorded(id);
    });
}

void HistoryWriter::waitForDone()
{
    m_pool.waitForDone();
}

} // namespace herald
