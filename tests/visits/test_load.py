"""Fifty kiosks submit at the same moment to gunicorn with two workers: fifty entries, fifty
distinct consecutive numbers; on SQLite, and on PostgreSQL when the suite runs there."""

from __future__ import annotations

import os

import pytest

from bench.bench_visits import numbering, serve, submit_all

pytestmark = pytest.mark.workers

#: SQLite always; PostgreSQL too when the suite runs on it (TEST_DATABASE_URL).
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.mark.parametrize("threads", [1, 4], ids=["sync", "gthread"])
@pytest.mark.parametrize("database", DATABASES)
def test_fifty_simultaneous_submissions_get_fifty_consecutive_numbers(make_app, database_uri, tmp_path,
                                                                       database, threads):
    uri = f"sqlite:///{tmp_path / 'load.sqlite3'}" if database == "sqlite" else database_uri
    make_app(SQLALCHEMY_DATABASE_URI=uri)  # creates the tables
    with serve(uri, tmp_path / "instance", workers=2, threads=threads) as base:
        results = submit_all(base, 50)
    assert [r.error for r in results if r.error] == []
    assert all(r.status == 303 and "/majenekab/antrian/tiket/" in r.location for r in results)
    assert len({r.location for r in results}) == 50  # fifty different tickets
    held = numbering(uri)
    assert held["stored"] == 50 and held["tickets"] == 50
    assert held["duplicates"] == 0 and held["gaps"] == 0 and held["starts_at_one"]
    # One series unless the run straddled midnight in Majene; each series is 1..n.
    assert sum(len(numbers) for numbers in held["series"].values()) == 50
    for numbers in held["series"].values():
        assert numbers == list(range(1, len(numbers) + 1))
