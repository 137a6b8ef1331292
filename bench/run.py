#!/usr/bin/env python3
"""Herald's broadcast benchmark: herald serve against nginx `mirror` and nginx+lua
(capture_multi) on the same nginx backends, in alternation (A B C A B C ...) within one run,
with wrk as the load generator and the ceiling (wrk straight at one backend).

Usage: bench/run.py [--quick] [--rounds N] [--duration S] [--targets 1,10,100]
                    [--methods GET,PURGE] [--connections 1,32] [--herald PATH]
                    [--concurrency N] [--threads N] [--no-qnam] [--curl] [--workers N]
Writes bench/results/<timestamp>.json and prints a table with Herald/mirror and Herald/lua ratios.
--workers N runs every Herald with HERALD_WORKERS=N and nginx mirror and lua with worker_processes N
(the backends keep one worker), so N cores of each are compared in the same run.
All traffic stays on 127.0.0.0/8; every loop is bounded by --rounds and --duration.
"""
import argparse, json, os, platform, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchnet import free_port, wait_port  # noqa: E402
BACKEND_BASE_PORT = 21000
MIRROR_PORT, LUA_PORT, HERALD_PORT, HERALD_QNAM_PORT, HERALD_THREADS_PORT = 20801, 20802, 20803, 20804, 20805
HERALD_CURL_PORT = 20806
WRK_LUA = """
wrk.method = os.getenv("BENCH_METHOD") or "GET"
"""


def backend_addresses(n):
    # Up to 10 targets: ports on 127.0.0.1. More: 127.0.0.x addresses on one port.
    if n <= 10:
        return [("127.0.0.1", BACKEND_BASE_PORT + i) for i in range(n)]
    return [(f"127.0.0.{i + 1}", BACKEND_BASE_PORT) for i in range(n)]


class Nginx:
    def __init__(self, workdir, name, http_block, modules=()):
        self.dir = Path(workdir) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        loads = "".join(f"load_module /usr/lib/nginx/modules/{m};\n" for m in modules)
        conf = f"""{loads}worker_processes {{workers}};
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {self.dir}/body; proxy_temp_path {self.dir}/proxy;
  fastcgi_temp_path {self.dir}/fcgi; uwsgi_temp_path {self.dir}/uwsgi; scgi_temp_path {self.dir}/scgi;
  keepalive_requests 1000000;
{http_block}
}}
"""
        self.conf_text = conf
        self.proc = None

    def start(self, workers=1):
        conf = self.dir / "nginx.conf"
        conf.write_text(self.conf_text.replace("{workers}", str(workers)))
        self.proc = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def backends_conf(addrs, log_path):
    # One server per address; every method gets 200 with a body; a buffered log counts deliveries.
    servers = []
    for host, port in addrs:
        servers.append(f"  server {{ listen {host}:{port} reuseport; access_log {log_path} counted buffer=256k flush=1s;"
                       f" location / {{ return 200 \"ok\\n\"; }} }}")
    return "  log_format counted '.';\n" + "\n".join(servers)


def upstreams(addrs):
    return "\n".join(f"  upstream b{i} {{ server {h}:{p}; keepalive 64; }}" for i, (h, p) in enumerate(addrs))


def proxied(i):
    return (f"proxy_pass http://b{i}; proxy_http_version 1.1; proxy_set_header Connection \"\";"
            f" proxy_method $request_method; proxy_pass_request_body on;")


def mirror_conf(addrs):
    mirrors = "".join(f" mirror /_m{i};" for i in range(1, len(addrs)))
    internal = "\n".join(f"    location = /_m{i} {{ internal; rewrite ^ $request_uri break; {proxied(i)} }}"
                         for i in range(1, len(addrs)))
    return f"""{upstreams(addrs)}
  server {{ listen 127.0.0.1:{MIRROR_PORT};
    location / {{{mirrors} mirror_request_body on; {proxied(0)} }}
{internal}
  }}"""


