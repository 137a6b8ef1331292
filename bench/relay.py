#!/usr/bin/env python3
"""Relay throughput: entries per second one `herald relay` agent replays, and with K agents
reading the same stream. Fills a Redis stream on loopback with N entries (redis-cli --pipe),
starts the agents with --from-beginning against one nginx backend, and times until every
agent has acknowledged everything (lag 0).

Usage: bench/relay.py [--entries 5000] [--agents 1,4] [--herald build-release/app/herald]
"""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchnet import free_port, wait_port  # noqa: E402


def resp(*args):
    out = f"*{len(args)}\r\n"
    for a in args:
        out += f"${len(a.encode())}\r\n{a}\r\n"
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entries", type=int, default=5000)
    p.add_argument("--agents", default="1,4")
    p.add_argument("--herald", default=str(ROOT / "build-release/app/herald"))
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="herald-relay-bench-"))
    redis_port, backend_port = free_port(), free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(work),
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    (work / "nginx.conf").write_text(f"""worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {work}/b; proxy_temp_path {work}/p; fastcgi_temp_path {work}/f;
uwsgi_temp_path {work}/u; scgi_temp_path {work}/s;
server {{ listen 127.0.0.1:{backend_port}; location / {{ return 200 "ok\\n"; }} }} }}""")
    nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    results = []
    try:
        wait_port(redis_port)
        wait_port(backend_port)
        for count in [int(x) for x in args.agents.split(",")]:
            subprocess.run(["redis-cli", "-p", str(redis_port), "DEL", "herald"], capture_output=True)
            payload = "".join(resp("XADD", "herald", "*", "method", "PURGE", "path", f"/product/{i}", "headers",
                                   '[["Host","shop.example.com"]]', "body", "", "origin", "bench", "time", "0")
                              for i in range(args.entries))
            subprocess.run(["redis-cli", "-p", str(redis_port), "--pipe"], input=payload.encode(), capture_output=True, check=True)
            start = time.time()
            agents = [subprocess.Popen([args.herald, "relay", "--redis", f"redis://127.0.0.1:{redis_port}/0",
                                        "--endpoint", f"http://127.0.0.1:{backend_port}", "--name", f"bench-{count}-{i}",
                                        "--from-beginning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       env=dict(os.environ, LOG_LEVEL="warn"))
                      for i in range(count)]
            deadline = time.time() + 300
            done = False
            while time.time() < deadline and not done:
                time.sleep(0.1)
                info = subprocess.run(["redis-cli", "-p", str(redis_port), "--json", "XINFO", "GROUPS", "herald"],
                                      capture_output=True, text=True).stdout
                try:
                    groups = [g for g in json.loads(info) if g["name"].startswith(f"bench-{count}-")]
                except (ValueError, KeyError, TypeError):
                    groups = []
                done = len(groups) == count and all(g["pending"] == 0 and g.get("lag") == 0 for g in groups)
            elapsed = time.time() - start
            for a in agents:
                a.terminate()
                a.wait(10)
            row = {"agents": count, "entries": args.entries, "seconds": round(elapsed, 2),
                   "entries_per_s_per_agent": round(args.entries / elapsed), "deliveries_per_s": round(args.entries * count / elapsed),
                   "completed": done}
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        nginx.terminate()
        redis.terminate()
        nginx.wait(10)
        redis.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    out = ROOT / "bench/results" / time.strftime("relay-%Y%m%dT%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
