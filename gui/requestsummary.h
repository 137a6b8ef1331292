#pragma once

#include "broadcast/broadcastrequest.h"

#include <QCoreApplication>
#include <QString>

namespace herald {

// How the history tells two requests apart at a glance: their headers, and their body as size,
// content type and either its first characters (text) or the start of its SHA-256 (binary).
class RequestSummary
{
    Q_DECLARE_TR_FUNCTIONS(RequestSummary)

public:
    static QString headers(const BroadcastRequest &request, const QString &separator);
    static QString body(const BroadcastRequest &request); // "" for no body
    // Method, path, every header on its own line, then the body's summary.
    static QString text(const BroadcastRequest &request);
};

} // namespace herald
