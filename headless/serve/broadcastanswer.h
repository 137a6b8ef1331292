#pragma once

#include "broadcast/broadcastrequest.h"
#include "http/httpmessage.h"

namespace herald {

class Broadcast;
struct BroadcastSummary;

// The answer `herald serve` gives for an admitted request: the JSON summary (200 when the policy
// is met, else 502), the winner passed through (HERALD_ANSWER), or 202 for async and relayed ones
// with the job's id and, in Location, where to follow it.
class BroadcastAnswer
{
public:
    // Once `broadcast` has decided (Broadcast::decided). With `winner`, the first 2xx target's own
    // answer when the policy is met, or 502 with the reason; a winning body over `winnerMaxBody`
    // is a 502 that says so, never a body cut short.
    static HttpServerResponse decided(const Broadcast &broadcast, bool winner, qint64 winnerMaxBody);
    // An async broadcast started to `targetCount` targets as job `id`, read at `location`.
    static HttpServerResponse queued(const QString &id, const QByteArray &location, int targetCount);
    // The relay's Redis stored the request under `id` (its job id), or refused it with `error`.
    static HttpServerResponse published(const QByteArray &id, const QByteArray &location);
    static HttpServerResponse notPublished(const QByteArray &error);
    // FanOut's echo mode (HERALD_TARGETS=localonly): 202 {"status":"echoed"}, or with `full` 200
    // and the request's headers and body; `header` adds X-Echo-Mode: active.
    static HttpServerResponse echo(const BroadcastRequest &request, bool full, bool header);

private:
    static HttpServerResponse noWinner(const Broadcast &broadcast, const BroadcastSummary &summary);
};

} // namespace herald
