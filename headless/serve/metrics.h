#pragma once

#include "serve/metricssnapshot.h"

#include <QObject>
#include <QString>

namespace herald {

class Broadcast;
class Broadcaster;
class RelayPublisher;
class TargetSource;

// Counters and histograms of one `herald serve` event loop, rendered in the Prometheus text format.
// Label values are bounded: unknown method tokens are counted as "other".
class Metrics : public QObject
{
    Q_OBJECT
public:
    Metrics(Broadcaster *broadcaster, QObject *parent = nullptr);

    void watchSource(TargetSource *source);
    void watchPublisher(const RelayPublisher *publisher) { m_publisher = publisher; }
    // With HERALD_WORKERS >= 2: this event loop's number, for herald_worker_broadcasts_total.
    void setWorker(int worker);
    void countRejected(const QString &reason);
    void countAsyncDropped() { countRejected(QStringLiteral("async_queue_full")); }
    // The counters with the gauges (circuit states, broadcasts in flight) read now; on this thread.
    MetricsSnapshot snapshot() const;
    QByteArray render() const { return snapshot().render(); }

private:
    void onBroadcastFinished(Broadcast *broadcast);
    static QString methodLabel(const QByteArray &method);

    Broadcaster *m_broadcaster;
    const RelayPublisher *m_publisher = nullptr;
    int m_worker = -1;
    MetricsSnapshot m_counts; // only its counters; the gauges are read by snapshot()
};

} // namespace herald
