#!/usr/bin/env python3
"""Soak: wrk through `herald serve` for a while (default 10 minutes) while backends are stopped
and started again at random. Afterwards: Herald's RSS growth, its open file descriptors against
the start, whether every request was answered (no wrk socket errors or timeouts), and whether the
200s Herald reports per target (its /metrics) match what each backend logged.

Usage: bench/soak.py [--minutes 10] [--backends 4] [--connections 16] [--herald build-release/app/herald]
Loopback only; the kill/restart loop and the load are bounded by --minutes.
"""
import argparse, sys, json, os, random, re, signal, socket, subprocess, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchnet import free_port, wait_port  # noqa: E402


class Backend:
    def __init__(self, work, index):
        self.dir = Path(work) / f"b{index}"
        self.dir.mkdir()
        self.port = free_port()
        self.log = self.dir / "access.log"
        (self.dir / "nginx.conf").write_text(f"""worker_processes 1; pid {self.dir}/nginx.pid; error_log {self.dir}/error.log;
events {{ worker_connections 1024; }}
http {{ log_format counted '$status'; client_body_temp_path {self.dir}/b; proxy_temp_path {self.dir}/p;
fastcgi_temp_path {self.dir}/f; uwsgi_temp_path {self.dir}/u; scgi_temp_path {self.dir}/s;
keepalive_timeout 5s;
server {{ listen 127.0.0.1:{self.port}; access_log {self.log} counted; location / {{ return 200 "ok\\n"; }} }} }}""")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["nginx", "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # fast shutdown: open connections are cut
            self.proc.wait(10)
        self.proc = None

    def served(self):
        return sum(1 for line in open(self.log) if line.strip() == "200") if self.log.exists() else 0


def rss_kib(pid):
    return int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--backends", type=int, default=4)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--herald", default=str(ROOT / "build-release/app/herald"))
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="herald-soak-")
    backends = [Backend(work, i) for i in range(args.backends)]
    for b in backends:
        b.start()
    port = free_port()
    env = dict(os.environ, HERALD_LISTEN=f"127.0.0.1:{port}", HERALD_LOG_LEVEL="warn", HERALD_TIMEOUT="2s",
               HERALD_TARGETS=",".join(f"http://127.0.0.1:{b.port}" for b in backends), HERALD_CIRCUIT_COOLDOWN="1s")
    herald = subprocess.Popen([args.herald, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    script = Path(work) / "purge.lua"
    script.write_text('wrk.method = "PURGE"\n')
    duration = int(args.minutes * 60)
    # Warm up, then take the starting figures.
    subprocess.run(["wrk", "-t1", "-c4", "-d5s", "-s", str(script), f"http://127.0.0.1:{port}/warm"], capture_output=True)
    time.sleep(1)
    rss_start, fds_start = rss_kib(herald.pid), fds(herald.pid)
    wrk = subprocess.Popen(["wrk", "-t1", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script),
                            f"http://127.0.0.1:{port}/product/soak"], stdout=subprocess.PIPE, text=True)
    rng = random.Random(42)
    kills = 0
    rss_peak = rss_start
    end = time.time() + duration
    while time.time() < end - 5:
        time.sleep(rng.uniform(2, 8))
        victim = rng.choice(backends)
        victim.stop()
        kills += 1
        time.sleep(rng.uniform(0.5, 3))
        victim.start()
        rss_peak = max(rss_peak, rss_kib(herald.pid))
    out = wrk.communicate()[0]
    time.sleep(8)  # past the backends' 5 s keep-alive: idle connections are closed by now
    rss_end, fds_end = rss_kib(herald.pid), fds(herald.pid)
    metrics = subprocess.run(["curl", "-s", f"http://127.0.0.1:{port}/metrics"], capture_output=True, text=True).stdout
    reported = {}
    for target, count in re.findall(r'herald_target_requests_total\{target="([^"]+)",code="200"\} (\d+)', metrics):
        reported[target] = int(count)
    served = {f"http://127.0.0.1:{b.port}": b.served() for b in backends}
    mismatches = {t: (served[t], reported.get(t, 0)) for t in served if served[t] != reported.get(t, 0)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result = {"minutes": args.minutes, "backends": args.backends, "backend_restarts": kills, "client_requests": requests,
              "answered_502": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1).strip() if errors else "none",
              "rss_start_mib": round(rss_start / 1024, 1), "rss_peak_mib": round(rss_peak / 1024, 1), "rss_end_mib": round(rss_end / 1024, 1),
              "fds_start": fds_start, "fds_end": fds_end, "served_by_backends": served, "reported_200_by_herald": reported,
              "mismatches": mismatches}
    herald.terminate()
    herald.wait(30)
    for b in backends:
        b.stop()
    print(json.dumps(result, indent=2))
    dest = ROOT / "bench/results" / time.strftime("soak-%Y%m%dT%H%M%S.json")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, indent=2))
    print(f"written {dest}")


if __name__ == "__main__":
    main()