def lua_conf(addrs):
    internal = "\n".join(f"    location /_b{i}/ {{ internal; rewrite ^/_b{i}(/.*)$ $1 break; {proxied(i)} }}"
                         for i in range(len(addrs)))
    return f"""{upstreams(addrs)}
  server {{ listen 127.0.0.1:{LUA_PORT};
    location / {{
      content_by_lua_block {{
        local reqs = {{}}
        for i = 0, {len(addrs) - 1} do reqs[#reqs + 1] = {{"/_b" .. i .. ngx.var.request_uri, {{always_forward_body = true}}}} end
        local resps = {{ngx.location.capture_multi(reqs)}}
        for _, r in ipairs(resps) do if r.status >= 400 then ngx.status = 502 end end
        ngx.say("ok")
      }}
    }}
{internal}
  }}"""


def parse_wrk(text):
    def duration_ms(value):
        m = re.match(r"([\d.]+)(us|ms|s|m)", value)
        number, unit = float(m.group(1)), m.group(2)
        return number * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"rps": rps, "p50_ms": duration_ms(lat["50"]), "p99_ms": duration_ms(lat["99"]),
            "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1).strip() if socket_errors else ""}


def run_wrk(port, method, connections, duration, script):
    """One wrk round; a round that hangs or cannot be read is a result too ({"failed": why}),
    so one bad configuration never ends the whole matrix."""
    env = dict(os.environ, BENCH_METHOD=method)
    wrk = subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script,
                            f"http://127.0.0.1:{port}/product/42?lang=en"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        out, err = wrk.communicate(timeout=duration + 30)
    except subprocess.TimeoutExpired:
        os.killpg(wrk.pid, signal.SIGKILL)  # the whole group: nothing may keep the pipes open
        wrk.communicate()
        return {"failed": f"wrk did not exit {duration + 30} s after a {duration} s round (hung)"}
    try:
        return parse_wrk(out)
    except (AttributeError, KeyError) as error:
        return {"failed": f"wrk output not understood ({error!r}): {(out + err).strip()[-200:]}"}


def time_wait_sockets():
    try:
        out = subprocess.run(["ss", "-Htan", "state", "time-wait"], capture_output=True, text=True, timeout=10).stdout
        return out.count("\n")
    except (OSError, subprocess.TimeoutExpired):
        return 0


def wait_for_time_wait(limit=8000, longest=70):
    """nginx mirror closes its backend connections, leaving tens of thousands of sockets in
    TIME_WAIT; the next configuration would then run short of ephemeral ports. They drain
    within 60 s (the kernel's TIME_WAIT length), so wait for that, bounded."""
    deadline = time.monotonic() + longest
    count = time_wait_sockets()
    while count > limit and time.monotonic() < deadline:
        print(f"  waiting for {count} TIME_WAIT sockets to drain", flush=True)
        time.sleep(5)
        count = time_wait_sockets()


def ratio(row, name, reference):
    mine, theirs = row.get(name, {}).get("rps"), row.get(reference, {}).get("rps")
    return mine / theirs if mine is not None and theirs else None


def show(value, digits=0):
    return "n/a" if value is None else f"{value:.{digits}f}"


