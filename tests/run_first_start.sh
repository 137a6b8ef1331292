#!/usr/bin/env bash
# deploy/run.sh's first run, black-box: with no HERALD_TARGETS it starts two local Varnish caches;
# a PURGE through Herald must reach both, and SIGTERM must leave no varnishd behind.
# Usage: tests/run_first_start.sh HERALD_BINARY   (ctest passes the built binary)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$1"
command -v varnishd >/dev/null || { echo "SKIPPED: varnishd is not installed"; exit 0; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
run_pid=""
finish() {
    [[ -n "$run_pid" ]] && kill -TERM "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
    rm -f "$log"
}
trap finish EXIT
fail() { echo "run_first_start: FAILED: $*" >&2; cat "$log" >&2; exit 1; }

env -u HERALD_TARGETS HERALD_LISTEN="127.0.0.1:$port" HERALD_BINARY="$binary" deploy/run.sh >"$log" 2>&1 &
run_pid=$!
for _ in $(seq 300); do
    grep -q "listening on port $port" "$log" && break
    kill -0 "$run_pid" 2>/dev/null || fail "deploy/run.sh ended before Herald listened"
    sleep 0.1
done
grep -q "listening on port $port" "$log" || fail "Herald did not listen on $port within 30 s"
grep -q "curl -X PURGE http://127.0.0.1:$port/" "$log" || fail "run.sh did not print the curl to try"
work=$(sed -n 's/.*work directory \([^)]*\)).*/\1/p' "$log")
[[ -d "$work" ]] || fail "run.sh did not name its work directory"

answer=$(curl -sS -X PURGE "http://127.0.0.1:$port/product/42" -w '\n%{http_code}')
[[ "${answer##*$'\n'}" == 200 ]] || fail "PURGE answered: $answer"
python3 - "${answer%$'\n'*}" <<'PY' || fail "the answer is not two purged caches: $answer"
import json, sys
def results(node):
    if isinstance(node, dict):
        if 'target' in node and 'outcome' in node:
            yield node
        for value in node.values():
            yield from results(value)
    elif isinstance(node, list):
        for value in node:
            yield from results(value)
found = list(results(json.loads(sys.argv[1])))
assert len(found) == 2 and len({r['target'] for r in found}) == 2, found
assert all(r['outcome'] == 'ok' and r.get('status') == 200 for r in found), found
PY

kill -TERM "$run_pid"
wait "$run_pid" || fail "deploy/run.sh exited $? on SIGTERM"
run_pid=""
pgrep -f -- "-n $work/varnish" >/dev/null && fail "varnishd still runs after run.sh ended"
[[ ! -e "$work" ]] || fail "the work directory $work was left behind"
echo "run_first_start: PASSED"
