"""Public pages kept in memory: rendered once, then served to every anonymous visitor.

The directory, an office's service standard, a catalogue search, a publication and the
IKM page look the same to every visitor without an account (in one language).  The
first such request renders the page through Flask as usual; the page is kept in this
process's memory and the next anonymous requests for the same address get it from a
WSGI layer in front of Flask (inside ProxyFix, behind WhiteNoise), without Flask, a
template or a database query.  An entry is used only while

* no process of this host has committed a write to the database since it was rendered:
  every commit that wrote bumps a token shared by the host's processes (except a commit
  that wrote only what no shared page shows, :func:`private_tables` and
  :func:`private_columns`: a download's log row, a login, a guest-book entry)
  (``instance/page-cache.gen``, memory-mapped, so reading it costs no system call), once
  the search index applied the commit's catalogue changes; the index bumps it too
  whenever it applies changes later (app/catalogue/indexing.py);
* the clock has not moved into the page's next period (read from the app's ``CLOCK``):
  the next minute for pages that show the time (opening-hours status lines, printed
  times), the next hour for pages that show no time at all (a search, a publication:
  kept across minutes, yet a page about "today" cannot outlive a midnight in any of
  Indonesia's three zones, whose offsets are whole hours);
* the office profiles are the ones it was rendered with (profiles are read at start; a
  reload replaces the mapping ``app.extensions["offices"]``), and the process lives
  (templates and translations are read at start too).

Only requests without a login are served or stored: GET or HEAD, no ``Authorization``,
no cookie but the language choice (``bahasa``).  A response is stored only when the
page's endpoint is one of the shared pages (:func:`share`) and the page marked itself
shareable (:func:`app.web.init_app`: status 200, HTML, no caching of its own, session
untouched, so no CSRF token and no flashed message) and it sets no cookie.  The key is
the scheme, host, path, query string and language, so each language and each address
has its own copy; an entry answers ``If-None-Match`` with 304 like Flask does.

Several hosts: with ``REDIS_URL`` set, a commit on any host also increments a counter in
Redis (``PAGE_CACHE_REDIS_KEY``), and each process reads it at most every
``PAGE_CACHE_CHECK_SECONDS`` (0.5 s): a page kept on one host is dropped within that
time of a write on another, and the host's search index is told to read the change log
before its next search.  If Redis cannot be reached, nothing is served from memory
until it can (pages are rendered, as with the cache off).  Without Redis, changes that
bypass this host's database connections (another host writing to a shared PostgreSQL
database, a restored backup) are not seen until the next minute.  So the cache is on by
default with SQLite (one host by construction) and with Redis, and off with another
database without Redis unless ``PAGE_CACHE=1`` (one host).
"""

from __future__ import annotations

import logging
import mmap
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable, Mapping

from flask import Flask
from sqlalchemy import event
from werkzeug.http import parse_etags, remove_entity_headers, unquote_etag

log = logging.getLogger(__name__)

#: WSGI environ keys: the cache that may store this request's response (set by the
#: middleware for an eligible request), and the page's consent (set by app.web).
ENVIRON_CACHE = "pst.page_cache"
ENVIRON_SHARE = "pst.page_cache.share"

#: Cookies that do not make a request personal: the language choice only.
NEUTRAL_COOKIES = frozenset({"bahasa"})
#: Larger pages are not kept.
MAX_BODY = 512 * 1024
#: Statements that write nothing (anything else marks the connection as having written).
_READ_ONLY = re.compile(r"\s*(?:SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK)\b", re.IGNORECASE)
#: The table an INSERT, UPDATE or DELETE writes to, as SQLAlchemy writes them.
_WRITTEN_TABLE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?[\s(]',
                            re.IGNORECASE)
#: An UPDATE's table and its SET clause, and the columns that clause assigns.
_UPDATE = re.compile(r'\s*UPDATE\s+"?(\w+)"?\s+SET\s+(.*?)\s+WHERE\b', re.IGNORECASE | re.DOTALL)
_ASSIGNED = re.compile(r'(?:^|,)\s*"?(\w+)"?\s*=')
_WROTE = "pst_page_cache_wrote"
_COMMITTED = "pst_page_cache_committed"

_local = threading.local()

