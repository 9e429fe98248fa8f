"""Small helpers: reading pages the way a person does, logging in, ports and logs."""

from __future__ import annotations

import logging
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

#: The five real office profiles.
OFFICES_DIR = Path(__file__).resolve().parent.parent / "offices"


class MovableClock:
    """The app's CLOCK in tests: the real time until set, and movable forward or back."""

    def __init__(self):
        self.frozen: datetime | None = None
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return (self.frozen or datetime.now(timezone.utc)) + self.offset

    def set(self, *args, zone: str = "Asia/Jakarta") -> "MovableClock":
        """Stop the clock at a local time, e.g. ``clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")``."""
        self.frozen, self.offset = datetime(*args, tzinfo=ZoneInfo(zone)), timedelta()
        return self

    def advance(self, **delta) -> "MovableClock":
        """Move the clock, e.g. ``clock.advance(hours=1, seconds=1)``."""
        self.offset += timedelta(**delta)
        return self


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def captured_log(name: str = "app"):
    """Lines logged under ``name`` (the suite runs with pytest's logging plugin off)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger = logging.getLogger(name)
    handler, level = Collect(level=logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.headings: list[int] = []
        self._skip = 0
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "title"):
            self._skip += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and attrs.get("href"):
            self._href, self._link_text = attrs["href"], []
        if tag in ("p", "li", "div", "tr", "td", "th", "dt", "dd", "h1", "h2", "h3", "br", "span"):
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._link_text).split()), self._href))
            self._href = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data)


def read_page(html: str | bytes) -> _Page:
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    page = _Page()
    page.feed(html)
    page.close()
    return page


def visible_text(html: str | bytes) -> str:
    """The page's text as a person reads it, whitespace collapsed."""
    return " ".join("".join(read_page(html).text).split())


def squash(text: str) -> str:
    """Collapse whitespace, and re-join words a PDF broke at a hyphen."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))


def all_steps(groups):
    """Every step text of a requirements/procedure tree, depth first."""
    def walk(steps):
        for step in steps:
            yield step.text
            yield from walk(step.steps)
    for group in groups:
        yield from walk(group.steps)


def csrf_from(html: str | bytes) -> str:
    """The CSRF token of the first form on a page."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, email: str, password: str = "rahasia-123", next_url: str | None = None):
    """Log in through the real form (with its CSRF token)."""
    url = "/akun/masuk" + (f"?next={next_url}" if next_url else "")
    token = csrf_from(client.get(url).data)
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def post_form(client, url: str, data: dict, form_url: str | None = None):
    """Open the page with the form (for its CSRF token), then post it."""
    token = csrf_from(client.get(form_url or url).data)
    return client.post(url, data={**data, "csrf_token": token})


def user_by_email(app, email: str):
    """The account with this address (detached from the session), or None."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is not None:
            db.session.expunge(user)
        return user


def logged_in(client) -> bool:
    """Whether the client's session is logged in (the account page opens)."""
    return client.get("/akun/").status_code == 200


def flash_text(client, response) -> str:
    """The text of the page a redirect leads to (where its flash message shows)."""
    return visible_text(client.get(response.headers["Location"]).data)


@contextmanager
def gunicorn_server(env: dict, workers: int = 2):
    """The site under gunicorn on a free loopback port, with ``env`` as its environment;
    yields its base URL once it answers.  Its output may hold no traceback."""
    import pytest

    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        env=env, cwd=OFFICES_DIR.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    response.read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail("gunicorn did not start: " + server.communicate()[0].decode(errors="replace"))
                time.sleep(0.2)
        yield base
    finally:
        if server.poll() is None:
            server.terminate()
        output = server.communicate(timeout=15)[0].decode(errors="replace")
        assert "Traceback" not in output, output


@contextmanager
def queries(app, ignore: tuple[str, ...] = ()):
    """SQL statements the app runs meanwhile (a list, filled as they run), but those naming
    any of ``ignore`` (e.g. the catalogue change log that a search asks now and then)."""
    from sqlalchemy import event

    from app.extensions import db

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):
        if not any(word in statement for word in ignore):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
