"""The page cache (app/pagecache.py): anonymous public pages from memory, never a
personal page, never a stale one after a commit, a new minute or in another language."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import template_rendered
from sqlalchemy import func, select, update

from app import pagecache
from app.accounts.models import LoginSession, User
from app.catalogue.models import Publication, SoftcopyAccess
from app.extensions import db
from app.feedback.models import RatingSummary
from tests import factories
from tests.helpers import csrf_from, login, post_form, queries, visible_text

TITLE = factories.ROWS[0]["title"]


@pytest.fixture
def cached_app(make_app):
    """An app with the cache on whatever the database (by default it is on with SQLite only)."""
    def build(**config):
        return make_app(**{"PAGE_CACHE": True, **config})
    return build


@pytest.fixture
def app(cached_app):
    return cached_app()


@contextmanager
def rendered(app):
    """Names of the templates rendered meanwhile (a page from the cache renders none)."""
    names: list[str] = []

    def note(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(note, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(note, app)


def publication_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Publication.id).where(Publication.title == TITLE))


def test_a_public_page_is_rendered_once_then_served_from_memory(app, client, publication):
    detail = f"/majenekab/katalog/{publication_id(app)}"
    for path in ("/majenekab/", "/", "/majenekab/katalog?q=majene", "/majenekab/katalog", detail,
                 "/majenekab/ikm"):
        first = client.get(path)
        assert first.status_code == 200, path
        with rendered(app) as templates, queries(app) as statements:
            again = client.get(path)
        assert again.status_code == 200
        assert templates == [] and statements == [], path
        assert again.data == first.data
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
        assert again.headers["Cache-Control"] == "no-cache"
        assert "Set-Cookie" not in again.headers


def test_kept_pages_answer_if_none_match_and_head(app, client):
    first = client.get("/majenekab/")
    not_modified = client.get("/majenekab/", headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    other = client.get("/majenekab/", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.data == first.data
    head = client.head("/majenekab/")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))


def test_a_commit_makes_every_kept_page_new(app, client, publication):
    pid = publication_id(app)
    assert TITLE in visible_text(client.get(f"/majenekab/katalog/{pid}").data)
    assert TITLE in visible_text(client.get("/majenekab/katalog?q=majene").data)
    with app.app_context():
        db.session.get(Publication, pid).title = "Kabupaten Majene Dalam Angka 2025"
        db.session.commit()
    assert "Kabupaten Majene Dalam Angka 2025" in visible_text(client.get(f"/majenekab/katalog/{pid}").data)
    results = visible_text(client.get("/majenekab/katalog?q=majene").data)
    assert "Dalam Angka 2025" in results and TITLE not in results
    # A bulk statement, not through the session's objects, counts as well.
    with app.app_context():
        db.session.execute(update(Publication).where(Publication.id == pid).values(shelf_location="Rak Z-99"))
        db.session.commit()
    assert "Rak Z-99" in visible_text(client.get(f"/majenekab/katalog/{pid}").data)


def test_writes_to_private_tables_keep_the_kept_pages(app, client, publication, make_user, clock):
    """A download's log row, a login or a login session kept alive is on no shared page:
    the kept pages stay; a rating is, so the publication and the results show it at once."""
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    make_user()
    reader = app.test_client()
    assert login(reader, "pengguna@contoh.id").status_code == 302
    pid = publication_id(app)
    pages = (f"/majenekab/katalog/{pid}", "/majenekab/katalog?q=majene")  # kept for the hour

    def kept() -> bool:
        return all(client.get(page).headers.get("X-Page-Cache") == "hit" for page in pages)

    for page in pages:
        client.get(page)
    assert kept()
    token = csrf_from(reader.get(pages[0]).data)
    assert reader.post(f"/majenekab/katalog/{pid}/unduh", data={"csrf_token": token}).status_code == 303
    clock.advance(minutes=11)
    assert login(app.test_client(), "pengguna@contoh.id").status_code == 302  # another login
    # and the reader's session is kept alive on their next page
    assert reader.get("/akun/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(SoftcopyAccess.id))) == 1
        touched = db.session.scalar(select(func.max(LoginSession.last_seen_at)))
        assert db.session.scalar(select(func.count(LoginSession.id))) == 2
        assert db.session.scalar(select(User.last_login_at)).strftime("%H:%M") == "01:11"  # UTC
    assert touched.strftime("%H:%M") == "01:11"
    assert kept()
    rating = post_form(reader, f"/majenekab/katalog/{pid}/penilaian", {"stars": "5"})
    assert rating.status_code == 303
    detail = client.get(pages[0])
    assert "X-Page-Cache" not in detail.headers and "(1 penilaian)" in visible_text(detail.data)
    assert "(1 penilaian)" in visible_text(client.get(pages[1]).data)


@pytest.mark.parametrize("statement, shared", [
    ("SELECT publication.id FROM publication", False),
    ("INSERT INTO softcopy_access (token, kind, office) VALUES (?, ?, ?)", False),
    ("INSERT INTO softcopy_access (token) VALUES (%(token)s) RETURNING softcopy_access.id", False),
    ("UPDATE queue_counter SET value=? WHERE queue_counter.id = ?", False),
    ('DELETE FROM "login_session" WHERE login_session.id = ?', False),
    ("INSERT INTO publication_rating (stars) VALUES (?)", True),
    ("UPDATE publication SET title=? WHERE publication.id = ?", True),
    ("INSERT INTO softcopy_access_archive (token) VALUES (?)", True),
    ("WITH gone AS (SELECT 1) DELETE FROM softcopy_access", True),
    ("CREATE TABLE softcopy_access (id INTEGER)", True),
    ("UPDATE user_account SET last_login_at=? WHERE user_account.id = ?", False),
    ("UPDATE user_account SET last_login_at=%(last_login_at)s::TIMESTAMP WITHOUT TIME ZONE "
     "WHERE user_account.id = %(user_account_id)s::INTEGER", False),
    ("UPDATE user_account SET name=?, last_login_at=? WHERE user_account.id = ?", True),
    ("UPDATE user_account SET last_login_at=CASE WHEN (x = 1) THEN ? END WHERE user_account.id = ?", True),
    ("INSERT INTO user_account (name, last_login_at) VALUES (?, ?)", True),
    ("DELETE FROM user_account WHERE user_account.id = ?", True),
])
def test_which_statements_change_shared_pages(statement, shared):
    private = frozenset({"softcopy_access", "queue_counter", "login_session"})
    columns = {"user_account": {"last_login_at"}}
    assert pagecache.writes_shared_data(statement, private, columns) is shared


def test_a_commit_in_another_process_of_the_host_counts(cached_app, publication):
    # Two apps on one instance folder and database stand for two workers of one host.
    first, second = cached_app(), cached_app()
    pid = publication_id(first)
    page = f"/majenekab/katalog/{pid}"
    assert "Belum ada penilaian untuk publikasi ini." in visible_text(first.test_client().get(page).data)
    with second.app_context():  # not a catalogue change: only the commit tells
        db.session.add(RatingSummary(publication_id=pid, office="majenekab", count=1, total=4, average=4.0))
        db.session.commit()
    assert "(1 penilaian)" in visible_text(first.test_client().get(page).data)


def test_a_new_minute_renders_the_page_again(app, client, clock):
    clock.set(2026, 11, 23, 9, 0, 10, zone="Asia/Makassar")
    client.get("/majenekab/")
    with rendered(app) as templates:
        clock.advance(seconds=30)
        client.get("/majenekab/")
        assert templates == []
        clock.advance(seconds=30)
        client.get("/majenekab/")
        assert "standard/office.html" in templates


def test_pages_that_show_no_time_are_kept_across_minutes_until_the_hour(app, client, clock, publication):
    detail = f"/majenekab/katalog/{publication_id(app)}"
    clock.set(2026, 11, 23, 9, 58, 10, zone="Asia/Makassar")
    for path in (detail, "/majenekab/katalog?q=majene", "/majenekab/"):
        client.get(path)
    clock.advance(seconds=60)  # 09.59: the standard's status line may have changed
    with rendered(app) as templates:
        for path in (detail, "/majenekab/katalog?q=majene"):
            assert client.get(path).headers.get("X-Page-Cache") == "hit", path
        assert client.get("/majenekab/").headers.get("X-Page-Cache") is None
    assert templates and "catalogue/detail.html" not in templates and "catalogue/search.html" not in templates
    clock.advance(seconds=60)  # 10.00 WITA: a new hour
    for path in (detail, "/majenekab/katalog?q=majene"):
        assert client.get(path).headers.get("X-Page-Cache") is None, path


def test_each_language_has_its_own_copy(app):
    visitor = app.test_client()
    english = app.test_client()
    english.set_cookie("bahasa", "en")
    browser_en = {"Accept-Language": "en-US,en;q=0.9"}
    for _ in range(2):
        id_text = visible_text(visitor.get("/majenekab/").data)
        en_text = visible_text(english.get("/majenekab/").data)
        accept_text = visible_text(visitor.get("/majenekab/", headers=browser_en).data)
        assert "1. Persyaratan" in id_text and "Requirements" not in id_text
        assert "1. Requirements" in en_text and "Persyaratan" not in en_text
        assert accept_text == en_text
    assert {key[-1] for key in pagecache.entries(app)} == {"id", "en"}


def test_a_logged_in_visitor_never_gets_a_kept_page_nor_leaves_one(app, client, make_user):
    make_user(email="pengguna@contoh.id", name="Siti Rahmawati")
    anonymous = visible_text(app.test_client().get("/majenekab/").data)
    assert "Masuk" in anonymous
    login(client, "pengguna@contoh.id")
    personal = visible_text(client.get("/majenekab/").data)
    assert "Keluar (Siti Rahmawati)" in personal
    assert "Keluar (Siti Rahmawati)" not in visible_text(app.test_client().get("/majenekab/").data)
    assert all(key[3] != "/akun/" for key in pagecache.entries(app))


def test_only_shared_pages_without_a_session_are_kept(app, client):
    client.get("/majenekab/pengaduan")  # a form: its CSRF token writes the session
    client.get("/akun/masuk")
    client.get("/majenekab/tidak-ada")  # 404
    assert pagecache.entries(app) == []
    # A visitor carrying a session cookie is served by Flask, not from memory.
    client.get("/majenekab/")
    with rendered(app) as templates:
        client.get("/majenekab/")
    assert "standard/office.html" in templates


def test_the_cache_can_be_switched_off(make_app):
    app = make_app(PAGE_CACHE=False)
    assert app.extensions["page_cache"] is None
    client = app.test_client()
    client.get("/majenekab/")
    with rendered(app) as templates:
        assert client.get("/majenekab/").status_code == 200
    assert "standard/office.html" in templates


def test_the_least_recently_used_pages_go_first(cached_app):
    app = cached_app(PAGE_CACHE_ENTRIES=2)
    client = app.test_client()
    for path in ("/", "/majenekab/", "/bengkulu/", "/majenekab/"):
        client.get(path)
    assert [key[3] for key in pagecache.entries(app)] == ["/bengkulu/", "/majenekab/"]




def test_on_by_default_with_sqlite_or_redis(make_app, database_uri, redis_url):
    """One SQLite file means one host; with Redis, several hosts share the cache's invalidation."""
    assert (make_app().extensions["page_cache"] is not None) == database_uri.startswith("sqlite")
    shared = make_app(REDIS_URL=redis_url).extensions["page_cache"]
    assert isinstance(shared.generation, pagecache.SharedGeneration)


