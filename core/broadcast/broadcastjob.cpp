#include "broadcast/broadcastjob.h"

#include "broadcast/broadcast.h"
#include "broadcast/broadcastjson.h"
#include "broadcast/responsecomparison.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

BroadcastJob::BroadcastJob(const QString &id, Broadcast *broadcast, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_broadcast(broadcast)
{
    connect(broadcast, &Broadcast::finished, this, &BroadcastJob::onFinished);
}

QString BroadcastJob::stateName(State state)
{
    switch (state) {
    case State::Running:
        return QStringLiteral("running");
    case State::Finished:
        return QStringLiteral("finished");
    case State::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QByteArray BroadcastJob::toJson() const
{
    return m_state == State::Running ? snapshot() : m_final;
}

void BroadcastJob::cancel()
{
    if (m_state != State::Running || !m_broadcast)
        return;
    m_cancelling = true;
    m_broadcast->cancel(); // finishes every target now, so finished() comes before this returns
}

void BroadcastJob::onFinished()
{
    m_state = m_cancelling ? State::Cancelled : State::Finished;
    // Still valid here: the Broadcast deletes itself only after its finished() handlers ran.
    m_final = snapshot();
    m_broadcast.clear();
    Q_EMIT finished();
}

QByteArray BroadcastJob::snapshot() const
{
    QJsonObject object;
    if (m_broadcast) {
        const QList<TargetResult> results = m_broadcast->results();
        object = BroadcastJson::toJson(m_broadcast->summary(), results, &m_broadcast->comparison());
    }
    object.insert(QLatin1String("id"), m_id);
    object.insert(QLatin1String("state"), stateName(m_state));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace herald
