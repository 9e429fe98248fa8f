"""Benchmark: many kiosks submitting the guest book at once, against gunicorn with 2 workers.

Run from the project root::

    .venv/bin/python -m bench.bench_visits                     # 200 submissions, SQLite and PostgreSQL
    .venv/bin/python -m bench.bench_visits --count 50 --database sqlite --threads 4

For each database it makes a fresh one (a SQLite file in a temporary folder, in WAL mode
as the app sets it; a temporary schema in PostgreSQL at ``BENCH_DATABASE_URL``, else
``TEST_DATABASE_URL``, else postgresql://postgres@127.0.0.1:5432/test, when it answers),
creates the tables, and serves the app with ``gunicorn --workers 2``.  Then ``--count``
clients each open the kiosk form in their own session (for its CSRF token and form token),
wait at a barrier, and all submit at the same moment.  It prints how many entries were
stored (must equal the count), duplicate numbers (0), gaps in the numbering (0), the
median and 95th-percentile latency of the submissions (which, all sent at one moment,
mostly wait their turn for one of the two workers), and how long the whole burst took.

``tests/visits/test_load.py`` uses :func:`serve`, :func:`submit_all` and :func:`numbering`
for the same check with 50 submissions.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OFFICE = "majenekab"

VISITOR = {"gender": "P", "age_group": "26-35", "education": "s1", "occupation": "Peneliti/Dosen",
           "institution": "Universitas Sulawesi Barat", "purpose": "perpustakaan", "id_kind": "ktp",
           "consent": "y"}


@dataclass
class Submission:
    status: int
    location: str
    seconds: float
    error: str = ""
    #: perf_counter() when the POST went out and when its answer was read.
    sent: float = 0.0
    done: float = 0.0


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)"[^>]*name="{name}"', html)
    if not match:
        raise RuntimeError(f"no {name} on the kiosk page")
    return match.group(1)


def _one_kiosk(host: str, port: int, n: int, start: threading.Barrier, results: list, slug: str) -> None:
    """One visitor: open the form in a session of their own, then submit when everyone does."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("GET", f"/{slug}/bukutamu")
        response = conn.getresponse()
        html = response.read().decode()
        cookie = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])
        body = urllib.parse.urlencode({
            **VISITOR, "csrf_token": _hidden(html, "csrf_token"), "form_token": _hidden(html, "form_token"),
            "name": f"Pengunjung Uji {n}", "email": f"pengunjung{n}@contoh.id"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    except Exception as exc:  # a failed GET counts as a failed submission; still meet the others
        conn.close()
        results[n] = Submission(0, "", 0.0, f"GET: {type(exc).__name__}: {exc}")
        try:
            start.wait()
        except threading.BrokenBarrierError:
            pass
        return
    try:
        start.wait()
        began = time.perf_counter()
        conn.request("POST", f"/{slug}/bukutamu", body=body, headers=headers)
        answer = conn.getresponse()
        answer.read()
        ended = time.perf_counter()
        results[n] = Submission(answer.status, answer.headers.get("Location", ""), ended - began, "", began, ended)
    except Exception as exc:
        results[n] = Submission(0, "", 0.0, f"POST: {type(exc).__name__}: {exc}")
    finally:
        conn.close()


def submit_all(base: str, count: int, slug: str = OFFICE) -> list[Submission]:
    """``count`` kiosk sessions submit the guest book at the same moment."""
    parts = urllib.parse.urlsplit(base)
    results: list = [None] * count
    start = threading.Barrier(count)
    threads = [threading.Thread(target=_one_kiosk, args=(parts.hostname, parts.port, n, start, results, slug))
               for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def numbering(database_uri: str, slug: str = OFFICE) -> dict:
    """What the database holds: entries stored, duplicate numbers, gaps in each day's series."""
    engine = sa.create_engine(_driver_url(database_uri))
    try:
        with engine.connect() as conn:
            entries = conn.execute(sa.text("SELECT count(*) FROM guest_book_entry WHERE office = :o"),
                                   {"o": slug}).scalar_one()
            rows = conn.execute(sa.text("SELECT day, prefix, number FROM queue_ticket WHERE office = :o"),
                                {"o": slug}).all()
    finally:
        engine.dispose()
    series: dict[tuple, list[int]] = {}
    for day, prefix, number in rows:
        series.setdefault((str(day), prefix), []).append(number)
    duplicates = sum(len(numbers) - len(set(numbers)) for numbers in series.values())
    gaps = sum(max(numbers) - len(set(numbers)) for numbers in series.values())
    starts_at_one = all(min(numbers) == 1 for numbers in series.values())
    return {"stored": entries, "tickets": len(rows), "duplicates": duplicates, "gaps": gaps,
            "starts_at_one": starts_at_one, "series": {k: sorted(v) for k, v in series.items()}}


def _driver_url(uri: str) -> str:
    from app.config import database_url

    return database_url(uri)


def _ready(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    parts = urllib.parse.urlsplit(base)
    while True:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
        try:
            conn.request("GET", f"/{OFFICE}/antrian/layar.json")
            conn.getresponse().read()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                output = server.communicate()[0].decode(errors="replace")
                raise RuntimeError("gunicorn did not start: " + output)
            time.sleep(0.2)
        finally:
            conn.close()


@contextmanager
def serve(database_uri: str, instance: Path, workers: int = 2, threads: int = 1):
    """The app under gunicorn on a free port, on a database whose tables exist; yields its base URL."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "APP_ENV": "testing", "SECRET_KEY": "bench-visits-" + "k" * 40,
           "DATABASE_URL": database_uri, "INSTANCE_PATH": str(instance), "OFFICES_DIR": str(ROOT / "offices"),
           "FLASK_APP": "wsgi", "SEARCH_SYNC_ON_START": "0",
           # One address submits everything here: the kiosk's flood limit would stop it.
           "RATELIMIT_ENABLED": "0"}
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--backlog", "2048", "--log-level", "warning", "--timeout", "120"]
    if threads > 1:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command + ["wsgi:app"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _ready(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def create_tables(database_uri: str, instance: Path) -> None:
    from app import create_app
    from app.extensions import db

    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench-visits-" + "k" * 40,
                      "SQLALCHEMY_DATABASE_URI": _driver_url(database_uri), "INSTANCE_PATH": instance,
                      "SEARCH_SYNC_ON_START": False})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory(prefix="bench-visits-") as folder:
        yield f"sqlite:///{folder}/bench.sqlite3", Path(folder) / "instance"


def postgresql_url() -> str | None:
    """The PostgreSQL server to use, if one answers."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or \
        "postgresql://postgres@127.0.0.1:5432/test"
    try:
        engine = sa.create_engine(_driver_url(url), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return None
    return url


@contextmanager
def postgresql_database(url: str):
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_driver_url(url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        with tempfile.TemporaryDirectory(prefix="bench-visits-") as folder:
            yield scoped.render_as_string(hide_password=False), Path(folder) / "instance"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(name: str, database, count: int, workers: int, threads: int) -> dict:
    with database as (uri, instance):
        create_tables(uri, instance)
        with serve(uri, instance, workers=workers, threads=threads) as base:
            results = submit_all(base, count)
        held = numbering(uri)
    sent = [r for r in results if r and r.sent]
    wall = (max(r.done for r in sent) - min(r.sent for r in sent)) if sent else float("nan")
    ok = [r for r in results if r and r.status == 303 and "/antrian/tiket/" in r.location]
    latencies = sorted(r.seconds * 1000 for r in ok)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else float("nan")
    return {"database": name, "count": count, **held, "ok": len(ok), "errors": count - len(ok),
            "p50": statistics.median(latencies) if latencies else float("nan"), "p95": p95, "wall": wall,
            "error_kinds": sorted({r.error or str(r.status) for r in results if r not in ok and r})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="concurrent submissions (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when > 1)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)

    runs = []
    if args.database in ("sqlite", "both"):
        runs.append(("sqlite", sqlite_database()))
    if args.database in ("postgresql", "both"):
        url = postgresql_url()
        if url is None:
            print("PostgreSQL: no server answers (set BENCH_DATABASE_URL); skipped", flush=True)
        else:
            runs.append(("postgresql", postgresql_database(url)))
    worker_class = "sync" if args.threads <= 1 else f"gthread x{args.threads}"
    print(f"Guest-book submissions: {args.count} at once, gunicorn {args.workers} workers ({worker_class}), "
          f"Python {sys.version.split()[0]}", flush=True)
    print(f"{'database':<11} {'stored':>9} {'duplicates':>10} {'gaps':>5} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'all in s':>8} {'per s':>6} {'errors':>6}", flush=True)
    failed = False
    for name, database in runs:
        result = run(name, database, args.count, args.workers, args.threads)
        print(f"{name:<11} {result['stored']:>5}/{args.count:<3} {result['duplicates']:>10} {result['gaps']:>5} "
              f"{result['p50']:>8.0f} {result['p95']:>8.0f} {result['wall']:>8.2f} "
              f"{result['ok'] / result['wall']:>6.0f} {result['errors']:>6}", flush=True)
        if result["error_kinds"]:
            print(f"            errors: {', '.join(result['error_kinds'][:5])}", flush=True)
        failed |= (result["stored"] != args.count or result["duplicates"] or result["gaps"]
                   or not result["starts_at_one"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
