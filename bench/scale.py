#!/usr/bin/env python3
"""Scale run: one broadcast from `herald serve` to 1,000 and to 5,000 targets.

Each target is its own loopback address (127.1.x.y, one nginx listening on all of them).
For each size and transport it sends one PURGE on cold connections, then one more on the
connections the first left open, and reports the time to complete, Herald's peak RSS and
peak open file descriptors, and the time per target, so that growth can be checked for
linearity (5,000 targets should cost about 5 times 1,000, not more).

Usage: bench/scale.py [--sizes 1000,5000] [--transports lean,curl] [--herald PATH]
Writes bench/results/scale-<timestamp>.json and prints a table.
"""
import argparse, json, os, platform, resource, shutil, subprocess, sys, tempfile, threading, time
import http.client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchnet import free_port, wait_port  # noqa: E402
from run import Nginx  # noqa: E402

BACKEND_PORT = 21500


def addresses(count):
    return [f"127.1.{i // 250}.{i % 250 + 1}" for i in range(count)]


def backends_conf(addrs):
    servers = "\n".join(f"  server {{ listen {a}:{BACKEND_PORT}; location / {{ return 200 \"ok\\n\"; }} }}" for a in addrs)
    return servers


def proc_sample(pid):
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm, len(os.listdir(f"/proc/{pid}/fd"))


def broadcast(port, pid):
    peak_fds = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():  # bounded by the broadcast's own deadline
            try:
                peak_fds[0] = max(peak_fds[0], proc_sample(pid)[2])
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("PURGE", "/product/42?lang=en", headers={"Host": "shop.example.com"})
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
    _, hwm, _ = proc_sample(pid)
    return {"status": response.status, "wall_ms": round(elapsed * 1000, 1),
            "duration_ms": body["summary"]["durationMs"], "succeeded": body["summary"]["succeeded"],
            "failed": body["summary"]["failed"], "peak_fds": peak_fds[0], "rss_peak_mib": round(hwm / 1024, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--transports", default="lean,curl")  # lean: the default of send, serve and relay
    parser.add_argument("--herald", default=str(ROOT / "build-release/app/herald"))
    args = parser.parse_args()
    if not shutil.which("nginx"):
        sys.exit("scale: nginx is missing (bench/setup.sh installs it)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # nginx and herald inherit it
    sizes = [int(x) for x in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="herald-scale-")
    rows = []
    try:
        for size in sizes:
            addrs = addresses(size)
            backends = Nginx(work, f"backends-{size}", backends_conf(addrs))
            backends.conf_text = backends.conf_text.replace("worker_connections 4096;",
                                                            f"worker_connections {4 * size + 1024};")
            backends.conf_text = f"worker_rlimit_nofile {6 * size + 2048};\n" + backends.conf_text
            backends.start(workers=1)
            for a in (addrs[0], addrs[-1]):
                wait_port(BACKEND_PORT, a)
            try:
                for transport in args.transports.split(","):
                    port = free_port()
                    config = Path(work) / f"herald-{size}-{transport}.json"
                    config.write_text(json.dumps({
                        "listen": f"127.0.0.1:{port}", "policy": "all", "transport": transport, "log-level": "warn",
                        "targets": ",".join(f"http://{a}:{BACKEND_PORT}" for a in addrs), "deadline": "120s"}))
                    with open(Path(work) / f"herald-{size}-{transport}.log", "wb") as log_file:
                        herald = subprocess.Popen([args.herald, "serve", "--config", str(config)],
                                                  stdout=subprocess.DEVNULL, stderr=log_file)
                    try:
                        wait_port(port)
                        rss_idle, _, fds_idle = proc_sample(herald.pid)
                        cold = broadcast(port, herald.pid)
                        warm = broadcast(port, herald.pid)
                    finally:
                        herald.terminate()
                        herald.wait(30)
                    row = {"targets": size, "transport": transport, "rss_idle_mib": round(rss_idle / 1024, 1),
                           "fds_idle": fds_idle, "cold": cold, "warm": warm,
                           "cold_us_per_target": round(cold["wall_ms"] * 1000 / size, 1),
                           "warm_us_per_target": round(warm["wall_ms"] * 1000 / size, 1)}
                    rows.append(row)
                    print(f"{size} targets, {transport}: cold {cold['wall_ms']:.0f} ms ({cold['succeeded']} ok, "
                          f"{cold['failed']} failed), warm {warm['wall_ms']:.0f} ms, peak RSS {warm['rss_peak_mib']} MiB, "
                          f"peak fds {max(cold['peak_fds'], warm['peak_fds'])}", flush=True)
            finally:
                backends.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = ROOT / "bench/results" / f"scale-{stamp}.json"
    out.write_text(json.dumps({"machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                               "args": vars(args), "results": rows}, indent=2))
    print(f"\nwritten {out}")
    print("| targets | transport | cold ms | warm ms | cold µs/target | warm µs/target | ok (cold/warm) | peak RSS MiB | peak fds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c, w = r["cold"], r["warm"]
        print(f"| {r['targets']} | {r['transport']} | {c['wall_ms']:.0f} | {w['wall_ms']:.0f} | {r['cold_us_per_target']} | "
              f"{r['warm_us_per_target']} | {c['succeeded']}/{w['succeeded']} | {w['rss_peak_mib']} | "
              f"{max(c['peak_fds'], w['peak_fds'])} |")


if __name__ == "__main__":
    main()
