#pragma once

#include "transport/leanexchange.h"
#include "transport/transport.h"

namespace herald {

class LeanTransport;

// A LeanExchange behind the TransportCall interface, for LeanTransport::send(): the signal path
// that probes, checks and tests use. A broadcast's attempts take LeanTransport::start() instead.
class LeanCall : public TransportCall, private TransportCallReceiver
{
    Q_OBJECT
public:
    LeanCall(LeanTransport *transport, QObject *parent);
    void start(const TransportRequest &request) { m_exchange.start(request, this, 0); }
    void abort() override { m_exchange.abort(); }

private:
    void transportCallFinished(int, const TransportResponse &response) override { deliver(response); }

    LeanExchange m_exchange;
};

} // namespace herald
