"""Benchmark: catalogue pages at the demo size, in process (Flask test client); not a test.

Run from the project root::

    .venv/bin/python -m bench.bench_pages                 # 201 requests per page
    .venv/bin/python -m bench.bench_pages --rounds 501 --keep /tmp/pst-pages

It builds the app on a temporary SQLite database, loads the demo catalogue
(``flask catalogue demo``: 75 publications with real PDFs, the text extracted
and indexed), with the page cache off (every request is rendered, as for a logged-in
visitor), warms every page once, then requests each page ``--rounds``
times, interleaved so that changes in machine load hit every page alike, and
prints the median and p95 in milliseconds, and the median time the page spent
in the search engine (search, passages, example queries).  The search pages are the target of
the speed issue: a results page in at most 5 ms (median).  ``--keep DIR``
keeps the demo catalogue in DIR and reuses it the next time (generating the
PDFs takes a while).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app import create_app
from app.catalogue.models import Publication
from app.extensions import db
from tests.helpers import OFFICES_DIR

TARGET_MS = 5.0


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def build_app(folder: Path):
    app = create_app({
        "APP_ENV": "testing", "SECRET_KEY": "bench-" + "k" * 40,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "INSTANCE_PATH": folder / "instance", "OFFICES_DIR": str(OFFICES_DIR),
        "RATELIMIT_ENABLED": False,
        # Rendering is measured: the page cache would answer every request but the first.
        "PAGE_CACHE": False})
    with app.app_context():
        db.create_all()
        empty = not db.session.scalar(select(Publication.id).limit(1))
    if empty:
        print("loading the demo catalogue (PDFs are generated: this takes a while) ...", flush=True)
        result = app.test_cli_runner().invoke(args=["catalogue", "demo"])
        if result.exit_code != 0:
            raise SystemExit(result.output)
    return app


def _time_engine(total: list[float]) -> None:
    """Add the time the catalogue view spends in the search engine (the
    search, the passages of PDF-only hits, the example queries) to ``total[0]``."""
    from app.catalogue import views

    for name in ("run_search", "text_passages", "example_queries"):
        function = getattr(views, name)

        def timed(*args, _function=function, **kwargs):
            started = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                total[0] += time.perf_counter() - started

        setattr(views, name, timed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=201, help="requests per page")
    parser.add_argument("--keep", metavar="DIR", help="keep the demo catalogue in DIR (reused if there)")
    args = parser.parse_args(argv)

    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        return run(folder, args.rounds)
    with tempfile.TemporaryDirectory(prefix="pst-pages-") as tmp:
        return run(Path(tmp), args.rounds)


def run(folder: Path, rounds: int) -> int:
    app = build_app(folder)
    with app.app_context():
        count = db.session.scalar(select(db.func.count(Publication.id)))
        first = db.session.scalars(select(Publication).where(Publication.office == "majenekab")
                                   .order_by(Publication.id)).first()
    client = app.test_client()
    pages = {
        "search with hits (office)": "/majenekab/katalog?q=penduduk",
        "search with hits (all offices)": "/katalog?q=penduduk",
        "search, full-text matches": "/katalog?q=kecamatan",
        "search with a facet": "/katalog?q=statistik&year=2024",
        "search, no results": "/majenekab/katalog?q=kapal+selam",
        "browse (no query)": "/majenekab/katalog",
        "browse page 2, by title": "/katalog?sort=title&page=2",
        "publication detail": f"/majenekab/katalog/{first.id}",
    }
    engine = [0.0]
    _time_engine(engine)
    for url in pages.values():  # warm up: searchers, caches, templates
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times: dict[str, list[float]] = {label: [] for label in pages}
    in_engine: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(rounds):
        for label, url in pages.items():
            engine[0] = 0.0
            started = time.perf_counter()
            response = client.get(url)
            times[label].append((time.perf_counter() - started) * 1000)
            in_engine[label].append(engine[0] * 1000)
            assert response.status_code == 200
    print(f"{count} publications (demo catalogue), {rounds} requests per page, interleaved; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8}   {'of which the search engine':>26}")
    worst = 0.0
    for label, values in times.items():
        median = statistics.median(values)
        if label.startswith("search") or label.startswith("browse"):
            worst = max(worst, median)
        print(f"{label:34} {median:10.2f} {percentile(values, 95):8.2f}   {statistics.median(in_engine[label]):23.2f} ms")
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(f"slowest results page: median {worst:.2f} ms (target <= {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
