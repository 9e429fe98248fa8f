"""Several hosts: each keeps its own search index and follows the catalogue change log.

Every host is a gunicorn server of its own with its own instance folder (and so its own
Whoosh index); they share the database (one SQLite file, or the PostgreSQL schema of
TEST_DATABASE_URL) and one softcopy folder, as a deployment behind a load balancer does.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from app.catalogue.models import CatalogueChange, Publication
from app.extensions import db
from tests import factories
from tests.helpers import OFFICES_DIR, csrf_from, gunicorn_server, read_page

pytestmark = pytest.mark.workers

#: How long a change made on one host may take to be found on another.
FOLLOW_WITHIN = 2.0

TITLE = "Statistik Perikanan Tangkap Kabupaten Majene 2025"
KEPT = "Direktori Perusahaan Industri Kabupaten Majene 2025"


def fishing_form(**changes) -> dict:
    """The staff catalogue form for a new publication on fisheries."""
    return {**dict(title=TITLE, year="2025", catalogue_number="5402001.7601", publication_number="76010.2501",
                   issn="", isbn="", release_date="2025-06-30", subjects="Perikanan", language="id",
                   abstract="Produksi perikanan tangkap menurut kecamatan.", pages="80", format="both",
                   shelf_location="Rak D-04"), **changes}


def fishing_pdf() -> bytes:
    """A softcopy whose text (not its title or abstract) names a fish."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawString(50, 780, "Produksi ikan cakalang dan tongkol menurut tempat pendaratan ikan.")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def deployment(make_app, tmp_path, database_uri, pdf_dir):
    """The shared parts: database with the test catalogue and a staff account, softcopies."""
    softcopies = tmp_path / "softcopies"
    app = make_app(SOFTCOPY_DIR=str(softcopies))
    factories.import_rows(app, tmp_path, factories.ROWS, pdf_dir)
    with app.app_context():
        from app.accounts.models import User

        user = User(name="Staf Majene", email="staf@majene.id", role="staff", office="majenekab")
        user.set_password("rahasia-123")
        db.session.add(user)
        db.session.commit()
    env = {**os.environ, "APP_ENV": "testing", "SECRET_KEY": "hosts-" + "k" * 40,
           "DATABASE_URL": database_uri, "SOFTCOPY_DIR": str(softcopies), "OFFICES_DIR": str(OFFICES_DIR),
           "FLASK_APP": "wsgi", "PST_QUIET_START": "1",
           # Several hosts: no page cache (it sees only its own host's writes; app/pagecache.py).
           "PAGE_CACHE": "0"}
    return app, env


@contextmanager
def host(env: dict, instance: Path, workers: int = 2):
    """One host: gunicorn with its own instance folder; yields its base URL."""
    with gunicorn_server({**env, "INSTANCE_PATH": str(instance)}, workers) as base:
        yield base


class Browser:
    """A person at one host: cookies, forms with their CSRF token, file uploads."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict, files: dict | None = None) -> str:
        fields = dict(fields, csrf_token=csrf_from(self.get(path)))
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in (files or {}).items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                       f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(self.base + path, data=body.getvalue(), method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()


def found(base: str, query: str = "") -> set[int]:
    """Ids of the publications a search of every office's catalogue links to."""
    url = f"{base}/katalog?" + urllib.parse.urlencode({"q": query, "per_page": 100})
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        page = read_page(response.read())
    ids = set()
    for _text, href in page.links:
        parts = href.split("?")[0].strip("/").split("/")
        if len(parts) == 3 and parts[1] == "katalog" and parts[2].isdigit():
            ids.add(int(parts[2]))
    return ids


