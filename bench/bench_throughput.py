"""Benchmark: requests per second of the site's pages next to Flask's hello world; not a test.

Run from the project root (needs ``wrk``; ``make bench`` installs Debian's)::

    .venv/bin/python -m bench.bench_throughput                  # 10 s per run, 3 rounds, both modes
    .venv/bin/python -m bench.bench_throughput --seconds 5 --rounds 1 --modes cached

It makes a temporary instance folder and sets it up with the normal commands
(``flask db upgrade``, ``flask catalogue demo``) in production settings on SQLite, then serves the app with gunicorn (2 sync workers, loopback) and
``bench/hello.py`` (Flask's hello world) the same way, and drives each page with
``wrk -t2 -c16`` after a warm-up.  Each round measures hello world, every page, and
hello world again, so the ratio compares figures of the same run; the table gives the
median of the rounds.  Two modes: ``cached`` is the site as deployed (anonymous pages
served from the page cache, app/pagecache.py), ``rendered`` the same with
``PAGE_CACHE=0`` (every request rendered by Flask; what a logged-in visitor costs).

Targets (issue 12): office page >= 60 %, detail page >= 50 %, search with hits >= 25 %
of hello world's requests per second.
"""

from __future__ import annotations

import argparse
import os
import platform
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
MODES = {"cached": "1", "rendered": "0"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app: str, env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with 2 sync workers on a loopback port; waits until it answers."""
    port = free_port()
    with log.open("ab") as errors:
        server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                   "--log-level", "error", app], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn for {app} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit(f"gunicorn for {app} did not start")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wrk(url: str, seconds: int) -> float:
    done = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} error responses\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            raise SystemExit(f"{url}: status {response.status}")
        return response.read().decode()


def set_up(instance: Path, env: dict) -> None:
    """The instance folder as `make run` prepares it, through the normal CLI."""
    for command in (["offices", "check"], ["db", "upgrade"], ["catalogue", "demo"]):
        print(f"flask {' '.join(command)} ...", flush=True)
        done = subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")


def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{model or platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per page (the median is shown)")
    parser.add_argument("--modes", default="cached,rendered", help="cached, rendered, or cached,rendered (the default)")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        parser.error(f"--modes: choose from {', '.join(MODES)}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk (make bench does)")

    with tempfile.TemporaryDirectory(prefix="pst-throughput-") as folder:
        instance = Path(folder) / "instance"
        env = {**os.environ, "INSTANCE_PATH": str(instance), "APP_ENV": "production",
               "SECRET_KEY": os.urandom(32).hex(), "MAIL_OUTBOX": "1", "PST_QUIET_START": "1",
               "FLASK_APP": "wsgi", "SECURE_COOKIES": "0", "PUBLIC_URL": "http://127.0.0.1",
               "OFFICES_DIR": str(ROOT / "offices")}
        for name in ("DATABASE_URL", "SITE_OFFICE", "PAGE_CACHE", "REDIS_URL"):
            env.pop(name, None)
        set_up(instance, env)
        servers, bases = [], {}
        try:
            log = Path(folder) / "gunicorn.log"
            hello_server, hello = serve("bench.hello:app", env, log)
            servers.append(hello_server)
            for mode in modes:
                server, bases[mode] = serve("wsgi:app", {**env, "PAGE_CACHE": MODES[mode]}, log)
                servers.append(server)
            first = bases[modes[0]]
            detail = re.search(r'href="(/majenekab/katalog/\d+)"', fetch(first + "/majenekab/katalog?q=penduduk")).group(1)
            pages = {
                "office": "/majenekab/",
                "directory": "/",
                "search": "/majenekab/katalog?q=penduduk",
                "browse": "/majenekab/katalog",
                "detail": detail,
                "ikm": "/majenekab/ikm",
            }
            print(f"warming up ({machine()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}) ...",
                  flush=True)
            for base in bases.values():
                for path in pages.values():
                    for _ in range(10):
                        fetch(base + path)
            wrk(hello + "/", 2)
            for base in bases.values():
                for path in pages.values():
                    wrk(base + path, 2)
            hello_rates: list[float] = []
            rates = {(mode, name): [] for mode in modes for name in pages}
            for round_ in range(args.rounds):
                print(f"round {round_ + 1} of {args.rounds} ...", flush=True)
                hello_rates.append(wrk(hello + "/", args.seconds))
                for mode in modes:
                    for name, path in pages.items():
                        rates[mode, name].append(wrk(bases[mode] + path, args.seconds))
                hello_rates.append(wrk(hello + "/", args.seconds))
            load = os.getloadavg()
        finally:
            for server in servers:
                stop(server)

    reference = statistics.median(hello_rates)
    print()
    print(f"gunicorn, 2 sync workers each; wrk -t2 -c16, {args.seconds} s per run, median of {args.rounds} "
          f"round(s); {machine()}; load average at the end {load[0]:.1f}")
    print(f"hello world: {reference:.0f} requests/s (runs: {', '.join(f'{r:.0f}' for r in hello_rates)})")
    for mode in modes:
        title = ("cached: anonymous visitors, the page cache on (as deployed)" if mode == "cached"
                 else "rendered: PAGE_CACHE=0, every request rendered by Flask")
        print(f"\n{title}")
        print(f"{'page':10} {'path':32} {'req/s':>8} {'ratio':>7}  {'target':>6}  verdict")
        for name, path in pages.items():
            rate = statistics.median(rates[mode, name])
            ratio = rate / reference
            target = TARGETS.get(name)
            verdict = ("met" if ratio >= target else "not met") if target else "-"
            shown = f">={target:.0%}" if target else "-"
            print(f"{name:10} {path[:32]:32} {rate:8.0f} {ratio:7.1%}  {shown:>6}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
