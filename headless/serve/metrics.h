#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <array>

namespace herald {

class Broadcast;
class Broadcaster;
class RelayPublisher;
class TargetSource;

// Counters and histograms of `herald serve`, rendered in the Prometheus text format.
// Label values are bounded: unknown method tokens are counted as "other".
class Metrics : public QObject
{
    Q_OBJECT
public:
    Metrics(Broadcaster *broadcaster, QObject *parent = nullptr);

    void watchSource(TargetSource *source);
    void watchPublisher(const RelayPublisher *publisher) { m_publisher = publisher; }
    void countRejected(const QString &reason);
    void countAsyncDropped() { countRejected(QStringLiteral("async_queue_full")); }
    QByteArray render() const;

private:
    struct Histogram
    {
        static constexpr std::array<double, 12> bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
        std::array<quint64, bounds.size()> counts{};
        quint64 total = 0;
        double sum = 0;
        void observe(double seconds);
        void render(QByteArray &out, const QByteArray &name) const;
    };

    void onBroadcastFinished(Broadcast *broadcast);
    static QString methodLabel(const QByteArray &method);

    Broadcaster *m_broadcaster;
    const RelayPublisher *m_publisher = nullptr;
    QHash<QString, quint64> m_broadcasts; // "method\noutcome"
    // Per target key (also the circuit state gauges' list): results by code, an HTTP status or,
    // without one, minus the TargetOutcome. One string lookup per target and broadcast.
    QHash<QString, QHash<int, quint64>> m_targetCodes;
    QHash<QString, quint64> m_rejected;
    quint64 m_retries = 0;
    quint64 m_disagreements = 0; // broadcasts whose targets answered in more than one way
    quint64 m_dnsRefreshes = 0;
    quint64 m_dnsErrors = 0;
    Histogram m_broadcastDuration;
    Histogram m_attemptLatency;
};

} // namespace herald
