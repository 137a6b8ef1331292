#!/usr/bin/env python3
"""Relay soak: a steady publish rate through `herald serve` (HERALD_RELAY_URL) for a while (default
10 minutes), N `herald relay` agents each replaying to its own recording backend, and agents and
Redis killed at random: agents by SIGKILL or a graceful SIGTERM, Redis by SIGKILL and restarted on
its AOF (appendfsync always, so nothing it acknowledged is lost).

At the end every agent must have delivered every entry of the stream, in order. Duplicates are
counted and attributed: an entry delivered by an agent incarnation that was then SIGKILLed (it
may not have been acknowledged yet), or around a Redis kill (its XACK was lost with Redis), is
explained by the at-least-once window; one after a graceful stop is a failure. The lag from the
publish to the delivery is measured (p50, p99), overall and away from the disruptions.

Usage: bench/relay_soak.py [--minutes 10] [--agents 3] [--rate 20] [--herald build/app/herald]
Loopback only; everything it starts is stopped on exit, and the run is bounded by --minutes.
"""
import argparse, http.client, http.server, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchnet import free_port, wait_port  # noqa: E402


class Recorder:
    """A loopback HTTP backend that records the path and arrival time of every request."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.got = []  # (path, monotonic time)
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_PURGE(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with recorder.lock:
                    recorder.got.append((self.path, time.monotonic()))
                # One write: headers and body in separate segments would meet Nagle and delayed ACKs.
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")

            do_HEAD = do_GET = do_PURGE

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Process:
    """A child process that can be killed and started again with the same command; it logs its
    incarnations (start, end, how it ended) so deliveries can be attributed to one."""

    def __init__(self, name, command, env, port=None, log=None):
        self.name, self.command, self.env, self.port, self.log = name, command, env, port, log
        self.proc = None
        self.lives = []  # [start, end, how]

    def start(self):
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL, stderr=out)
        self.lives.append([time.monotonic(), None, None])
        if self.port:
            wait_port(self.port)

    def stop(self, how):
        if not self.proc or self.proc.poll() is not None:
            return None
        self.proc.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        try:
            code = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(5)
        self.lives[-1][1:] = [time.monotonic(), how]
        return code

    def life_at(self, t):
        for index, (start, end, how) in enumerate(self.lives):
            if start <= t and (end is None or t <= end):
                return index, how
        return None, None


def redis_cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=10).stdout


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p / 100))] * 1000, 1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--agents", type=int, default=3)
    p.add_argument("--rate", type=float, default=20, help="publishes per second")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--herald", default=str(ROOT / "build/app/herald"))
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="herald-relay-soak-"))
    rng = random.Random(args.seed)
    redis_port, serve_port = free_port(), free_port()
    quiet = dict(os.environ, HERALD_LOG_LEVEL="warn")
    redis = Process("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(work), "--save", "",
                              "--appendonly", "yes", "--appendfsync", "always"], quiet, redis_port)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    backends = [Recorder() for _ in range(args.agents)]
    agents = [Process(f"agent{i}", [args.herald, "relay", "--redis", redis_url, "--endpoint", f"http://127.0.0.1:{b.port}",
                                    "--name", f"soak{i}", "--from-beginning"],
                      dict(quiet, HERALD_INSTANCE_ID=f"soak-agent{i}"), log=work / f"agent{i}.log")
              for i, b in enumerate(backends)]
    serve = Process("serve", [args.herald, "serve"], dict(quiet, HERALD_LISTEN=f"127.0.0.1:{serve_port}", HERALD_RELAY_URL=redis_url),
                    serve_port, log=work / "serve.log")
    published = {}  # path -> monotonic time of the publish that Redis acknowledged
    refused = 0
    events = []  # (monotonic time, what)
    stop_publishing = threading.Event()

    def publish():
        nonlocal refused
        connection = http.client.HTTPConnection("127.0.0.1", serve_port, timeout=15)
        begin, seq = time.monotonic(), 0
        while not stop_publishing.is_set():
            delay = begin + seq / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            path = f"/soak/{seq}"
            sent = time.monotonic()
            try:
                connection.request("PURGE", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", serve_port, timeout=15)
                status = 0
            if status == 202:
                published[path] = sent
                seq += 1
            else:
                refused += 1  # Redis down: the same entry again shortly (it may be stored twice)
                time.sleep(0.2)

    try:
        redis.start()
        for agent in agents:
            agent.start()
        serve.start()
        while subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{serve_port}/readyz"],
                             capture_output=True, text=True).stdout != "200":
            time.sleep(0.1)
        publisher = threading.Thread(target=publish)
        publisher.start()
        end = time.monotonic() + args.minutes * 60
        while time.monotonic() < end - 10:
            time.sleep(rng.uniform(3, 10))
            action = rng.choice(["agent-kill", "agent-kill", "agent-term", "agent-term", "redis-kill"])
            if action == "redis-kill":
                redis.stop("kill")
                events.append((time.monotonic(), "redis SIGKILL"))
                time.sleep(rng.uniform(0.5, 3))
                redis.start()
            else:
                victim = rng.choice(agents)
                code = victim.stop("kill" if action == "agent-kill" else "term")
                events.append((time.monotonic(), f"{victim.name} {'SIGKILL' if action == 'agent-kill' else f'SIGTERM exit {code}'}"))
                time.sleep(rng.uniform(0.5, 3))
                victim.start()
        stop_publishing.set()
        publisher.join(30)
        published_count = len(published)
        # Everything up: each agent catches up (pending 0, lag 0) within two minutes.
        deadline = time.monotonic() + 120
        stream = [line for line in redis_cli(redis_port, "XRANGE", "herald", "-", "+").split("\n") if line.startswith("/soak/")]
        while time.monotonic() < deadline and any(len({p for p, _ in b.got}) < len(set(stream)) for b in backends):
            time.sleep(0.5)
        caught_up = time.monotonic() < deadline
        time.sleep(2)
        groups = json.loads(redis_cli(redis_port, "--json", "XINFO", "GROUPS", "herald") or "[]")
    finally:
        stop_publishing.set()
        for proc in [serve, *agents, redis]:
            proc.stop("final")
        for b in backends:
            b.server.shutdown()

    def redis_killed_between(t0, t1):  # its XACK may have died with Redis: the entry stayed pending
        return any(what == "redis SIGKILL" and t0 - 0.5 <= t <= t1 for t, what in events)

    per_agent, lags, calm_lags, failures = [], [], [], []
    expected = stream  # the stream's own order, which includes an entry stored twice by a retried publish
    for agent, backend in zip(agents, backends):
        first, seen, dups = [], {}, {"after_sigkill": 0, "around_redis_kill": 0, "after_graceful_stop": 0, "unexplained": 0}
        allowed = {}
        for path in expected:  # an entry stored twice by a retried publish is delivered twice, rightly
            allowed[path] = allowed.get(path, 0) + 1
        for path, t in backend.got:
            allowed[path] = allowed.get(path, 0) - 1
            if path in seen and allowed[path] < 0:
                life, how = agent.life_at(seen[path])
                later_life, _ = agent.life_at(t)
                if how == "kill" and later_life != life:
                    dups["after_sigkill"] += 1
                elif redis_killed_between(seen[path], t):
                    dups["around_redis_kill"] += 1
                elif how == "term" and later_life != life:
                    dups["after_graceful_stop"] += 1
                else:
                    dups["unexplained"] += 1
                continue
            if path in seen:
                continue
            seen[path] = t
            first.append(path)
            if path in published:
                lag = t - published[path]
                lags.append(lag)
                if not any(published[path] - 10 <= te <= t for te, _ in events):  # reconnects back off up to 5 s
                    calm_lags.append(lag)
        distinct_expected = list(dict.fromkeys(expected))
        in_order = first == distinct_expected
        missing = len(set(distinct_expected) - set(first))
        if not in_order or missing or dups["after_graceful_stop"] or dups["unexplained"]:
            failures.append(agent.name)
        per_agent.append({"agent": agent.name, "deliveries": len(backend.got), "distinct": len(first), "missing": missing,
                          "in_order": in_order, "duplicates": dups,
                          "sigkills": sum(1 for _, what in events if what == f"{agent.name} SIGKILL"),
                          "sigterms": sum(1 for _, what in events if what.startswith(f"{agent.name} SIGTERM"))})
    result = {"minutes": args.minutes, "agents": args.agents, "rate_per_s": args.rate, "published": published_count,
              "stream_entries": len(stream), "stored_twice_by_a_retried_publish": len(stream) - len(set(stream)),
              "publishes_refused_while_redis_down": refused, "redis_kills": sum(1 for _, w in events if w == "redis SIGKILL"),
              "caught_up": caught_up, "per_agent": per_agent,
              "lag_ms": {"p50": percentile(lags, 50), "p99": percentile(lags, 99), "max": percentile(lags, 100)},
              "lag_ms_no_event_within_10s": {"p50": percentile(calm_lags, 50), "p99": percentile(calm_lags, 99),
                                               "samples": len(calm_lags)},
              "groups_at_end": [{k: g.get(k) for k in ("name", "pending", "lag")} for g in groups],
              "events": [[round(t - events[0][0], 1), what] for t, what in events] if events else [],
              "failures": failures}
    print(json.dumps(result, indent=2))
    dest = ROOT / "bench/results" / time.strftime("relay-soak-%Y%m%dT%H%M%S.json")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, indent=2))
    print(f"written {dest}")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures or not caught_up else 0)


if __name__ == "__main__":
    main()
