#!/usr/bin/env python3
"""What many relay agents cost Redis: K consumer groups on one stream, K client connections each
reading every entry with XREADGROUP, then acknowledging it, as `herald relay` does. Reports Redis
memory per group and per connection and the read throughput. Loopback only; bounded by K and N.

Usage: bench/relay_scale.py [--agents 2000] [--entries 200]
"""
import argparse, sys, json, os, re, socket, subprocess, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchnet import free_port  # noqa: E402


def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *map(str, args)], capture_output=True, text=True).stdout


def used_memory(port):
    return int(re.search(r"used_memory:(\d+)", cli(port, "INFO", "memory")).group(1))


def read_reply(sock, buffer):
    """Reads until one complete RESP reply is in buffer (counting nesting); returns rest."""
    def parse(data, i):
        kind, end = data[i:i + 1], data.index(b"\r\n", i)
        if kind in (b"+", b"-", b":"):
            return end + 2
        if kind == b"$":
            n = int(data[i + 1:end])
            return end + 2 if n < 0 else end + 2 + n + 2
        n = int(data[i + 1:end])
        j = end + 2
        for _ in range(max(n, 0)):
            j = parse(data, j)
        return j
    while True:
        try:
            end = parse(buffer, 0)
            if end <= len(buffer):
                return buffer[end:]
        except (ValueError, IndexError):
            pass
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise RuntimeError("closed")
        buffer += chunk


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--agents", type=int, default=2000)
    p.add_argument("--entries", type=int, default=200)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="herald-relay-scale-")
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", work, "--save", "",
                              "--maxclients", str(args.agents + 100)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if cli(port, "PING").strip() == "PONG":
                break
            time.sleep(0.05)
        payload = b"".join(cmd("XADD", "herald", "*", "method", "PURGE", "path", f"/p/{i}", "headers", "[]", "body", "",
                               "origin", "bench") for i in range(args.entries))
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=payload, capture_output=True, check=True)
        base = used_memory(port)
        groups = b"".join(cmd("XGROUP", "CREATE", "herald", f"agent{i}", "0") for i in range(args.agents))
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=groups, capture_output=True, check=True)
        after_groups = used_memory(port)
        sockets = []
        for i in range(args.agents):
            s = socket.create_connection(("127.0.0.1", port))
            sockets.append(s)
        after_connections = used_memory(port)
        start = time.time()
        reads = 0
        for i, s in enumerate(sockets):
            group = f"agent{i}"
            s.sendall(cmd("XREADGROUP", "GROUP", group, group, "COUNT", args.entries, "STREAMS", "herald", ">"))
            read_reply(s, b"")
            reads += args.entries
        read_time = time.time() - start
        pending = used_memory(port)
        start = time.time()
        ids = cli(port, "XRANGE", "herald", "-", "+").split()
        ids = [x for x in ids if re.match(r"^\d+-\d+$", x)]
        for i, s in enumerate(sockets):
            s.sendall(cmd("XACK", "herald", f"agent{i}", *ids))
            read_reply(s, b"")
        ack_time = time.time() - start
        acked = used_memory(port)
        row = {"agents": args.agents, "entries": args.entries,
               "bytes_per_group": round((after_groups - base) / args.agents),
               "bytes_per_connection": round((after_connections - after_groups) / args.agents),
               "pending_bytes_per_entry_per_group": round((pending - after_connections) / (args.agents * args.entries)),
               "entry_reads_per_s": round(reads / read_time), "acks_per_s": round(reads / ack_time),
               "memory_after_ack_mib": round(acked / 1048576, 1)}
        print(json.dumps(row))
        out = ROOT / "bench/results" / time.strftime("relay-scale-%Y%m%dT%H%M%S.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(row, indent=2))
        print(f"written {out}")
        for s in sockets:
            s.close()
    finally:
        redis.terminate()
        redis.wait(10)


if __name__ == "__main__":
    main()
