#include "transport/transport.h"

namespace herald {

void TransportTicket::abort()
{
    if (id != 0 && transport)
        transport->abort(id, generation);
    transport = nullptr;
    id = 0;
    generation = 0;
}

TransportTicket Transport::start(const TransportRequest &request, TransportCallReceiver *receiver, int tag)
{
    TransportCall *call = send(request, this);
    call->setReceiver(receiver, tag);
    call->setDeleteWhenDone(true);
    return {this, reinterpret_cast<quintptr>(call), 0};
}

void Transport::abort(quintptr id, quint64)
{
    // Valid while the call has not delivered its end, which is the ticket's contract.
    auto *call = reinterpret_cast<TransportCall *>(id);
    call->abort();
    call->deleteLater();
}

} // namespace herald