@pytest.fixture
def redis_url():
    import redis

    url = "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {url} ({exc.__class__.__name__})")
    finally:
        client.close()
    return url


def two_hosts(cached_app, tmp_path, **config):
    """Two apps on one database, each with its own instance folder (its own search index
    and page-cache token), as two hosts behind a load balancer."""
    return cached_app(**config), cached_app(INSTANCE_PATH=tmp_path / "host-b", **config)


def test_a_commit_on_another_host_counts_through_redis(cached_app, tmp_path, publication, redis_url):
    import uuid

    a, b = two_hosts(cached_app, tmp_path, REDIS_URL=redis_url, PAGE_CACHE_CHECK_SECONDS=0,
                     PAGE_CACHE_REDIS_KEY=f"pst-test-{uuid.uuid4().hex}")
    pid = publication_id(a)
    detail, search = f"/majenekab/katalog/{pid}", "/majenekab/katalog?q=majene"
    visitor = b.test_client()
    assert "Belum ada penilaian untuk publikasi ini." in visible_text(visitor.get(detail).data)
    assert visitor.get(detail).headers.get("X-Page-Cache") == "hit"
    assert TITLE in visible_text(visitor.get(search).data)
    with a.app_context():  # not a catalogue change: only the commit tells
        db.session.add(RatingSummary(publication_id=pid, office="majenekab", count=1, total=4, average=4.0))
        db.session.commit()
    assert "(1 penilaian)" in visible_text(visitor.get(detail).data)
    with a.app_context():  # a catalogue change: host B's own index follows the log
        db.session.get(Publication, pid).title = "Kabupaten Majene Dalam Angka 2025"
        db.session.commit()
    results = visible_text(visitor.get(search).data)
    assert "Dalam Angka 2025" in results and TITLE not in results


