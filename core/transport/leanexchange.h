#pragma once

#include "transport/deadlinelist.h"
#include "transport/leanconnection.h"
#include "transport/leanrequestcache.h"
#include "transport/leanresolver.h"
#include "transport/transport.h"

namespace herald {

class LeanTransport;

// One request on a LeanTransport: resolve, take a pooled connection (or open one), send, read
// the answer, give the connection back, tell the receiver. A plain object, not a QObject: the
// transport keeps those of start() on a free list, and a LeanCall holds one for send(). A reused
// connection that closes before any byte of the answer is retried once on a fresh one, as curl
// does: the request is still whole in its buffers, and the backend saw nothing of it.
class LeanExchange
{
public:
    // `context` guards a pending name lookup: the LeanCall that holds the exchange, or the
    // transport for pooled ones (which live as long as it does).
    LeanExchange(LeanTransport *transport, QObject *context, bool pooled);
    ~LeanExchange();
    LeanExchange(const LeanExchange &) = delete;
    LeanExchange &operator=(const LeanExchange &) = delete;

    // The end goes to `receiver` with `tag`; never within start().
    void start(const TransportRequest &request, TransportCallReceiver *receiver, int tag);
    // Stops the exchange; the receiver is not told. A pooled one goes back to the free list.
    void abort();
    bool isPooled() const { return m_pooled; }

private:
    friend class LeanTransport;
    void onResolved(const LeanEndpointPtr &endpoint, const QString &error);
    void attach(bool fresh);
    // What the connection made of its last events (or of the first write).
    void onProgress(LeanConnection::Progress progress);
    void onTimeout();
    void fail(TransportError error, const QString &message);
    void finish(const TransportResponse &response);
    // Tells the receiver (a finish() deferred out of start() comes here later too).
    void deliver(const TransportResponse &response);
    void dropConnection();
    void clearDeadline();
    // The transport is going away: nothing more happens, the receiver is never told.
    void detach();

    LeanTransport *m_transport;
    QObject *m_context;
    const bool m_pooled;
    quint64 m_generation = 0; // a lookup answer for an earlier use of a pooled exchange is dropped
    TransportCallReceiver *m_receiver = nullptr;
    int m_tag = 0;
    LeanWire m_wire;
    LeanEndpointPtr m_endpoint;
    LeanConnection *m_connection = nullptr;
    DeadlineList::Entry m_deadline;
    int m_bodyLimit = 0;
    bool m_keepAllHeaders = true;
    QByteArrayList m_keptHeaders; // the connection's parser reads it while the exchange lasts
    bool m_hasDeadline = false;
    bool m_retried = false;
    bool m_starting = false; // inside start(): the end must wait for the caller
    bool m_active = false;   // started, and neither told nor aborted yet
};

} // namespace herald
