#!/usr/bin/env python3
"""Loopback backends for the real-window GUI run: N HTTP servers on 127.0.0.1, each logging
every request (method, path, headers, body length) as one JSON line to DIR/backend-I.log.
Backend --fail answers 503, backend --slow waits 700 ms, backend --hit answers X-Cache: HIT (the
others MISS; without --hit no X-Cache at all). Stops by itself after --seconds."""
import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(index, log_path, status, delay, cache):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if delay:
                time.sleep(delay)
            with open(log_path, "a") as log:
                log.write(json.dumps({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers.items()), "bodyLength": len(body)}) + "\n")
            reply = b"purged\n" if status < 400 else b"backend busy\n"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(reply)))
            self.send_header("X-Cache-Node", f"varnish-{index}")
            if cache:
                self.send_header("X-Cache", cache)
            self.end_headers()
            self.wfile.write(reply)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PURGE = do_BAN = handle_any

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--fail", type=int, default=4)
    parser.add_argument("--slow", type=int, default=5)
    parser.add_argument("--hit", type=int, default=-1)
    parser.add_argument("--seconds", type=int, default=600)
    args = parser.parse_args()
    urls = []
    for index in range(args.count):
        status = 503 if index == args.fail else 200
        delay = 0.7 if index == args.slow else 0
        cache = None if args.hit < 0 else "HIT" if index == args.hit else "MISS"
        handler = make_handler(index, os.path.join(args.dir, f"backend-{index}.log"), status, delay, cache)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        urls.append(f"http://127.0.0.1:{server.server_address[1]}")
    with open(os.path.join(args.dir, "urls"), "w") as out:
        out.write("\n".join(urls) + "\n")
    time.sleep(args.seconds)


if __name__ == "__main__":
    main()
