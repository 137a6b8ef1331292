#include "transport/transportworker.h"

namespace herald {

TransportWorker::TransportWorker(Factory factory, Reply reply)
    : m_factory(std::move(factory))
    , m_reply(std::move(reply))
{
}

TransportWorker::~TransportWorker()
{
    for (TransportCall *call : qAsConst(m_calls))
        call->abort();
}

void TransportWorker::start(quint64 id, const TransportRequest &request)
{
    if (!m_transport) {
        m_transport = m_factory();
        m_transport->setParent(this);
    }
    TransportCall *call = m_transport->send(request, this);
    m_calls.insert(id, call);
    connect(call, &TransportCall::finished, this, [this, id, call](const TransportResponse &response) {
        m_calls.remove(id);
        call->deleteLater();
        m_reply(id, response);
    });
}

void TransportWorker::abort(quint64 id)
{
    if (TransportCall *call = m_calls.take(id)) {
        call->abort();
        call->deleteLater();
    }
}

} // namespace herald