def write_results(out, args, results):
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.processor()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "args": vars(args), "results": results}, indent=2))


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def tree_cpu(pid):
    """CPU seconds used so far by pid and its children: an nginx master and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def machine_times():
    """(busy, all) jiffies of every CPU since boot; steal counts as busy elsewhere, not ours."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N=10, PURGE, c=32, 2 rounds of 3 s (under a minute)")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds per configuration (default 3; 2 with --quick)")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--targets", default="1,10,100")
    parser.add_argument("--methods", default="GET,PURGE")
    parser.add_argument("--connections", default="1,32")
    parser.add_argument("--herald", default=str(ROOT / "build-release/app/herald"))
    parser.add_argument("--concurrency", type=int, default=64,
                        help="HERALD_CONCURRENCY, requests in flight per target (nginx's upstreams keep 64 idle)")
    parser.add_argument("--threads", type=int, default=0,
                        help="also run herald-tN: the default (lean) with HERALD_TRANSPORT_THREADS=N (0: leave it out)")
    parser.add_argument("--no-qnam", action="store_true",
                        help="leave out herald-qnam (herald serve with HERALD_TRANSPORT=qnam)")
    parser.add_argument("--workers", type=int, default=1,
                        help="HERALD_WORKERS for every Herald and worker_processes for mirror and lua (default 1)")
    parser.add_argument("--curl", action="store_true",
                        help="also run herald-curl (herald serve with HERALD_TRANSPORT=curl); \"herald\" is the default, lean")
    args = parser.parse_args()
    if not 1 <= args.workers <= 64:
        sys.exit("bench: --workers must be from 1 to 64 (HERALD_WORKERS)")
    if args.quick:
        args.duration, args.targets, args.methods, args.connections = 3, "10", "PURGE", "32"
        args.rounds = args.rounds or 2
    args.rounds = args.rounds or 3
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing (bench/setup.sh installs it)")
    if not Path(args.herald).exists():
        sys.exit(f"bench: {args.herald} not found; build it with bench/setup.sh")
    workers = os.cpu_count() or 2
    work = tempfile.mkdtemp(prefix="herald-bench-")
    script = Path(work) / "method.lua"
    script.write_text(WRK_LUA)
    results = []
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = ROOT / "bench/results" / f"{'quick-' if args.quick else ''}{stamp}.json"
    try:
        for n in [int(x) for x in args.targets.split(",")]:
            wait_for_time_wait()
            addrs = backend_addresses(n)
            log = Path(work) / f"backends-{n}.log"
            backends = Nginx(work, f"backends-{n}", backends_conf(addrs, log))
            backends.start(workers=1)
            for h, p in addrs[:3]:
                wait_port(p, h)
            mirror = Nginx(work, f"mirror-{n}", mirror_conf(addrs))
            lua = Nginx(work, f"lua-{n}", lua_conf(addrs), modules=("ndk_http_module.so", "ngx_http_lua_module.so"))
            mirror.start(workers=args.workers)
            lua.start(workers=args.workers)
            heralds = {"herald": (HERALD_PORT, "lean", 0)}  # the default transport
            if not args.no_qnam:
                heralds["herald-qnam"] = (HERALD_QNAM_PORT, "qnam", 0)
            if args.threads:
                heralds[f"herald-t{args.threads}"] = (HERALD_THREADS_PORT, "lean", args.threads)
            if args.curl:
                heralds["herald-curl"] = (HERALD_CURL_PORT, "curl", 0)
            processes = {}
            for name, (port, transport, threads) in heralds.items():
                env = dict(os.environ, HERALD_LISTEN=f"127.0.0.1:{port}", HERALD_POLICY="all",
                           HERALD_TARGETS=",".join(f"http://{h}:{p}" for h, p in addrs), HERALD_LOG_LEVEL="warn",
                           HERALD_CONCURRENCY=str(args.concurrency), HERALD_TRANSPORT=transport,
                           HERALD_TRANSPORT_THREADS=str(threads), HERALD_WORKERS=str(args.workers))
                # A file, not a pipe nobody reads: a burst of warnings must not block herald.
                with open(Path(work) / f"{name}-{n}.log", "wb") as log_file:
                    processes[name] = subprocess.Popen([args.herald, "serve"], env=env, stdout=subprocess.DEVNULL,
                                                       stderr=log_file)
            for port in [MIRROR_PORT, LUA_PORT] + [entry[0] for entry in heralds.values()]:
                wait_port(port)
            contenders = {name: entry[0] for name, entry in heralds.items()}
            contenders.update({"mirror": MIRROR_PORT, "lua": LUA_PORT, "ceiling": addrs[0][1]})
            try:
                for method in args.methods.split(","):
                    for c in [int(x) for x in args.connections.split(",")]:
                        samples = {name: [] for name in contenders}
                        # One unrecorded second each first: every contender opens its backend
                        # connections and faults its pages in before it is measured.
                        for name, port in contenders.items():
                            run_wrk(port, method, c, 1, str(script))
                        time.sleep(1.2)  # the warm-ups' access-log lines land before round 1 counts
                        for rnd in range(args.rounds):
                            for name, port in contenders.items():
                                if name == "ceiling" and rnd > 0:
                                    continue
                                before_lines = count_lines(log)
                                herald = processes.get(name)
                                # Whose CPU a round costs: the contender's own, the backends' (one
                                # nginx for all N), and the machine's, all shared by the same 2 cores.
                                own_pid = herald.pid if herald else {"lua": lua, "mirror": mirror}.get(name, backends).proc.pid
                                cpu_before = tree_cpu(own_pid)
                                backends_before = tree_cpu(backends.proc.pid)
                                machine_before = machine_times()
                                wrk = run_wrk(port if name != "ceiling" else addrs[0][1], method, c, args.duration, str(script))
                                time.sleep(1.2)  # the backends' access log flushes every second
                                delivered = count_lines(log) - before_lines
                                if "failed" in wrk:
                                    samples[name].append(wrk)
                                    print(f"  N={n} {method} c={c} round {rnd + 1} {name}: FAILED: {wrk['failed']}", flush=True)
                                    continue
                                sample = dict(wrk, delivered_per_s=delivered / args.duration)
                                total = wrk["rps"] * args.duration
                                machine_after = machine_times()
                                busy = machine_after[0] - machine_before[0]
                                sample["machine_busy"] = busy / max(1, machine_after[1] - machine_before[1])
                                sample["backends_cpu_us_per_broadcast"] = (
                                    (tree_cpu(backends.proc.pid) - backends_before) / total * 1e6 if total else None)
                                if name != "ceiling":  # the ceiling's own process is the backends
                                    sample["cpu_us_per_broadcast"] = (tree_cpu(own_pid) - cpu_before) / total * 1e6 if total else None
                                if herald:
                                    sample["rss_peak_mib"] = peak_rss_mib(herald.pid)
                                samples[name].append(sample)
                                print(f"  N={n} {method} c={c} round {rnd + 1} {name}: {wrk['rps']:.0f}/s "
                                      f"p99 {wrk['p99_ms']:.1f} ms, delivered {delivered / args.duration:.0f}/s", flush=True)
                        row = {"targets": n, "method": method, "connections": c}
                        for name, runs in samples.items():
                            good = [r for r in runs if "failed" not in r]
                            row[name] = {key: statistics.median([r[key] for r in good if r.get(key) is not None])
                                         for key in ("rps", "p50_ms", "p99_ms", "delivered_per_s", "cpu_us_per_broadcast", "rss_peak_mib",
                                                     "backends_cpu_us_per_broadcast", "machine_busy")
                                         if any(r.get(key) is not None for r in good)}
                            row[name]["non2xx"] = sum(r["non2xx"] for r in good)
                            if len(good) < len(runs):
                                row[name]["failed_rounds"] = [r["failed"] for r in runs if "failed" in r]
                        row["herald_vs_mirror"] = ratio(row, "herald", "mirror")
                        row["herald_vs_lua"] = ratio(row, "herald", "lua")
                        results.append(row)
                        for name in list(row):
                            if name.startswith("herald-t"):
                                row[name.replace("-", "_") + "_vs_lua"] = ratio(row, name, "lua")
                        if "herald-curl" in row:
                            row["curl_vs_lua"] = ratio(row, "herald-curl", "lua")
                        if "herald-qnam" in row:
                            row["qnam_vs_lua"] = ratio(row, "herald-qnam", "lua")
                        print(f"N={n} {method} c={c}: herald {show(row['herald'].get('rps'))}/s, "
                              f"mirror {show(row['mirror'].get('rps'))}/s, lua {show(row['lua'].get('rps'))}/s; "
                              f"Herald/mirror {show(row['herald_vs_mirror'], 2)}, Herald/lua {show(row['herald_vs_lua'], 2)}"
                              + "".join(f"; {k[:-7].replace('_', '-')}/lua {show(v, 2)}" for k, v in row.items() if k.startswith("herald_t"))
                              + (f"; curl/lua {show(row['curl_vs_lua'], 2)}" if "curl_vs_lua" in row else "")
                              , flush=True)
                        # Written after every row: a run stopped half-way still leaves what it measured.
                        write_results(out, args, results)
            finally:
                for herald in processes.values():
                    herald.terminate()
                    try:
                        herald.wait(15)
                    except subprocess.TimeoutExpired:
                        herald.kill()
                for server in (mirror, lua, backends):
                    server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(out, args, results)
    print(f"\nwritten {out}")
    threads_name = f"herald-t{args.threads}" if args.threads else None
    print(f"| N | method | c | Herald/s | Herald-qnam/s | {'Herald-t%d/s | ' % args.threads if threads_name else ''}mirror/s | lua/s | ceiling/s | Herald p50 / p99 | lua p50 / p99 "
          "| Herald/mirror | Herald/lua | Herald CPU µs/broadcast (qnam) | Herald RSS MiB | delivered/s Herald / lua |")
    print("|---" * (16 if threads_name else 15) + "|")
    for r in results:
        h, q, m, l = r["herald"], r.get("herald-qnam", {}), r["mirror"], r["lua"]
        t = f"{show(r[threads_name].get('rps'))} | " if threads_name else ""
        print(f"| {r['targets']} | {r['method']} | {r['connections']} | {show(h.get('rps'))} | {show(q.get('rps'))} | {t}"
              f"{show(m.get('rps'))} | {show(l.get('rps'))} | {show(r['ceiling'].get('rps'))} | "
              f"{show(h.get('p50_ms'), 1)} / {show(h.get('p99_ms'), 1)} ms | {show(l.get('p50_ms'), 1)} / {show(l.get('p99_ms'), 1)} ms | "
              f"{show(r['herald_vs_mirror'], 2)} | {show(r['herald_vs_lua'], 2)} | {show(h.get('cpu_us_per_broadcast'))} "
              f"({show(q.get('cpu_us_per_broadcast'))}) | {h.get('rss_peak_mib', 'n/a')} | "
              f"{show(h.get('delivered_per_s'))} / {show(l.get('delivered_per_s'))} |")
    failures = [(r["targets"], r["method"], r["connections"], name, why)
                for r in results for name, entry in r.items() if isinstance(entry, dict)
                for why in entry.get("failed_rounds", [])]
    if failures:
        print("\nFailed rounds (left out of the medians above):")
        for n, method, c, name, why in failures:
            print(f"- N={n} {method} c={c} {name}: {why}")
    # The 2 cores run wrk, the backends and the contender alike: what a broadcast costs each.
    print("\n| N | method | c | CPU µs/broadcast Herald / lua / mirror | backends' CPU µs/broadcast under Herald / lua "
          "| machine busy Herald / lua |")
    print("|---" * 6 + "|")
    for r in results:
        h, l, m = r["herald"], r["lua"], r["mirror"]
        print(f"| {r['targets']} | {r['method']} | {r['connections']} | {show(h.get('cpu_us_per_broadcast'))} / "
              f"{show(l.get('cpu_us_per_broadcast'))} / {show(m.get('cpu_us_per_broadcast'))} | "
              f"{show(h.get('backends_cpu_us_per_broadcast'))} / {show(l.get('backends_cpu_us_per_broadcast'))} | "
              f"{show(100 * h['machine_busy']) if 'machine_busy' in h else 'n/a'}% / "
              f"{show(100 * l['machine_busy']) if 'machine_busy' in l else 'n/a'}% |")
    if args.curl:
        # Same run, same backends, alternating with the others: only these ratios compare.
        print("\n| N | method | c | Herald (lean)/lua | Herald-curl/lua | CPU µs/broadcast lean | CPU µs/broadcast curl |")
        print("|---" * 7 + "|")
        for r in results:
            curl = r["herald-curl"]
            print(f"| {r['targets']} | {r['method']} | {r['connections']} | {show(r['herald_vs_lua'], 2)} | "
                  f"{show(r.get('curl_vs_lua'), 2)} | {show(r['herald'].get('cpu_us_per_broadcast'))} | "
                  f"{show(curl.get('cpu_us_per_broadcast'))} |")


if __name__ == "__main__":
    main()
