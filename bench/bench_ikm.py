"""Benchmark of the IKM page at 100,000 survey responses; not a test.

Run from the project root::

    .venv/bin/python -m bench.bench_ikm                          # 100,000 responses, SQLite and PostgreSQL
    .venv/bin/python -m bench.bench_ikm --count 20000 --database sqlite
    .venv/bin/python -m bench.bench_ikm --index /tmp/bench-100k   # also the sort by rating (see below)

It makes a fresh database for each engine (a SQLite file in WAL mode, as the app sets
it; a temporary schema in PostgreSQL at ``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``,
else postgresql://postgres@127.0.0.1:5432/test, when it answers), fills it with
``--count`` deterministic responses spread over the five offices (Majene gets 40 %) and
the 24 months of 2025–2026, then renders ``/<slug>/ikm?periode=…`` in-process with the
test client (the whole request: routing, the aggregate queries, the charts, the
template) for a year, a semester, a quarter and a month of Majene, and prints the median
and 95th percentile of each against the target (median <= 200 ms).

``--index DIR`` points to a catalogue index built by ``python -m bench.bench_search
--keep DIR`` (100k publications): the engine's ``ranked`` order, which the sort by
rating uses, is then timed with 20,000 rated publications against the plain newest-first
order.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

TARGET_MEDIAN_MS = 200.0
OFFICES = (("majenekab", 0.40), ("musibanyuasinkab", 0.15), ("sawahluntokota", 0.15), ("bengkulu", 0.15),
           ("pasamankab", 0.15))
PERIODS = (("year", "2025"), ("semester", "2025-S2"), ("quarter", "2026-T1"), ("month", "2026-03"))
PROFILE = {
    "gender": ("L", "P", None),
    "age_group": ("u17", "17-25", "26-35", "36-45", "46-55", "56+", None),
    "education": ("sd", "smp", "sma", "d3", "s1", "s2", "s3", None),
    "occupation": ("pns", "tni", "polri", "swasta", "wirausaha", "pelajar", "lainnya", None),
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def responses(count: int, seed: int = 2026):
    """Deterministic survey responses: office, day in 2025–2026, nine answers, profile, suggestion."""
    rng = random.Random(seed)
    first = date(2025, 1, 1)
    days = (date(2027, 1, 1) - first).days
    offices, weights = zip(*OFFICES)
    for n in range(count):
        office = rng.choices(offices, weights)[0]
        day = first + timedelta(days=rng.randrange(days))
        base = rng.choice((2, 3, 3, 3, 4, 4))
        answers = {f"q{i}": min(4, max(1, base + rng.choice((-1, 0, 0, 0, 1)))) for i in range(1, 10)}
        row = {"office": office, "local_date": day, "created_at": datetime(day.year, day.month, day.day, 3, 0),
               "channel": rng.choice(("web", "web", "download", "visit")), "respondent_key": f"bench-{n}",
               "response_window": f"{day.year}-T{(day.month - 1) // 3 + 1}", **answers,
               "suggestion": "Perbanyak koleksi publikasi kecamatan." if rng.random() < 0.15 else None}
        row.update({column: rng.choice(values) for column, values in PROFILE.items()})
        yield row


def postgres_url() -> str:
    return (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
            or "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def database(kind: str, folder: Path):
    """A database of the bench's own: a SQLite file, or a temporary PostgreSQL schema."""
    from app.config import database_url

    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    url = database_url(postgres_url())
    schema = f"bench_ikm_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_answers() -> bool:
    from app.config import database_url

    try:
        engine = sa.create_engine(database_url(postgres_url()), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def run(kind: str, count: int, rounds: int) -> list[tuple[str, float, float, int]]:
    from app import create_app
    from app.extensions import db
    from app.feedback.models import SurveyResponse

    folder = Path(tempfile.mkdtemp(prefix=f"bench-ikm-{kind}-"))
    with database(kind, folder) as uri:
        app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench-" + "k" * 40, "SQLALCHEMY_DATABASE_URI": uri,
                          "INSTANCE_PATH": folder / "instance", "SEARCH_SYNC_ON_START": False,
                          "RATELIMIT_ENABLED": False, "CLOCK": lambda: datetime(2026, 12, 15, 2, 0).astimezone(),
                          # Rendering is measured: the page cache (on by default with SQLite)
                          # would answer every round but the first from memory.
                          "PAGE_CACHE": False})
        try:
            with app.app_context():
                db.create_all()
                start = time.perf_counter()
                batch = []
                for row in responses(count):
                    batch.append(row)
                    if len(batch) == 5000:
                        db.session.execute(sa.insert(SurveyResponse), batch)
                        batch.clear()
                if batch:
                    db.session.execute(sa.insert(SurveyResponse), batch)
                db.session.commit()
                if kind == "postgresql":
                    db.session.execute(sa.text("ANALYZE survey_response"))
                    db.session.commit()
                else:
                    db.session.execute(sa.text("ANALYZE"))
                    db.session.commit()
                loaded = time.perf_counter() - start
                total = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))
            print(f"{kind}: {total:,} responses loaded in {loaded:.1f} s", flush=True)
            client = app.test_client()
            rows = []
            for label, key in PERIODS:
                url = f"/majenekab/ikm?periode={key}"
                for _ in range(3):  # warm-up
                    assert client.get(url).status_code == 200
                times = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    response.get_data()
                    times.append((time.perf_counter() - t0) * 1000)
                with app.app_context():
                    from app.feedback import ikm, periods

                    period = periods.parse(key)
                    n = ikm.aggregate(db.session, "majenekab", period.start, period.end).respondents
                p50, p95 = statistics.median(times), percentile(times, 95)
                verdict = "PASS" if p50 <= TARGET_MEDIAN_MS else "FAIL"
                print(f"  {label:8s} {key:8s} {n:6,} respondents  median {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                      f"target median <= {TARGET_MEDIAN_MS:.0f} ms: {verdict}", flush=True)
                rows.append((f"{label} ({key})", p50, p95, n))
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return rows


def rating_sort(index_dir: Path, rounds: int) -> None:
    """The engine's ``ranked`` order over a 100k index, against newest-first."""
    from app.search import SearchIndex, SearchQuery

    index = SearchIndex(index_dir / "search")
    try:
        n = index.doc_count()
        rng = random.Random(7)
        ranked = tuple(rng.sample(range(1, n + 1), min(20_000, n)))
        queries = {"newest (no text)": SearchQuery(sort="newest"),
                   "ranked, 20k rated (no text)": SearchQuery(sort="ranked", ranked=ranked),
                   "ranked, 20k rated, page 500": SearchQuery(sort="ranked", ranked=ranked, page=500),
                   "ranked, 20k rated, two words": SearchQuery(text="statistik penduduk", sort="ranked",
                                                               ranked=ranked)}
        for q in queries.values():
            index.search(q)
        print(f"sort by rating over {n:,} publications:")
        for label, q in queries.items():
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                index.search(q)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"  {label:30s} median {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms")
    finally:
        index.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="survey responses")
    parser.add_argument("--rounds", type=int, default=51, help="timed requests per period")
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--index", type=Path, help="a catalogue index from bench_search --keep DIR")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the target is missed")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")

    results = {}
    if args.database in ("both", "sqlite"):
        results["SQLite"] = run("sqlite", args.count, args.rounds)
    if args.database in ("both", "postgresql"):
        if postgres_answers():
            results["PostgreSQL"] = run("postgresql", args.count, args.rounds)
        else:
            print("PostgreSQL does not answer: SQLite only")
    print()
    print(f"| IKM page, Majene, {args.count:,} responses | respondents | " +
          " | ".join(f"{name} median / p95 (ms)" for name in results) + " |")
    print("|---|---:|" + "---:|" * len(results))
    for i, (label, _key) in enumerate(PERIODS):
        cells = [f"{rows[i][1]:.1f} / {rows[i][2]:.1f}" for rows in results.values()]
        n = next(iter(results.values()))[i][3]
        print(f"| {next(iter(results.values()))[i][0]} | {n:,} | " + " | ".join(cells) + " |")
    if args.index:
        print()
        rating_sort(args.index, 50)
    worst = max((row[1] for rows in results.values() for row in rows), default=0.0)
    return 1 if args.strict and worst > TARGET_MEDIAN_MS else 0


if __name__ == "__main__":
    raise SystemExit(main())
