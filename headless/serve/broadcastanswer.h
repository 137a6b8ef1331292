#pragma once

#include "http/httpmessage.h"

namespace herald {

class Broadcast;
struct BroadcastSummary;

// The answer `herald serve` gives for an admitted request: the JSON summary (200 when the policy
// is met, else 502), the winner passed through (HERALD_ANSWER), or 202 for async and relayed ones.
class BroadcastAnswer
{
public:
    // Once `broadcast` has decided (Broadcast::decided). With `winner`, the first 2xx target's own
    // answer when the policy is met, or 502 with the reason; a winning body over `winnerMaxBody`
    // is a 502 that says so, never a body cut short.
    static HttpServerResponse decided(const Broadcast &broadcast, bool winner, qint64 winnerMaxBody);
    // An async broadcast started to `targetCount` targets; answered at once with a fresh id.
    static HttpServerResponse queued(int targetCount);
    // The relay's Redis stored the request under `id`, or refused it with `error`.
    static HttpServerResponse published(const QByteArray &id);
    static HttpServerResponse notPublished(const QByteArray &error);

private:
    static HttpServerResponse noWinner(const Broadcast &broadcast, const BroadcastSummary &summary);
};

} // namespace herald