#: Marks a response served from memory (for operators and the throughput benchmark).
HIT_HEADER = ("X-Page-Cache", "hit")


#: How long a kept page may outlive the clock: a page showing the time, one showing none.
MINUTE, HOUR = 60, 3600


def share(app: Flask, *endpoints: str, period: int = MINUTE) -> None:
    """Name pages that every anonymous visitor sees alike (in one language), so they may
    be kept.  A page may depend on the database, the office profiles, the request's
    address and language and the clock to the ``period`` (seconds: :data:`MINUTE` for
    a page that shows the time or an open/closed status, :data:`HOUR` for one that shows
    no time but may depend on the date), and on nothing else."""
    shared = shared_endpoints(app)
    for endpoint in endpoints:
        shared[endpoint] = period


def shared_endpoints(app: Flask) -> dict[str, int]:
    """The endpoints named by :func:`share` and their periods (the dict itself: later
    calls add to it)."""
    return app.extensions.setdefault("page_cache_endpoints", {})


def private_tables(app: Flask, *tables: str) -> None:
    """Name tables that no shared page shows, whatever their rows (a feature's own log,
    sessions, tickets): a commit that wrote only to them keeps the kept pages.  A table
    that any shared page reads, even in part (ratings, survey answers, user names in
    reviews), must not be named."""
    app.extensions.setdefault("page_cache_private_tables", set()).update(tables)


def private_columns(app: Flask, table: str, *columns: str) -> None:
    """Name columns of a table that shared pages do read, but never these columns (an
    account's last login): an UPDATE that sets only them keeps the kept pages."""
    app.extensions.setdefault("page_cache_private_columns", {}).setdefault(table, set()).update(columns)


def writes_shared_data(statement: str, private: frozenset[str],
                       columns: Mapping[str, set[str]] | None = None) -> bool:
    """Whether a statement may change what a shared page shows: anything but a read, a
    write to a private table, or an UPDATE of private columns only.  A write whose
    table or columns are not recognised counts."""
    if _READ_ONLY.match(statement):
        return False
    written = _WRITTEN_TABLE.match(statement)
    if written is None:
        return True
    table = written.group(1).lower()
    if table in private:
        return False
    if columns and table in columns:
        update = _UPDATE.match(statement)
        if update is not None:
            assigned = _ASSIGNED.findall(update.group(2))
            # Every "=" of the clause must be an assignment we read (none in an expression).
            if assigned and len(assigned) == update.group(2).count("=") and set(assigned) <= columns[table]:
                return False
    return True


class Generation:
    """A token of eight bytes that changes whenever a process of this host bumps it."""

    def __init__(self, path: Path):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < 8:
                os.ftruncate(fd, 8)
            self._map = mmap.mmap(fd, 8)
        finally:
            os.close(fd)

    def current(self) -> bytes:
        return self._map[:8]

    def bump(self) -> None:
        # A fresh random value, not a counter: two processes bumping at once must not
        # agree on a value a page was already stored under.
        self._map[:8] = os.urandom(8)


