#pragma once

#include <QStringList>
#include <QUrl>

namespace herald {

struct ServeConfig;

// `herald probe`: the health check of a container or pod. It reads the configuration `herald serve`
// reads and asks that instance's /livez (or /readyz) on a path serve always answers itself, so a
// probe never reaches the backends and the instance's health never depends on the fleet's.
class ProbeCommand
{
public:
    enum ExitCode { Healthy = 0, Unhealthy = 1, ConfigError = 2 };

    // Parses `arguments` (starting with "probe"), probes, prints one line, returns the exit code.
    static int run(const QStringList &arguments);
    // The URL serve answers locally for `config`: the admin listener's if configured, else the
    // main one's with the probe prefix; loopback when serve binds every address. Empty and
    // `error` set when there is none to reach.
    static QUrl probeUrl(const ServeConfig &config, bool ready, QString *error);

private:
    static int probe(const QUrl &url, int timeoutMs);
};

} // namespace herald
