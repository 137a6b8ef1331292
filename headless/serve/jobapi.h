#pragma once

#include "http/httpmessage.h"
#include "serve/serveconfig.h"

#include <QObject>

#include <functional>

namespace herald {

class JobRegistry;
class RelayPublisher;

// GET and DELETE on /_herald/jobs/{id}: an async broadcast's progress, results and cancellation
// (JobRegistry), or, for a request published to the relay, which agents acknowledged it. Behind
// the admin API's access control (AdminAccess).
class JobApi : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const HttpServerResponse &)>;

    // `publisher` may be null (no relay).
    JobApi(const ServeConfig &config, JobRegistry *jobs, RelayPublisher *publisher, QObject *parent = nullptr);
    void setConfig(const ServeConfig &config) { m_config = config; }

    // Where job `id` is read: `/_herald/jobs/{id}`, or `/jobs/{id}` on the admin port when there is one.
    static QByteArray location(const ServeConfig &config, const QByteArray &id);
    // `id` is the path below ".../jobs/".
    void handle(const HttpServerRequest &request, const QByteArray &id, Respond respond);

private:
    void answerRelayed(const QByteArray &id, Respond respond);

    ServeConfig m_config;
    JobRegistry *m_jobs;
    RelayPublisher *m_publisher;
};

} // namespace herald