class SharedGeneration:
    """The host's token followed by a site-wide counter in Redis that every host increments
    after its commits; the counter is read at most every ``check_seconds`` per process.

    While Redis cannot be reached the token is new at every call, so no kept page is
    served (pages are rendered as usual) and none is stored under a token that might
    come back.  When it answers again, the host's kept pages are dropped (other hosts'
    writes may have gone uncounted meanwhile) and this process's uncounted writes are
    counted.  ``listeners`` are called when another host's change is seen.
    """

    def __init__(self, local: Generation, client, key: str, check_seconds: float = 0.5):
        self.local = local
        self.client = client
        self.key = key
        self.check_seconds = check_seconds
        self.listeners: list[Callable[[], None]] = []
        self._remote: bytes | None = None
        self._checked = float("-inf")
        self._failing = False
        self._owed = False  # a write of this process that Redis did not count

    def current(self) -> bytes:
        now = time.monotonic()
        if now - self._checked >= self.check_seconds:
            self._checked = now
            self._read()
        remote = self._remote
        return self.local.current() + (remote if remote is not None else os.urandom(8))

    def bump(self) -> None:
        self.local.bump()
        self._count()

    def _count(self) -> bytes | None:
        """Increment the counter and return its value; if Redis is away, owe it until
        Redis answers again (and return None)."""
        try:
            value = self.client.incr(self.key)
        except Exception as exc:
            self._fail(exc)
            self._remote = None
            self._owed = True
            return None
        self._owed = False
        self._checked = float("-inf")  # this process reads its own change at once
        return str(value).encode()

    def _read(self) -> None:
        try:
            value = self.client.get(self.key) or b"0"
        except Exception as exc:
            self._fail(exc)
            self._remote = None
            return
        changed = self._remote is not None and value != self._remote
        if self._failing:
            # Writes elsewhere may have gone uncounted meanwhile: drop what this host kept
            # before, and count this process's own uncounted writes now.
            log.warning("Page cache: Redis answers again")
            self._failing = False
            self.local.bump()
            changed = True
            if self._owed:
                value = self._count()
                if value is None:
                    return
        self._remote = value
        if changed:
            for listener in self.listeners:
                listener()

    def _fail(self, exc: Exception) -> None:
        if not self._failing:
            log.warning("Page cache: Redis cannot be reached (%s); pages are rendered until it can",
                        exc.__class__.__name__)
            self._failing = True


