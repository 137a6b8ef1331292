#pragma once

#include "broadcast/dryrun.h"
#include "transport/transportfactory.h"

#include <QString>

namespace herald {

// What `herald send --dry-run` and `--print-curl` print: DryRun's entries as text, sending nothing.
class SendPreview
{
public:
    // Per target: its URL, "METHOD URL", each header as sent, and "body: N bytes, sha256 ..."; with
    // the qnam transport a footer line says what QNetworkAccessManager adds or rewrites itself.
    static QString dryRunText(const DryRun &run, TransportKind transport);
    // One curl command per target (CurlCommand::toShell), each after a "# TARGET" comment line.
    static QString curlText(const DryRun &run, bool insecure);
};

} // namespace herald
