"""Benchmark: requests per second of the site's pages next to Flask's hello world; not a test.

Run from the project root (needs ``wrk``; ``make bench`` installs Debian's)::

    .venv/bin/python -m bench.bench_throughput                  # 10 s per run, 3 rounds, both modes
    .venv/bin/python -m bench.bench_throughput --seconds 5 --rounds 1 --modes cached

It makes a temporary instance folder and sets it up with the normal commands
(``flask db upgrade``, ``flask catalogue demo``) in production settings on SQLite, then serves the app with gunicorn (2 sync workers, loopback) and
``bench/hello.py`` (Flask's hello world) the same way, and drives each page with
``wrk -t2 -c16`` after a warm-up.  A page is not one address but every address of its
kind that the demo site has, taken in turn by a wrk script, as visitors spread over
them: the five offices' standards and IKM pages, the catalogue of each office, every
publication, and a search for each of ~100 words of the catalogue's titles in each
office's catalogue (those with hits).  Each round measures hello world, every page, and
hello world again, so the ratio compares figures of the same run; the table gives the
median of the rounds.  Two modes: ``cached`` is the site as deployed (anonymous pages
served from the page cache, app/pagecache.py), ``rendered`` the same with
``PAGE_CACHE=0`` (every request rendered by Flask; what a logged-in visitor costs).  In
the cached mode each address is rendered the first time a worker gets it and again
each minute and after every write; a last short run per page counts the share of
responses that came from the cache (``X-Page-Cache: hit``).

Targets (issue 12), for the site as deployed (the cached mode): office page >= 60 %,
detail page >= 50 %, search with hits >= 25 % of hello world's requests per second.
The rendered mode has none: it shows what rendering costs.
"""

from __future__ import annotations

import argparse
import collections
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


#: wrk script: the addresses in turn, each thread from its own starting point.
ROTATE = """
local paths = {%s}
local i = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  i = (tonumber(wrk.thread:get("id")) or 0) * 7
end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""
#: Added to count the responses served from the page cache.
COUNT_HITS = """
hits, total = 0, 0
function response(status, headers, body)
  total = total + 1
  if headers["X-Page-Cache"] == "hit" then hits = hits + 1 end
end
function done(summary, latency, requests)
  local h, t = 0, 0
  for _, thread in ipairs(threads) do h = h + thread:get("hits"); t = t + thread:get("total") end
  io.write(string.format("page-cache hits %d of %d\\n", h, t))
end
"""


def script(folder: Path, paths: list[str], count_hits: bool = False) -> Path:
    lua = ROTATE % ", ".join('"%s"' % p.replace("\\", "\\\\").replace('"', '\\"') for p in paths)
    lua += COUNT_HITS if count_hits else ""
    path = folder / f"rotate-{len(list(folder.glob('rotate-*')))}.lua"
    path.write_text(lua)
    return path


def wrk(url: str, seconds: int, lua: Path | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", *(["-s", str(lua)] if lua else []), url]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"wrk failed:\n{done.stdout}{done.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} error responses\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1)), done.stdout


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


def addresses(base: str) -> dict[str, list[str]]:
    """Every address of each kind of page the demo site has (searches: those with hits)."""
    slugs = sorted(set(re.findall(r'href="/([a-z]+)/"', fetch(base + "/"))))
    details, words = [], []
    for slug in slugs:
        for page in range(1, 20):
            html = fetch(f"{base}/{slug}/katalog?page={page}")
            found = re.findall(rf'href="(/{slug}/katalog/\d+)"', html)
            if not found or set(found) <= set(details):
                break
            details += [path for path in dict.fromkeys(found) if path not in details]
            titles = re.findall(r'<a href="/[a-z]+/katalog/\d+"[^>]*>([^<]+)</a>', html)
            words += [w.lower() for title in titles for w in re.findall(r"[A-Za-z]{5,}", title)]
    common = [word for word, _n in collections.Counter(words).most_common(100)]
    searches = []
    for slug in slugs:
        for word in common:
            path = f"/{slug}/katalog?q={word}"
            if re.search(rf'href="/{slug}/katalog/\d+"', fetch(base + path)):
                searches.append(path)
    return {
        "office": [f"/{slug}/" for slug in slugs],
        "directory": ["/"],
        "search": searches,
        "browse": [f"/{slug}/katalog" for slug in slugs],
        "detail": details,
        "ikm": [f"/{slug}/ikm" for slug in slugs],
    }


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
            pages = addresses(bases[modes[0]])
            scripts = {name: script(Path(folder), paths) for name, paths in pages.items()}
            print(f"warming up ({machine()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}) ...",
                  flush=True)
            for base in bases.values():
                for paths in pages.values():
                    for path in paths:
                        fetch(base + path)
            wrk(hello + "/", 2)
            for base in bases.values():
                for name in pages:
                    wrk(base + "/", 2, scripts[name])
            hello_rates: list[float] = []
            rates = {(mode, name): [] for mode in modes for name in pages}
            for round_ in range(args.rounds):
                print(f"round {round_ + 1} of {args.rounds} ...", flush=True)
                hello_rates.append(wrk(hello + "/", args.seconds)[0])
                for mode in modes:
                    for name in pages:
                        rates[mode, name].append(wrk(bases[mode] + "/", args.seconds, scripts[name])[0])
                hello_rates.append(wrk(hello + "/", args.seconds)[0])
            hits = {}
            if "cached" in modes:
                for name, paths in pages.items():
                    output = wrk(bases["cached"] + "/", 3, script(Path(folder), paths, count_hits=True))[1]
                    found = re.search(r"page-cache hits (\d+) of (\d+)", output)
                    hits[name] = int(found.group(1)) / max(1, int(found.group(2)))
            load = os.getloadavg()
        finally:
            for server in servers:
                stop(server)

    reference = statistics.median(hello_rates)
    print()
    print(f"gunicorn, 2 sync workers each; wrk -t2 -c16, {args.seconds} s per run, median of {args.rounds} "
          f"round(s); {machine()}; load average at the end {load[0]:.1f}")
    print(f"hello world: {reference:.0f} requests/s (runs: {', '.join(f'{r:.0f}' for r in hello_rates)})")
    unmet = []
    for mode in modes:
        # The targets are the site's as deployed; rendered figures are what a logged-in
        # visitor (or the first visitor of an address after a write) costs.
        title = ("cached: anonymous visitors, the page cache on (as deployed; the targets)" if mode == "cached"
                 else "rendered: PAGE_CACHE=0, every request rendered by Flask (no target)")
        print(f"\n{title}")
        print(f"{'page':10} {'addresses':>9} {'req/s':>8} {'ratio':>7}  {'target':>6}  verdict"
              + ("  from cache" if mode == "cached" else ""))
        for name, paths in pages.items():
            rate = statistics.median(rates[mode, name])
            ratio = rate / reference
            target = TARGETS.get(name) if mode == "cached" else None
            verdict = ("met" if ratio >= target else "not met") if target else "-"
            if verdict == "not met":
                unmet.append(name)
            shown = f">={target:.0%}" if target else "-"
            share = f"  {hits[name]:10.1%}" if mode == "cached" else ""
            print(f"{name:10} {len(paths):9} {rate:8.0f} {ratio:7.1%}  {shown:>6}  {verdict:7}{share}")
    if "cached" in modes:
        print("\nevery throughput target met" if not unmet else f"\ntargets not met: {', '.join(unmet)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
