#pragma once

#include "broadcast/broadcastoptions.h"
#include "policy/headerpolicy.h"
#include "relay/relayagent.h"

#include "store/historystore.h"
#include "targets/targetsourcespec.h"
#include "transport/transportfactory.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace herald {

// What a decided broadcast answers: the JSON summary, or the winning target's own answer (its
// status, headers and body); auto is the winner under `first` and the summary otherwise.
enum class AnswerMode { Auto, Summary, Winner };

// Everything `herald serve` is configured with, parsed once (ServeSettings) and then read only.
struct ServeConfig
{
    QHostAddress listenAddress = QHostAddress::Any;
    quint16 listenPort = 8080;
    bool adminListenEnabled = false; // a separate port for probes, metrics and the admin API
    QHostAddress adminAddress = QHostAddress::Any;
    quint16 adminPort = 0;
    QString probePrefix;               // probes and metrics at {prefix}/healthz etc. on the main port
    bool metricsListenEnabled = false; // a port of its own for /metrics (k8sreq-duplicator's METRICS_ADDR)
    QHostAddress metricsAddress = QHostAddress::Any;
    quint16 metricsPort = 0;

    TargetSourceSpec source;
    bool sourceConfigured = false;
    BroadcastOptions options;
    HeaderPolicy headerPolicy;
    int perTargetConcurrency = 6;
    int totalConcurrency = 512;
    int circuitThreshold = 5;
    int circuitCooldownMs = 10000;
    bool insecureTargets = false;
    TransportKind transport = TransportKind::Lean;
    int transportThreads = 0; // > 0: the HTTP work runs in that many worker threads
    int workers = 1;          // event loops, each with its own listening socket (SO_REUSEPORT) and transport

    qint64 maxBodyBytes = 10 * 1024 * 1024;
    int maxHeaderBytes = 32 * 1024; // as Varnish's http_req_size: a larger head would not reach it anyway
    int headerTimeoutMs = 10000;
    int idleTimeoutMs = 60000;
    int maxConnections = 1024;
    int asyncQueueLimit = 1000;
    int maxInFlight = 2000; // broadcasts under way; beyond it, 503 with Retry-After instead of queueing without bound
    int drainTimeoutMs = 30000;
    int jobTtlMs = 10 * 60 * 1000; // an async broadcast's results stay readable this long after it finished
    int jobMax = 1000;             // async broadcasts kept at once, running and finished
    QString tlsCertFile;
    QString tlsKeyFile;

    QByteArray adminToken;
    QByteArray authToken;
    QList<QPair<QHostAddress, int>> allowedClients; // CIDRs; empty allows everyone
    QStringList corsOrigins;

    QString broadcastPath;  // non-empty: only this path is broadcast
    bool requestId = false; // X-Request-ID taken or made, forwarded and echoed
    QString healthPath;     // extra local liveness path ({"status":"healthy"})
    QString versionPath;    // local version path
    bool metricsEnabled = true;
    bool echo = false; // HERALD_TARGETS=localonly: no targets, each request answered with itself
    bool echoFull = false;
    bool echoHeader = false;
    AnswerMode answerMode = AnswerMode::Auto;
    qint64 answerMaxBodyBytes = 64 * 1024 * 1024; // a winner's body above it: 502, never a cut body
    QString targetsUpdatePath;                    // POST {path}?backends=a,b replaces the static targets; "" off
    // Clients that may use targetsUpdatePath without the admin token: loopback by default.
    QList<QPair<QHostAddress, int>> adminAllowedClients{QHostAddress::parseSubnet(QStringLiteral("127.0.0.0/8")),
                                                        QHostAddress::parseSubnet(QStringLiteral("::1/128"))};

    QString logFormat = QStringLiteral("text");
    QString logLevel = QStringLiteral("info");
    QString configFile;
    QString routesFile;
    QString requestClonesPath;                               // RequestClone manifests: a file or a directory
    QString clusterDomain = QStringLiteral("cluster.local"); // <service>.<namespace>.svc.<domain>
    bool routesPolicySet = false;                            // routes without a policy of their own take this
    OutcomePolicy routesPolicy;
    int unroutedStatus = 404; // no route matches and there is no default group
    QString relayUrl;         // redis://...: accepted requests go to the stream
    QByteArray relayStream = "herald";
    qint64 relayMaxLength = 1000000;
    int relayMaxAgeMs = 0;           // > 0: retention by age (XADD MINID) instead of by length
    bool relayAlsoBroadcast = false; // and to this instance's own targets too
    int relayTimeoutMs = 5000;       // Redis must answer a publish (and a PING) within this
    // HERALD_RELAY_ENDPOINT (AGENT_ENDPOINT): this process also runs the relay agent, replaying the
    // stream to these local endpoints (http-broadcast's server and agent in one pod).
    bool agentEnabled = false;
    RelayAgent::Settings agent;
    QString profileDirectory;

    // The seed this instance stands in for (HERALD_COMPAT), why, and what it ignores.
    QString compatMode = QStringLiteral("none");
    QString compatAnnouncement; // the start-up line; "" for none
    QStringList compatIgnored;  // the seed's variables set here that mean nothing to Herald

    QString historyPath = HistoryStore::defaultPath(); // admin API profile runs are recorded here; empty: not at all
};

} // namespace herald
