#pragma once

#include "transport/transport.h"

namespace herald {

// Sends each request to the transport that can carry it: https:// and HTTP/2 to `full` (curl),
// plain HTTP/1.1 to `lean`. Owns both.
class RoutingTransport : public Transport
{
    Q_OBJECT
public:
    RoutingTransport(Transport *lean, Transport *full, QObject *parent = nullptr);
    TransportCall *send(const TransportRequest &request, QObject *parent) override;
    // The ticket is the chosen transport's, so aborting goes straight to it.
    TransportTicket start(const TransportRequest &request, TransportCallReceiver *receiver, int tag) override;
    // Whether `request` goes to the lean transport.
    static bool isLean(const TransportRequest &request);
    Transport *lean() const { return m_lean; }
    Transport *full() const { return m_full; }

private:
    Transport *m_lean;
    Transport *m_full;
};

} // namespace herald
