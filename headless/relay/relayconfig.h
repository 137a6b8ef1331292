#pragma once

#include "relay/relayagent.h"

#include <QHostAddress>
#include <QString>

namespace herald {

// Everything `herald relay` is configured with, parsed once (RelaySettings) and then read only.
struct RelayConfig
{
    RelayAgent::Settings agent;      // the Redis URL, stream, group, endpoints, retry deadline
    bool adminListenEnabled = false; // /healthz and /metrics on their own port
    QHostAddress adminAddress = QHostAddress::Any;
    quint16 adminPort = 0;
    QString logFormat = QStringLiteral("text");
    QString logLevel = QStringLiteral("info");
    QString configFile;
};

} // namespace herald
