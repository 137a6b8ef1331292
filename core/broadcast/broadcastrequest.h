#pragma once

#include "util/httpheaders.h"

#include <QByteArray>
#include <QString>

namespace herald {

// The request to broadcast, as received. The body is an implicitly shared QByteArray:
// every target's attempt refers to the same bytes, none copies them.
struct BroadcastRequest
{
    QByteArray method = "GET";
    QByteArray pathAndQuery = "/"; // as it came on the request line, query included
    HttpHeaders headers;
    QByteArray body;
    QString clientAddress;            // for X-Forwarded-For; empty when sent from the CLI or GUI
    QByteArray clientScheme = "http"; // for X-Forwarded-Proto

    // Returns an empty string when the request can be broadcast, else the reason.
    QString validate() const;
};

} // namespace herald
