#pragma once

#include <QString>

namespace herald {

class Transport;

// The HTTP clients behind core/transport.h. QNAM is the default for the GUI and
// `herald send`; libcurl's multi interface costs a fraction of QNAM's CPU per request and is
// the listener's default (docs/performance.md has the measurements). Lean is Herald's own
// HTTP/1.1 client (LeanTransport) with https:// and HTTP/2 routed to curl.
enum class TransportKind { Qnam, Curl, Lean };

// Accepts "qnam", "curl" and "lean"; returns false for anything else.
bool parseTransportKind(const QString &text, TransportKind *kind);
QString transportKindName(TransportKind kind);
// A new transport without a parent; peers' TLS certificates are checked unless verifyPeer is false.
// With threads > 0 the HTTP work runs in that many worker threads, each with its own transport
// (ThreadedTransport); with 0 it runs in the caller's thread.
Transport *createTransport(TransportKind kind, bool verifyPeer = true, int threads = 0);

} // namespace herald
