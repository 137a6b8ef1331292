#!/usr/bin/env bash
# Builds Herald (release) if needed and runs it. Anything after it is passed to `herald`.
# With no arguments it starts `herald serve` on $HERALD_LISTEN (default :8080), broadcasting to
# $HERALD_TARGETS; with HERALD_TARGETS unset (a first run), it first starts two local Varnish caches
# on loopback in front of a tiny local origin, points Herald at them, and stops them all on exit.
# HERALD_BINARY=path uses that binary instead of building one (the first-run test does).
# Usage: deploy/run.sh [herald arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh run
if [[ -n "${HERALD_BINARY:-}" ]]; then
    herald="$HERALD_BINARY"
else
    cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHERALD_GUI=OFF -DBUILD_TESTING=OFF >/dev/null
    ninja -C build-release herald
    herald=build-release/app/herald
fi
if (($# > 0)); then
    exec "$herald" "$@"
fi
if [[ -n "${HERALD_TARGETS:-}" ]]; then
    exec "$herald" serve
fi

# First run: nothing to broadcast to yet, so bring two caches of our own.
work=$(mktemp -d -t herald-first-run.XXXXXX)
pids=()
herald_pid=""
cleanup() {
    trap - EXIT INT TERM
    [[ -n "$herald_pid" ]] && kill -TERM "$herald_pid" 2>/dev/null && wait "$herald_pid" 2>/dev/null
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# A free loopback port, the preferred one when it is free.
free_port() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(('127.0.0.1', int(sys.argv[1])))
except OSError:
    s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])
PY
}
wait_for_port() {
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "run.sh: nothing answers on 127.0.0.1:$1 (logs in $work)" >&2
    return 1
}

mkdir -p "$work/origin/product"
echo "Hello from the origin behind the first-run caches" >"$work/origin/index.html"
echo "product 42" >"$work/origin/product/42"
origin_port=$(free_port 0)
python3 -m http.server --bind 127.0.0.1 --directory "$work/origin" "$origin_port" >"$work/origin.log" 2>&1 &
pids+=($!)
cat >"$work/first-run.vcl" <<EOF_VCL
vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "$origin_port"; }
acl purgers { "127.0.0.1"; "::1"; }
sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
        if (req.method == "BAN") {
            ban("req.url ~ " + req.url);
            return (synth(200, "Banned"));
        }
        return (purge);
    }
}
EOF_VCL
targets=()
previous=6080
for n in 1 2; do
    port=$(free_port $((previous + 1)))
    previous=$port
    # -j none: no privilege separation, so the work directory under /tmp stays usable as root.
    varnishd -F -j none -n "$work/varnish$n" -a "127.0.0.1:$port" -f "$work/first-run.vcl" \
        -s malloc,32m -T none >"$work/varnish$n.log" 2>&1 &
    pids+=($!)
    targets+=("http://127.0.0.1:$port")
done
wait_for_port "$origin_port"
for target in "${targets[@]}"; do wait_for_port "${target##*:}"; done

export HERALD_TARGETS
HERALD_TARGETS=$(IFS=,; echo "${targets[*]}")
listen_port="${HERALD_LISTEN:-:8080}"
listen_port="${listen_port##*:}"
cat <<EOF_HELP
run.sh: first run: HERALD_TARGETS was not set, so two local Varnish caches are running for Herald:
run.sh:   ${targets[*]}  (origin http://127.0.0.1:$origin_port, work directory $work)
run.sh: try:  curl -X PURGE http://127.0.0.1:$listen_port/product/42
run.sh:       curl -X BAN http://127.0.0.1:$listen_port/product/
run.sh: Ctrl-C stops Herald and the caches. Set HERALD_TARGETS to broadcast to your own fleet instead.
EOF_HELP
"$herald" serve &
herald_pid=$!
status=0
wait "$herald_pid" || status=$?
herald_pid=""
exit "$status"
