#pragma once

#include "transport/deadlinelist.h"
#include "transport/leanconnection.h"
#include "transport/leanrequestcache.h"
#include "transport/leanresolver.h"
#include "transport/transport.h"

#include <QPointer>

namespace herald {

class LeanTransport;

// One request on a LeanTransport, seen through the TransportCall interface: resolve, take a
// pooled connection (or open one), send, read the answer, give the connection back. A reused
// connection that closes before any byte of the answer is retried once on a fresh one, as curl
// does: the request is still whole in its buffers, and the backend saw nothing of it.
class LeanCall : public TransportCall
{
    Q_OBJECT
public:
    LeanCall(LeanTransport *transport, const TransportRequest &request, QObject *parent);
    ~LeanCall() override;
    void abort() override;

private:
    friend class LeanTransport;
    void start(const TransportRequest &request);
    void onResolved(const LeanEndpointPtr &endpoint, const QString &error);
    void attach(bool fresh);
    // What the connection made of its last events (or of the first write).
    void onProgress(LeanConnection::Progress progress);
    void onTimeout();
    void fail(TransportError error, const QString &message);
    void finish(const TransportResponse &response);
    void dropConnection();
    // The transport is going away: nothing more happens, finished() never comes.
    void detach();

    QPointer<LeanTransport> m_transport;
    LeanWire m_wire;
    LeanEndpointPtr m_endpoint;
    LeanConnection *m_connection = nullptr;
    DeadlineList::Entry m_deadline;
    int m_timeoutMs;
    int m_bodyLimit;
    bool m_keepAllHeaders;
    QByteArrayList m_keptHeaders; // the connection's parser reads it while the exchange lasts
    bool m_hasDeadline = false;
    bool m_retried = false;
    bool m_starting = false; // inside send(): finished() must wait for the caller to connect
    bool m_ended = false;    // answered, failed or aborted
    bool m_aborted = false;
};

} // namespace herald