class _Entry:
    __slots__ = ("generation", "period", "slot", "profiles", "status", "headers", "not_modified_headers", "body",
                 "etag")

    def __init__(self, generation, now, profiles, period, status, headers, body):
        self.generation = generation
        self.period = period
        self.slot = int(now // period)
        self.profiles = profiles
        self.status = status
        self.headers = headers
        self.body = body
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        self.etag = unquote_etag(etag)[0] if etag else None
        kept = list(headers)
        remove_entity_headers(kept)
        self.not_modified_headers = kept


class PageCache:
    """The WSGI layer that serves and stores anonymous visitors' pages."""

    def __init__(self, app: Flask, wsgi_app: Callable, generation: Generation, entries: int = 512,
                 max_bytes: int = 32 * 1024 * 1024):
        self.app = app
        self.wsgi_app = wsgi_app
        self.generation = generation
        self.max_entries = entries
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._languages: dict[str, str] = {}
        from app.i18n import language_for

        self._language_for = language_for

    # ------------------------------------------------------------------ serving

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        generation = self.generation.current()
        now = self.timestamp()
        profiles = self.app.extensions["offices"]
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if (entry is not None and entry.generation == generation and entry.slot == int(now // entry.period)
                and entry.profiles is profiles):
            return self._serve(entry, environ, start_response)
        if environ["REQUEST_METHOD"] != "GET":
            return self.wsgi_app(environ, start_response)
        return self._render(key, (generation, now, profiles), environ, start_response)

    def _serve(self, entry: _Entry, environ, start_response):
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and entry.etag is not None and parse_etags(match).contains_weak(entry.etag):
            start_response("304 NOT MODIFIED", list(entry.not_modified_headers))
            return []
        start_response(entry.status, [*entry.headers, HIT_HEADER])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def _render(self, key, version, environ, start_response):
        environ[ENVIRON_CACHE] = self
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        app_iter = self.wsgi_app(environ, capture)
        if not environ.get(ENVIRON_SHARE) or not captured.get("status", "").startswith("200 "):
            return app_iter
        headers = captured["headers"]
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return app_iter
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        if len(body) <= MAX_BODY:
            kept = [(name, value) for name, value in headers if name.lower() != "date"]
            self.store(key, _Entry(*version, environ[ENVIRON_SHARE], captured["status"], kept, body))
        return [body]

    # ------------------------------------------------------------------ the store

    def store(self, key: tuple, entry: _Entry) -> None:
        """Keep a page; the least recently used go when there are too many or too much."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _key, gone = self._entries.popitem(last=False)
                self._bytes -= len(gone.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def timestamp(self) -> float:
        return self.app.config["CLOCK"]().timestamp()

    def key(self, environ) -> tuple | None:
        """The key of an anonymous visitor's request, or None when it may be personal."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
            return None
        chosen = None
        cookie_header = environ.get("HTTP_COOKIE")
        if cookie_header:
            for part in cookie_header.split(";"):
                name, _, value = part.strip().partition("=")
                if not name:
                    continue
                if name not in NEUTRAL_COOKIES:
                    return None
                chosen = value.strip().strip('"')
        return (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
                environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                self.language(chosen, environ.get("HTTP_ACCEPT_LANGUAGE")))

    def language(self, chosen: str | None, accept: str | None) -> str:
        """The page's language, decided as app.i18n decides it (remembered per header)."""
        if chosen is not None or not accept:
            return self._language_for(chosen, accept)
        language = self._languages.get(accept)
        if language is None:
            language = self._language_for(None, accept)
            if len(self._languages) < 256:
                self._languages[accept] = language
        return language


# ---------------------------------------------------------------------- set-up


def on_other_host_write(app: Flask, listener: Callable[[], None]) -> None:
    """Call ``listener`` when this process sees that another host wrote (only with the
    cache shared through Redis; otherwise other hosts' writes are not seen here)."""
    cache = app.extensions.get("page_cache")
    if cache is not None and isinstance(cache.generation, SharedGeneration):
        cache.generation.listeners.append(listener)


def enabled(app: Flask) -> bool:
    setting = app.config.get("PAGE_CACHE")
    if setting is None:
        return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") or bool(app.config.get("REDIS_URL"))
    return bool(setting)


def _generation(app: Flask) -> Generation | SharedGeneration:
    local = Generation(Path(app.instance_path) / "page-cache.gen")
    url = app.config.get("REDIS_URL")
    if not url:
        return local
    import redis

    # Short timeouts: a request that reads the counter must not wait long for a lost Redis.
    client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
    return SharedGeneration(local, client, app.config.get("PAGE_CACHE_REDIS_KEY") or "pst-page-generation",
                            app.config.get("PAGE_CACHE_CHECK_SECONDS", 0.5))


def init_app(app: Flask) -> PageCache | None:
    """Put the cache in front of Flask (call before ProxyFix wraps the app)."""
    shared_endpoints(app)
    if not enabled(app):
        app.extensions["page_cache"] = None
        return None
    try:
        generation = _generation(app)
    except (OSError, ValueError) as exc:
        log.warning("Page cache off: %s", exc)
        app.extensions["page_cache"] = None
        return None
    cache = PageCache(app, app.wsgi_app, generation, entries=app.config.get("PAGE_CACHE_ENTRIES", 512),
                      max_bytes=app.config.get("PAGE_CACHE_MB", 32) * 1024 * 1024)
    app.wsgi_app = cache
    app.extensions["page_cache"] = cache
    return cache


def watch_writes(app: Flask) -> None:
    """Bump the host's token after every commit that wrote to a table that is not private
    (:func:`private_tables`; call once every feature plugged in).

    Writes are seen on the engine (ORM flushes, bulk statements and Core alike).  The
    token is bumped when the connection goes back to the pool after such a commit, and
    again after the session's ``after_commit`` listeners that came before, so after the
    search index applied the commit's catalogue changes.
    """
    cache = app.extensions.get("page_cache")
    if cache is None:
        return
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    private = frozenset(app.extensions.get("page_cache_private_tables", ()))
    columns = app.extensions.get("page_cache_private_columns", {})

    def before_cursor_execute(conn, _cursor, statement, _parameters, _context, _executemany):
        if writes_shared_data(statement, private, columns):
            conn.info[_WROTE] = True

    def commit(conn):
        if conn.info.pop(_WROTE, False):
            conn.info[_COMMITTED] = True
            _local.committed = cache

    def rollback(conn):
        conn.info.pop(_WROTE, None)

    def checkin(_dbapi_connection, record):
        if record.info.pop(_COMMITTED, False):
            cache.generation.bump()

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    event.listen(engine, "checkin", checkin)
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
    # A new process (a restarted worker, a command) may come with other data or code.
    cache.generation.bump()


def _after_commit(_session) -> None:
    cache = getattr(_local, "committed", None)
    if cache is not None:
        _local.committed = None
        cache.generation.bump()


def entries(app: Flask) -> Iterable[tuple]:
    """The keys kept (for tests and diagnostics)."""
    cache = app.extensions.get("page_cache")
    return list(cache._entries) if cache is not None else []
