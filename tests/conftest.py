"""Shared fixtures: a fresh app, database and instance folder per test, a movable clock,
factories, a real SMTP server and Chromium.  Each feature's folder (tests/<feature>/)
adds its own fixtures in its own conftest.py; no test module imports from another.

Set TEST_DATABASE_URL (e.g. postgresql://127.0.0.1:5432/test) to run the suite on
PostgreSQL: each test then gets its own schema in that database.  Without it the
suite runs on SQLite files under pytest's tmp_path.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import threading
import uuid
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from app.config import database_url
from app.extensions import db
from tests.helpers import OFFICES_DIR, MovableClock, free_port

TEST_DATABASE_URL = database_url(os.environ.get("TEST_DATABASE_URL"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


def pytest_sessionstart(session):
    """Compile the message catalogues when pytest runs without make (make compiles them too)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (OFFICES_DIR.parent / "app" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)


def pytest_report_header(config):
    if TEST_DATABASE_URL:
        return f"database: PostgreSQL ({sa.make_url(TEST_DATABASE_URL).render_as_string()})"
    return "database: SQLite only (set TEST_DATABASE_URL to run on PostgreSQL too)"


@pytest.fixture
def clock():
    """The clock every app of this test reads (app/clock.py asks the app's CLOCK)."""
    return MovableClock()


@contextmanager
def own_database(folder: Path):
    """A database of one's own: a SQLite file in ``folder``, or a PostgreSQL schema."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{folder / 'test.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def app_builder(folder: Path, database_uri: str, clock: MovableClock):
    """Yields a function that builds apps on one database and instance folder; cleans up."""
    made = []

    def build(**config):
        settings = {
            "APP_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-" + "k" * 40,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "INSTANCE_PATH": folder / "instance",
            "OFFICES_DIR": str(OFFICES_DIR),
            "SITE_OFFICE": None,
            "SERVER_NAME": None,
            "CLOCK": clock,
        }
        settings.update(config)
        app = create_app(settings)
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    try:
        yield build
    finally:
        for app in made:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def database_uri(tmp_path):
    """A database of this test's own."""
    with own_database(tmp_path) as uri:
        yield uri


@pytest.fixture
def make_app(tmp_path, database_uri, clock):
    """Build an app for this test with extra config; tables are created."""
    with app_builder(tmp_path, database_uri, clock) as build:
        yield build


@pytest.fixture(scope="module")
def make_module_app(tmp_path_factory):
    """Build an app shared by the tests of one module, for data they only read."""
    folder = tmp_path_factory.mktemp("module-app")
    with own_database(folder) as uri, app_builder(folder, uri, MovableClock()) as build:
        yield build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def make_user(app):
    """Create an account; returns its id.  Verified unless told otherwise."""
    from app.accounts.models import User
    from app.clock import utcnow_naive

    def factory(email="pengguna@contoh.id", name="Siti Rahmawati", password="rahasia-123",
                role="user", office=None, verified=True):
        with app.app_context():
            user = User(name=name, email=User.normalise_email(email), role=role, office=office,
                        verified_at=utcnow_naive() if verified else None)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return user.id
    return factory


@pytest.fixture
def publication(app, tmp_path):
    """One Majene publication with a three-page softcopy, imported with the catalogue CLI."""
    from tests import factories, pdf_samples

    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "majene-2024.pdf").write_bytes(pdf_samples.report_pdf(pages=3))
    factories.import_rows(app, tmp_path, factories.ROWS[:1], folder)
    return factories.ROWS[0]["title"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ----------------------------------------------------------------- browser harness


@pytest.fixture
def live_server(app):
    """The app served on a loopback port in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# ----------------------------------------------------------------- email


class ReceivedMail:
    """What a loopback SMTP server received, with helpers to wait and find links."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self.host, self.port = "127.0.0.1", 0
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least ``count`` messages arrived (mail leaves from a thread)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} email(s), got {len(self.messages)}")
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last_to(self, address: str, timeout: float = 10.0) -> EmailMessage:
        """The newest message to an address, waiting for one if there is none yet."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: self.to(address), timeout):
                raise AssertionError(f"no email to {address}")
            return self.to(address)[-1]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(("html",)).get_content()

    @classmethod
    def link(cls, message: EmailMessage, containing: str) -> str:
        """The first URL in the plain-text part whose path contains ``containing``."""
        for url in re.findall(r"https?://\S+", cls.text(message)):
            if containing in url:
                return url
        raise AssertionError(f"no link with {containing!r} in: {cls.text(message)}")


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; collects what it receives."""
    from aiosmtpd.controller import Controller

    received = ReceivedMail()
    received.port = free_port()
    controller = Controller(received, hostname=received.host, port=received.port)
    controller.start()
    try:
        yield received
    finally:
        from app.mail import wait_for_deliveries

        wait_for_deliveries()
        controller.stop()


@pytest.fixture
def mail_config(smtp_server):
    """Settings that make an app send its email to the ``smtp_server`` fixture."""
    return {"MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port,
            "MAIL_FROM": "PST Perpustakaan <pst@bps.invalid>"}
