#include "serve/jobapi.h"

#include "broadcast/broadcastjob.h"
#include "broadcast/jobregistry.h"
#include "http/httpresponses.h"
#include "relay/relaypublisher.h"
#include "serve/adminaccess.h"
#include "util/duration.h"

namespace herald {

JobApi::JobApi(const ServeConfig &config, JobRegistry *jobs, RelayPublisher *publisher, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_jobs(jobs)
    , m_publisher(publisher)
{
}

QByteArray JobApi::location(const ServeConfig &config, const QByteArray &id)
{
    return (config.adminListenEnabled ? QByteArray("/jobs/") : QByteArray("/_herald/jobs/")) + id;
}

void JobApi::handle(const HttpServerRequest &request, const QByteArray &id, Respond respond)
{
    if (const auto refusal = AdminAccess::refusal(request, m_config.adminToken)) {
        respond(*refusal);
        return;
    }
    const bool read = request.method == "GET" || request.method == "HEAD";
    if (!read && request.method != "DELETE") {
        respond(HttpResponses::withHeader(HttpResponses::text(405, QStringLiteral(
                                                                       "a job answers GET (its progress) and DELETE (cancel it)")),
                                          "Allow", "GET, HEAD, DELETE"));
        return;
    }
    if (BroadcastJob *job = m_jobs->find(QString::fromUtf8(id))) {
        if (!read)
            job->cancel();
        respond(HttpResponses::json(200, job->toJson()));
        return;
    }
    if (m_publisher && RelayDelivery::isEntryId(id)) {
        if (!read) {
            respond(HttpResponses::withHeader(HttpResponses::text(405, QStringLiteral("job %1 was published to the relay; its agents have it, and it cannot "
                                                                                      "be cancelled")
                                                                           .arg(QString::fromLatin1(id))),
                                              "Allow", "GET, HEAD"));
            return;
        }
        answerRelayed(id, std::move(respond));
        return;
    }
    respond(HttpResponses::text(404, QStringLiteral("no job '%1' (a finished job is kept for HERALD_JOB_TTL, %2, and at most "
                                                    "HERALD_JOB_MAX, %3, are kept)")
                                         .arg(QString::fromUtf8(id), formatDuration(m_config.jobTtlMs))
                                         .arg(m_config.jobMax)));
}

void JobApi::answerRelayed(const QByteArray &id, Respond respond)
{
    const QByteArray stream = m_publisher->stream();
    m_publisher->deliveryOf(id, [stream, id, respond](const RelayDelivery::Status &status) {
        if (!status.error.isEmpty()) {
            respond(HttpResponses::withHeader(HttpResponses::text(503, QStringLiteral(
                                                                           "the relay's Redis did not say where job %1 is (%2)")
                                                                           .arg(QString::fromLatin1(id), status.error)),
                                              "Retry-After", "1"));
            return;
        }
        if (!status.found) {
            respond(HttpResponses::text(404, QStringLiteral("no entry %1 in the relay stream '%2' (never published, or "
                                                            "trimmed by HERALD_RELAY_MAXLEN or HERALD_RELAY_MAX_AGE)")
                                                 .arg(QString::fromLatin1(id), QString::fromUtf8(stream))));
            return;
        }
        respond(HttpResponses::json(200, RelayDelivery::toJson(stream, id, status)));
    });
}

} // namespace herald
