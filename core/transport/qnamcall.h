#pragma once

#include "transport/transport.h"

#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace herald {

// One QNetworkReply seen through the TransportCall interface: bounded body, own attempt timer.
class QnamCall : public TransportCall
{
    Q_OBJECT
public:
    QnamCall(QNetworkReply *reply, const TransportRequest &request, QObject *parent);
    ~QnamCall() override;
    void abort() override;

private:
    void readBody();
    void onFinished();
    void onTimeout();

    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    TransportResponse m_response;
    int m_bodyLimit;
    bool m_timedOut = false;
    bool m_done = false;
};

} // namespace herald
