#include "transport/transportfactory.h"

#include "transport/curltransport.h"
#include "transport/qnamtransport.h"
#include "transport/threadedtransport.h"

namespace herald {

bool parseTransportKind(const QString &text, TransportKind *kind)
{
    if (text == QLatin1String("qnam"))
        *kind = TransportKind::Qnam;
    else if (text == QLatin1String("curl"))
        *kind = TransportKind::Curl;
    else
        return false;
    return true;
}

QString transportKindName(TransportKind kind)
{
    return kind == TransportKind::Curl ? QStringLiteral("curl") : QStringLiteral("qnam");
}

Transport *createTransport(TransportKind kind, bool verifyPeer, int threads)
{
    // In the calling thread, before the workers: initialised from a worker, OpenSSL (under curl)
    // kept that worker's error state past its exit, which LeakSanitizer reported.
    if (threads > 0 && kind == TransportKind::Curl)
        CurlTransport::initGlobal();
    if (threads > 0)
        return new ThreadedTransport(threads, [kind, verifyPeer] { return createTransport(kind, verifyPeer); });
    if (kind == TransportKind::Curl) {
        auto *transport = new CurlTransport;
        transport->setVerifyPeer(verifyPeer);
        return transport;
    }
    auto *transport = new QnamTransport;
    transport->setVerifyPeer(verifyPeer);
    return transport;
}

} // namespace herald
