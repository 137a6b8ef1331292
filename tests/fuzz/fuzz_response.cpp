// libFuzzer target over the lean transport's response path (LeanResponseParser on llhttp).
// The first byte picks HEAD or not, the body limit and where the stream is cut; the rest is
// what a backend sent. Invariants that must hold for any bytes abort when broken.
#include "transport/leanresponseparser.h"

#include <cstdint>
#include <cstdlib>

using namespace herald;
using State = LeanResponseParser::State;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

// Feeds the bytes in pieces of `step` (0: all at once) and the close when asked; returns the
// final state.
State run(LeanResponseParser &parser, const char *data, size_t size, size_t step, bool eof)
{
    State state = State::NeedMore;
    size_t offset = 0;
    while (offset < size && state == State::NeedMore) {
        const size_t length = step == 0 ? size - offset : std::min(step, size - offset);
        size_t consumed = 0;
        state = parser.feed(data + offset, length, &consumed);
        check(consumed <= length);
        check(state != State::NeedMore || consumed == length);
        offset += length;
    }
    if (state == State::NeedMore && eof)
        state = parser.finish();
    return state;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t mode = data[0];
    const bool head = mode & 1;
    const bool eof = mode & 2;
    const int bodyLimit = (mode >> 2) & 1 ? 16 : 4096;
    const size_t step = mode >> 4; // 0: one piece; 1..15 bytes a piece
    const char *bytes = reinterpret_cast<const char *>(data + 1);

    LeanResponseParser whole;
    whole.reset(head, bodyLimit);
    const State once = run(whole, bytes, size - 1, 0, eof);
    LeanResponseParser pieces;
    pieces.reset(head, bodyLimit);
    const State split = run(pieces, bytes, size - 1, step, eof);

    for (LeanResponseParser *parser : {&whole, &pieces}) {
        const TransportResponse &response = parser->response();
        check(response.body.size() <= bodyLimit);
        check(response.body.size() <= response.bodyBytes);
        check(!head || response.bodyBytes == 0);
        check(parser->isComplete() == ((parser == &whole ? once : split) == State::Complete));
    }
    // Where the stream is cut must not change what it means.
    check(once == split);
    if (once == State::Complete) {
        check(whole.response().status == pieces.response().status);
        check(whole.response().body == pieces.response().body);
        check(whole.response().bodyBytes == pieces.response().bodyBytes);
        check(whole.keepAlive() == pieces.keepAlive());
        check(whole.response().status >= 100 && whole.response().status <= 999);
    }
    if (once == State::Failed && !whole.errorString().isEmpty()) {
        size_t consumed = 0;
        check(whole.feed("x", 1, &consumed) == State::Failed); // stays failed
    }
    return 0;
}
