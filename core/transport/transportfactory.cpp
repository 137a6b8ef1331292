#include "transport/transportfactory.h"

#include "transport/curltransport.h"
#include "transport/leantransport.h"
#include "transport/qnamtransport.h"
#include "transport/routingtransport.h"
#include "transport/threadedtransport.h"

namespace herald {

bool parseTransportKind(const QString &text, TransportKind *kind)
{
    if (text == QLatin1String("qnam"))
        *kind = TransportKind::Qnam;
    else if (text == QLatin1String("curl"))
        *kind = TransportKind::Curl;
    else if (text == QLatin1String("lean"))
        *kind = TransportKind::Lean;
    else
        return false;
    return true;
}

QString transportKindName(TransportKind kind)
{
    switch (kind) {
    case TransportKind::Curl:
        return QStringLiteral("curl");
    case TransportKind::Lean:
        return QStringLiteral("lean");
    case TransportKind::Qnam:
        break;
    }
    return QStringLiteral("qnam");
}

Transport *createTransport(TransportKind kind, bool verifyPeer, int threads)
{
    // In the calling thread, before the workers: initialised from a worker, OpenSSL (under curl)
    // kept that worker's error state past its exit, which LeakSanitizer reported.
    if (threads > 0 && kind != TransportKind::Qnam) // lean sends https through curl
        CurlTransport::initGlobal();
    if (threads > 0)
        return new ThreadedTransport(threads, [kind, verifyPeer] { return createTransport(kind, verifyPeer); });
    if (kind == TransportKind::Curl) {
        auto *transport = new CurlTransport;
        transport->setVerifyPeer(verifyPeer);
        return transport;
    }
    if (kind == TransportKind::Lean)
        return new RoutingTransport(new LeanTransport, createTransport(TransportKind::Curl, verifyPeer));
    auto *transport = new QnamTransport;
    transport->setVerifyPeer(verifyPeer);
    return transport;
}

} // namespace herald
