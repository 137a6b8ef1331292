#!/usr/bin/env bash
# Builds deploy/Dockerfile with podman on a Debian 12 base made here with debootstrap (from this
# machine's own Debian mirror) and checks the image: a PURGE reaches a loopback backend, /livez,
# /readyz, /metrics, uid 10001, `podman healthcheck run` on a non-default HERALD_LISTEN without a
# request to the backend, and `podman stop` with a request in flight (answered, exit 0, < 10 s).
# Prints "SKIPPED: ..." and exits 0 where podman cannot run containers here.
# Usage: deploy/test-image.sh   (as root; caches under $HERALD_IMAGE_CACHE, default /var/cache/herald-image)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

skip() { echo "test-image: SKIPPED: $*"; exit 0; }
fail() { echo "test-image: FAILED: $*" >&2; exit 1; }
step() { echo "test-image: [$((SECONDS - started))s] $*"; }

# The chart first: it needs no container (helm is not in Debian 12, check-chart.py renders it).
if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null && [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null
fi
/usr/bin/python3 deploy/helm/check-chart.py || fail "the Helm chart does not render as it should"

[[ $(id -u) -eq 0 ]] || skip "needs root (rootful podman)"
cache="${HERALD_IMAGE_CACHE:-/var/cache/herald-image}"
image=localhost/herald-test:ci
name="herald-test-$$"

# The machine's Debian packages, as deploy/install-deps.sh installs them: only those missing.
packages=(podman runc debootstrap curl python3 python3-yaml)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    step "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# crun 1.8 refuses hybrid cgroup hierarchies; runc runs on them. Explicit ulimits: podman's
# defaults copy the host's, which a sandbox may not allow raising to.
podman_run=(podman run --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

# The machine's configured Debian mirror (never a hard-coded host): the first bookworm entry.
mirror=$(/usr/bin/python3 - <<'PY'
import glob, re
for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
    for para in open(path).read().split('\n\n'):
        fields = dict(re.findall(r'^([A-Za-z-]+):\s*(.*)$', para, re.M))
        if fields.get('Enabled', 'yes') != 'no' and 'bookworm' in fields.get('Suites', '').split():
            print(fields['URIs'].split()[0]); raise SystemExit
for path in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
    try:
        for line in open(path):
            m = re.match(r'\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s', line)
            if m:
                print(m.group(1)); raise SystemExit
    except FileNotFoundError:
        pass
PY
)
[[ -n "$mirror" ]] || skip "no bookworm entry in /etc/apt/sources.list{,.d} to debootstrap from"

# The base, cached per ISO week and mirror so that later runs on this machine reuse it.
mkdir -p "$cache/ccache"
key="bookworm-minbase-$(date +%G-W%V)-$(echo -n "$mirror" | sha1sum | cut -c1-12)"
tarball="$cache/$key.tar"
if [[ ! -s "$tarball" ]]; then
    step "debootstrap --variant=minbase bookworm from $mirror"
    rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
    if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1; then
        tail -20 "$cache/debootstrap.log" >&2
        rm -rf "$rootfs"
        fail "debootstrap failed (log: $cache/debootstrap.log)"
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
    find "$cache" -maxdepth 1 -name 'bookworm-minbase-*.tar' ! -name "$key.tar" -delete
fi
# Tagged as the Dockerfile's base, so the Dockerfile stays the standard one.
if [[ $(podman image inspect --format '{{index .Labels "herald.base"}}' debian:12-slim 2>/dev/null) != "$key" ]]; then
    step "importing the base as debian:12-slim"
    podman import --change "LABEL herald.base=$key" --change 'CMD ["bash"]' "$tarball" docker.io/library/debian:12-slim >/dev/null 2>&1 \
        || fail "podman import of $tarball failed"
fi
"${podman_run[@]}" --rm --network host docker.io/library/debian:12-slim true 2>"$cache/podman-probe.log" \
    || skip "podman cannot run a container here: $(tail -1 "$cache/podman-probe.log")"

# Each build leaves its build stage behind as an untagged image (890 MB): keep recent ones as the
# layer cache, drop those older than three days so repeated CI runs do not fill the disk.
podman image prune -f --filter until=72h >/dev/null 2>&1 || true
step "podman build (ccache in $cache/ccache)"
build_started=$SECONDS
podman build --runtime runc --format docker --network host --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
    -v "$cache/ccache:/ccache" -f deploy/Dockerfile -t "$image" . >"$cache/build.log" 2>&1 \
    || { tail -30 "$cache/build.log" >&2; fail "podman build failed (log: $cache/build.log)"; }
step "built in $((SECONDS - build_started))s"

# A loopback backend that records each request line and answers /slow after 3 s.
workdir=$(mktemp -d)
backend_pid=""
cleanup() {
    podman rm -f "$name" >/dev/null 2>&1 || true
    [[ -n "$backend_pid" ]] && kill "$backend_pid" 2>/dev/null
    rm -rf "$workdir"
}
trap cleanup EXIT
cat >"$workdir/backend.py" <<'PY'
import http.server, sys, time
log = open(sys.argv[2], 'a', buffering=1)
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def answer(self):
        log.write(f'{self.command} {self.path}\n')
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.path == '/slow':
            time.sleep(3)
        self.send_response(200)
        self.send_header('Content-Length', '3')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(b'ok\n')
    do_GET = do_HEAD = do_PURGE = do_BAN = do_POST = answer
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
/usr/bin/python3 "$workdir/backend.py" 0 "$workdir/requests.log" >"$workdir/backend.port" &
backend_pid=$!
for _ in $(seq 50); do [[ -s "$workdir/backend.port" ]] && break; sleep 0.1; done
backend_port=$(cat "$workdir/backend.port")
[[ -n "$backend_port" ]] || fail "the loopback backend did not start"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port) # not 8080: the health check must follow HERALD_LISTEN
base="http://127.0.0.1:$port"
"${podman_run[@]}" -d --name "$name" --network host \
    -e HERALD_TARGETS="http://127.0.0.1:$backend_port" -e HERALD_LISTEN="127.0.0.1:$port" "$image" \
    >/dev/null 2>"$workdir/podman.err" || { cat "$workdir/podman.err" >&2; fail "podman run failed"; }
# Without systemd podman logs that it cannot add a timer for the HEALTHCHECK; `podman healthcheck run` below runs it.
for _ in $(seq 100); do curl -fs "$base/livez" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$base/livez" >/dev/null || { podman logs "$name" >&2; fail "/livez did not answer on HERALD_LISTEN=127.0.0.1:$port"; }

step "checking the running container"
curl -fsS "$base/readyz" >/dev/null || fail "/readyz is not 200"
curl -fsS "$base/metrics" | grep -q '^herald_' || fail "/metrics has no herald_ series"
answer=$(curl -sS -X PURGE "$base/product/42" -w ' %{http_code}')
[[ "$answer" == *" 200" ]] || fail "PURGE answered: $answer"
grep -qx 'PURGE /product/42' "$workdir/requests.log" || fail "the PURGE did not reach the backend"
uid=$(podman exec "$name" id -u)
[[ "$uid" == 10001 ]] || fail "herald runs as uid $uid, not 10001"
before=$(wc -l <"$workdir/requests.log")
podman healthcheck run "$name" || fail "podman healthcheck run failed with HERALD_LISTEN=127.0.0.1:$port"
[[ $(wc -l <"$workdir/requests.log") == "$before" ]] || fail "the health check reached the backend"

step "podman stop with a request in flight"
curl -sS -X PURGE "$base/slow" -o "$workdir/slow.body" -w '%{http_code}' >"$workdir/slow.code" 2>"$workdir/slow.err" &
client_pid=$!
for _ in $(seq 50); do grep -qx 'PURGE /slow' "$workdir/requests.log" && break; sleep 0.1; done
grep -qx 'PURGE /slow' "$workdir/requests.log" || fail "the slow PURGE did not reach the backend"
stop_started=$SECONDS
podman stop "$name" >/dev/null 2>>"$workdir/podman.err" # the default 10 s before SIGKILL
stop_seconds=$((SECONDS - stop_started))
wait "$client_pid" || true
[[ $(cat "$workdir/slow.code") == 200 ]] || fail "the request in flight got '$(cat "$workdir/slow.code")' $(cat "$workdir/slow.err")"
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
[[ "$exit_code" == 0 ]] || fail "herald exited $exit_code on podman stop (137: killed before its drain ended)"
((stop_seconds < 10)) || fail "podman stop took ${stop_seconds}s"

size=$(podman image inspect --format '{{.Size}}' "$image")
podman rm -f "$name" >/dev/null 2>&1
podman rmi "$image" >/dev/null 2>&1 || true
step "image $image: $((size / 1000000)) MB; stop with a request in flight took ${stop_seconds}s, exit 0"
echo "test-image: PASSED"
