#include "transport/leancall.h"

namespace herald {

LeanCall::LeanCall(LeanTransport *transport, QObject *parent)
    : TransportCall(parent)
    , m_exchange(transport, this, false)
{
}

} // namespace herald