def eventually(check, within: float = FOLLOW_WITHIN) -> float:
    """Poll ``check()`` until it is true; return how long that took (fails after ``within``)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > within:
            pytest.fail(f"not seen within {within} s")
        time.sleep(0.05)
    return time.monotonic() - started


def publication_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Publication.id).where(Publication.title == title))


def test_hosts_follow_the_change_log(deployment, tmp_path):
    app, env = deployment
    with app.app_context():
        catalogue = set(db.session.scalars(select(Publication.id)))
    assert len(catalogue) == len(factories.ROWS)

    with ExitStack() as hosts:
        a = hosts.enter_context(host(env, tmp_path / "host-a"))
        b = hosts.enter_context(host(env, tmp_path / "host-b"))
        assert found(a) == found(b) == catalogue  # each built its own index at start

        # Staff add a publication with its softcopy on host A ...
        staff = Browser(a)
        staff.post("/akun/masuk", {"email": "staf@majene.id", "password": "rahasia-123"})
        form = fishing_form()
        page = staff.post("/majenekab/staf/katalog/baru", form, {"pdf": ("perikanan.pdf", fishing_pdf())})
        new_id = publication_id(app, TITLE)
        assert new_id is not None, page
        assert new_id in found(a, "perikanan tangkap")  # at once on the host that made the change
        # ... host B finds it, by its title and by the text of the shared softcopy.
        eventually(lambda: new_id in found(b, "perikanan tangkap"))
        eventually(lambda: new_id in found(b, "cakalang"))

        # Deleted on host A, gone from host B.
        staff.post(f"/majenekab/staf/katalog/{new_id}/hapus", {})
        assert publication_id(app, TITLE) is None
        eventually(lambda: new_id not in found(b, "perikanan tangkap") and new_id not in found(b, "cakalang"))

        # A change that stays: added on A, searchable on B.
        staff.post("/majenekab/staf/katalog/baru", dict(form, title=KEPT, publication_number="76010.2502",
                                                        subjects="Industri", abstract="Daftar perusahaan.",
                                                        format="hardcopy"))
        kept = publication_id(app, KEPT)
        eventually(lambda: kept in found(b, "direktori perusahaan"))
        with app.app_context():
            kinds = [(c.publication_id, c.kind) for c in db.session.scalars(
                select(CatalogueChange).where(CatalogueChange.publication_id.in_((new_id, kept)))
                .order_by(CatalogueChange.id))]
        assert kinds == [(new_id, "upsert"), (new_id, "delete"), (kept, "upsert")]

        # A third host started with an empty index folder finds the whole catalogue,
        # softcopy text included, and follows the log from there on.
        c = hosts.enter_context(host(env, tmp_path / "host-c", workers=1))
        assert found(c) == catalogue | {kept}
        majene = publication_id(app, factories.ROWS[0]["title"])
        assert majene in found(c, "interim")  # a word only in the PDF's text
        staff.post(f"/majenekab/staf/katalog/{kept}/ubah", dict(form, title=KEPT + " Edisi Revisi",
                                                                 publication_number="76010.2502",
                                                                 format="hardcopy"))
        eventually(lambda: kept in found(c, "revisi") and kept in found(b, "revisi"))


def cached_search(base: str, query: str) -> tuple[set[int], bool]:
    """What an anonymous visitor's search of Majene's catalogue links to, and whether the
    page came from the host's page cache."""
    url = f"{base}/majenekab/katalog?" + urllib.parse.urlencode({"q": query})
    with urllib.request.urlopen(url, timeout=10) as response:
        hit = response.headers.get("X-Page-Cache") == "hit"
        page = read_page(response.read())
    ids = {int(href.split("?")[0].rstrip("/").rsplit("/", 1)[1]) for _text, href in page.links
           if href.split("?")[0].rstrip("/").rsplit("/", 1)[-1].isdigit() and "/katalog/" in href}
    return ids, hit


def test_page_caches_of_several_hosts_follow_each_other_through_redis(deployment, tmp_path):
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {url} ({exc.__class__.__name__})")
    app, env = deployment
    env = {**env, "PAGE_CACHE": "", "REDIS_URL": url, "PAGE_CACHE_REDIS_KEY": f"pst-test-{uuid.uuid4().hex}"}
    with ExitStack() as hosts:
        a = hosts.enter_context(host(env, tmp_path / "host-a"))
        b = hosts.enter_context(host(env, tmp_path / "host-b"))
        before, _ = cached_search(b, "perikanan")
        eventually(lambda: cached_search(b, "perikanan")[1])  # both of B's workers keep the page

        staff = Browser(a)
        staff.post("/akun/masuk", {"email": "staf@majene.id", "password": "rahasia-123"})
        form = fishing_form(format="hardcopy")
        staff.post("/majenekab/staf/katalog/baru", form, {})
        new_id = publication_id(app, TITLE)
        assert new_id is not None and new_id not in before
        seen = eventually(lambda: new_id in cached_search(b, "perikanan")[0])
        # Kept again once rendered with the change.
        eventually(lambda: cached_search(b, "perikanan") == (before | {new_id}, True))
        staff.post(f"/majenekab/staf/katalog/{new_id}/hapus", {})
        eventually(lambda: new_id not in cached_search(b, "perikanan")[0])
        print(f"a new publication on host A was on host B's cached search page after {seen:.2f} s")
