"""Several processes at once: gunicorn workers searching while importers write."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.factories import ROWS, write_csv
from tests.helpers import OFFICES_DIR, gunicorn_server

pytestmark = pytest.mark.workers

BIN = Path(sys.executable).parent


@pytest.fixture
def environment(app, tmp_path, database_uri):
    """The environment a deployment would have, pointing at this test's database."""
    return {**os.environ, "APP_ENV": "testing", "SECRET_KEY": "workers-" + "k" * 40,
            "DATABASE_URL": database_uri, "INSTANCE_PATH": str(tmp_path / "instance"),
            "OFFICES_DIR": str(OFFICES_DIR), "FLASK_APP": "wsgi"}


@pytest.fixture
def gunicorn(environment):
    with gunicorn_server(environment) as base:
        yield base


def search(base: str, query: str) -> tuple[int, str]:
    url = f"{base}/katalog?" + urllib.parse.urlencode({"q": query, "field": "title"})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode(errors="replace")


def test_workers_search_while_two_importers_write(gunicorn, environment, tmp_path):
    batches = []
    for n in range(2):
        rows = [dict(ROWS[2], title=f"Statistik Perikanan Jilid {n}{i:02d}", catalogue_number="")
                for i in range(25)]
        batches.append(write_csv(tmp_path / f"batch{n}.csv", rows))
    importers = [subprocess.Popen([str(BIN / "flask"), "catalogue", "import", str(path)], env=environment,
                                  cwd=OFFICES_DIR.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for path in batches]
    statuses = []
    while any(p.poll() is None for p in importers):
        statuses.append(search(gunicorn, "perikanan")[0])
    for p in importers:
        output = p.communicate()[0].decode()
        assert p.returncode == 0, output
        assert "25 created" in output
    assert statuses and set(statuses) == {200}

    # Every new publication is searchable from every worker within a second.
    deadline = time.monotonic() + 1.0
    while True:
        status, page = search(gunicorn, "perikanan")
        assert status == 200
        if "50 publikasi" in page or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert "50 publikasi" in page
    for _ in range(6):  # several requests land on both workers
        assert "50 publikasi" in search(gunicorn, "perikanan")[1]