def test_without_redis_another_host_is_not_seen(cached_app, tmp_path, publication):
    """Why several hosts need Redis (or PAGE_CACHE=0): each host's token sees its own commits only."""
    a, b = two_hosts(cached_app, tmp_path)
    pid = publication_id(a)
    visitor = b.test_client()
    visitor.get(f"/majenekab/katalog/{pid}")
    with a.app_context():
        db.session.add(RatingSummary(publication_id=pid, office="majenekab", count=1, total=4, average=4.0))
        db.session.commit()
    page = visitor.get(f"/majenekab/katalog/{pid}")
    assert page.headers.get("X-Page-Cache") == "hit"
    assert "Belum ada penilaian untuk publikasi ini." in visible_text(page.data)


def test_when_redis_is_away_pages_are_rendered(cached_app, caplog):
    app = cached_app(REDIS_URL="redis://127.0.0.1:9/0", PAGE_CACHE_CHECK_SECONDS=0)
    client = app.test_client()
    assert client.get("/majenekab/").status_code == 200
    with rendered(app) as templates:
        page = client.get("/majenekab/")
    assert page.status_code == 200 and "X-Page-Cache" not in page.headers
    assert "standard/office.html" in templates
    warnings = [r.getMessage() for r in caplog.records if "Redis cannot be reached" in r.getMessage()]
    assert len(warnings) == 1, warnings


def test_when_redis_is_back_kept_pages_go_and_uncounted_writes_are_counted(cached_app, redis_url):
    import uuid

    import redis

    from app.accounts.models import User

    key = f"pst-test-{uuid.uuid4().hex}"
    app = cached_app(REDIS_URL="redis://127.0.0.1:9/0", PAGE_CACHE_CHECK_SECONDS=0, PAGE_CACHE_REDIS_KEY=key)
    client = app.test_client()
    client.get("/majenekab/")
    with app.app_context():  # a write while Redis is away: other hosts are not told
        user = User(name="Siti", email="siti@contoh.id", role="user")
        user.set_password("rahasia-123")
        db.session.add(user)
        db.session.commit()
    real = redis.Redis.from_url(redis_url)
    app.extensions["page_cache"].generation.client = real  # Redis is back
    try:
        assert client.get("/majenekab/").headers.get("X-Page-Cache") is None
        assert client.get("/majenekab/").headers.get("X-Page-Cache") == "hit"
        assert real.get(key) == b"1"  # the write is counted now, for the other hosts
    finally:
        real.delete(key)
        real.close()
