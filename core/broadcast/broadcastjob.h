#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

namespace herald {

class Broadcast;

// One async broadcast that clients follow by id: its per-target progress while it runs, then its
// final results, kept as a JSON snapshot so the Broadcast (and the response bodies it holds) is freed.
class BroadcastJob : public QObject
{
    Q_OBJECT
public:
    enum class State { Running, Finished, Cancelled };

    // Follows `broadcast`, which must not have finished yet (a fresh one from Broadcaster::start).
    BroadcastJob(const QString &id, Broadcast *broadcast, QObject *parent = nullptr);

    const QString &id() const { return m_id; }
    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    static QString stateName(State state);
    // {"id", "state", then the broadcast's answer JSON: "ok", "policy", "summary", "targets", "groups"...}.
    QByteArray toJson() const;
    // Stops the targets not done yet (they end as cancelled); the finished ones keep their results.
    void cancel();

Q_SIGNALS:
    void finished();

private:
    void onFinished();
    QByteArray snapshot() const;

    QString m_id;
    QPointer<Broadcast> m_broadcast;
    QByteArray m_final;
    State m_state = State::Running;
    bool m_cancelling = false;
};

} // namespace herald
