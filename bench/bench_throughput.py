"""Benchmark: requests per second of the site's pages next to Flask's hello world; not a test.

Run from the project root (needs Debian's ``wrk``; ``make bench`` installs it)::

    .venv/bin/python -m bench.bench_throughput            # 10 s per page, 2 rounds
    .venv/bin/python -m bench.bench_throughput --seconds 5 --rounds 1

It loads the demo catalogue into a temporary instance, serves the app with gunicorn
(2 sync workers, production settings) and a hello-world Flask app the same way, both on
loopback, then drives each page with ``wrk -t2 -c16`` and prints requests/s and the
ratio to hello world measured in the same run (hello world is measured before and
after the pages; the ratio uses their median).  Targets: office page >= 60 %, detail
page >= 50 %, search with hits >= 25 % of hello world.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = {"office": 0.60, "detail": 0.50, "search": 0.25}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app: str, env: dict, cwd: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--log-level", "error", app], env=env, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn for {app} did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)


def wrk(url: str, seconds: int) -> float:
    done = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} error responses\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk (make bench does)")

    with tempfile.TemporaryDirectory(prefix="pst-throughput-") as folder:
        env = {**os.environ, "INSTANCE_PATH": str(Path(folder) / "instance"), "APP_ENV": "production",
               "SECRET_KEY": os.urandom(32).hex(), "MAIL_OUTBOX": "1", "PST_QUIET_START": "1",
               "RATELIMIT_ENABLED": "0", "FLASK_APP": "wsgi", "SECURE_COOKIES": "0",
               "PUBLIC_URL": "http://127.0.0.1"}
        env.pop("DATABASE_URL", None)
        for command in (["db", "upgrade"], ["catalogue", "demo"]):
            done = subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-2000:]}")
        app_server, base = serve("wsgi:app", env, ROOT)
        hello_server, hello = serve("bench.hello:app", env, ROOT)
        try:
            detail = re.search(r'href="(/majenekab/katalog/\d+)"',
                               urllib.request.urlopen(base + "/majenekab/katalog").read().decode()).group(1)
            pages = {
                "office": "/majenekab/",
                "directory": "/",
                "search": "/majenekab/katalog?q=penduduk",
                "browse": "/majenekab/katalog",
                "detail": detail,
            }
            try:
                urllib.request.urlopen(base + "/majenekab/ikm", timeout=5).read()
                pages["ikm"] = "/majenekab/ikm"
            except OSError:
                pass
            for path in pages.values():  # warm both workers
                for _ in range(20):
                    urllib.request.urlopen(base + path).read()
            hello_rates, rates = [], {name: [] for name in pages}
            for _ in range(args.rounds):
                hello_rates.append(wrk(hello + "/", args.seconds))
                for name, path in pages.items():
                    rates[name].append(wrk(base + path, args.seconds))
                hello_rates.append(wrk(hello + "/", args.seconds))
        finally:
            stop(app_server)
            stop(hello_server)

    reference = statistics.median(hello_rates)
    print(f"gunicorn 2 sync workers, wrk -t2 -c16, {args.seconds} s x {args.rounds} round(s); medians")
    print(f"{'page':12} {'path':36} {'req/s':>8} {'ratio':>7}  target")
    print(f"{'hello world':12} {'/':36} {reference:8.0f} {'100%':>7}")
    for name, path in pages.items():
        rate = statistics.median(rates[name])
        ratio = rate / reference
        target = TARGETS.get(name)
        verdict = f">= {target:.0%} {'PASS' if ratio >= target else 'FAIL'}" if target else "-"
        print(f"{name:12} {path[:36]:36} {rate:8.0f} {ratio:7.0%}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
