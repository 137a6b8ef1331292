#pragma once

#include "http/httpmessage.h"
#include "serve/serveconfig.h"
#include "broadcast/targetresult.h"

#include <QHash>
#include <QObject>

#include <functional>

namespace herald {

class Broadcast;
class Broadcaster;
class HistoryWriter;
class TargetSource;

// The runtime admin API: list targets with live status, replace/add/remove static targets,
// run a saved profile (recorded in the shared history), refresh DNS. Writes need HERALD_ADMIN_TOKEN;
// without one they are off.
class AdminApi : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const HttpServerResponse &)>;
    AdminApi(const ServeConfig &config, Broadcaster *broadcaster, TargetSource *source, QObject *parent = nullptr);

    // `path` is below the admin prefix: "targets", "refresh", "profiles/NAME/run".
    void handle(const HttpServerRequest &request, const QByteArray &path, Respond respond);
    void setConfig(const ServeConfig &config) { m_config = config; }

private:
    void listTargets(Respond &respond);
    void changeTargets(const HttpServerRequest &request, Respond &respond);
    void runProfile(const HttpServerRequest &request, const QString &name, Respond respond);
    void remember(Broadcast *broadcast);

    ServeConfig m_config;
    Broadcaster *m_broadcaster;
    TargetSource *m_source;
    HistoryWriter *m_history;
    QHash<QString, TargetResult> m_lastResults; // per target key
};

} // namespace herald
