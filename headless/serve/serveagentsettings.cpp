#include "serve/serveagentsettings.h"

#include "relay/relayconfig.h"
#include "relay/relaysettings.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QHostInfo>

namespace herald {

QString ServeAgentSettings::load(const QHash<QString, QString> &environment, ServeConfig *config)
{
    if (config->relayUrl.isEmpty())
        return QStringLiteral("HERALD_RELAY_ENDPOINT (or AGENT_ENDPOINT): the agent replays the relay's stream, so "
                              "HERALD_RELAY_URL (or a redis:// HUB_ENDPOINT) is required too");
    QHash<QString, QString> agentEnvironment = environment;
    // The serve's config file holds serve keys, and its admin port is the serve's.
    agentEnvironment.remove(QStringLiteral("HERALD_CONFIG"));
    agentEnvironment.remove(QStringLiteral("HERALD_ADMIN_LISTEN"));
    agentEnvironment.remove(QStringLiteral("HERALD_INSTANCE_ID"));
    // What the publisher settled (from a file, a flag or an alias) wins over the environment.
    agentEnvironment.insert(QStringLiteral("HERALD_RELAY_URL"), config->relayUrl);
    agentEnvironment.insert(QStringLiteral("HERALD_RELAY_STREAM"), QString::fromUtf8(config->relayStream));
    agentEnvironment.insert(QStringLiteral("HERALD_RELAY_TIMEOUT"), formatDuration(config->relayTimeoutMs));
    QStringList urls;
    for (const Target &target : config->agent.endpoints.targets)
        urls.append(target.baseUrl.toString());
    agentEnvironment.insert(QStringLiteral("HERALD_RELAY_ENDPOINT"), urls.join(QLatin1Char(',')));

    QCommandLineParser noFlags;
    RelaySettings::addOptions(noFlags);
    if (!noFlags.parse({QStringLiteral("herald")}))
        return noFlags.errorText();
    RelayConfig relay;
    relay.agent.name = QHostInfo::localHostName().toUtf8();
    const QString error = RelaySettings::load(noFlags, agentEnvironment, &relay);
    if (!error.isEmpty())
        return QStringLiteral("the agent beside the server: %1").arg(error);
    config->agent = relay.agent;
    // One Via hop for the process: a request the agent replays back into this server is a loop.
    config->agent.instanceId = config->headerPolicy.instanceId;
    // The agent skips only what this process already delivered itself; by default nothing, so
    // the receiving pod's own backend gets each request once, through its agent.
    config->agent.skipOwn = config->relayAlsoBroadcast && config->sourceConfigured;
    return {};
}

} // namespace herald
