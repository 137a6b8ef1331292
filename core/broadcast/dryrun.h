#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "policy/headerpolicy.h"
#include "targets/target.h"
#include "transport/transport.h"
#include "util/curlcommand.h"

#include <QJsonObject>
#include <QList>

namespace herald {

// What each target would receive for a broadcast, worked out by the code that sends it
// (TargetRequest) and sent nowhere: method, URL, headers after the header policy, body size and hash.
class DryRun
{
public:
    // The header that asks serve for a dry run; it is never forwarded, asked for or not.
    static constexpr const char *header = "X-Herald-Dry-Run";

    struct Entry
    {
        Target target;
        TransportRequest request; // its headers include the Content-Length the transport frames a body with
        QByteArray bodySha256;    // hex
    };

    static DryRun plan(const BroadcastRequest &request, const QList<Target> &targets, const HeaderPolicy &policy,
                       const BroadcastOptions &options);
    // "1", "true", "yes" ask for one; "", "0", "false", "no" do not; anything else sets *error.
    static bool parseFlag(const QByteArray &value, bool *dryRun, QString *error);

    const QList<Entry> &entries() const { return m_entries; }
    // {"dryRun": true, "targets": [{"bodyBytes", "bodySha256", "headers": [[name, value], ...], "method",
    //  "target", "url"}]}: headers as pairs, in the order sent, repeats kept.
    QJsonObject toJson() const;
    // The same request as a curl command line (for `herald send --print-curl`), the target's TLS
    // settings included; `verifyPeer` is the face's default, which a target's own "verify" beats.
    CurlCommand curlFor(int index, bool verifyPeer = true) const;

private:
    QList<Entry> m_entries;
};

} // namespace herald
