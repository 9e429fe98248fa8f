"""Shared fixtures: a fresh app, database and instance folder per test.

Set TEST_DATABASE_URL (e.g. postgresql://127.0.0.1:5432/test) to run the suite on
PostgreSQL: each test then gets its own schema in that database.  Without it the
suite runs on SQLite files under pytest's tmp_path.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import threading
import uuid
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from app.config import database_url
from app.extensions import db

TEST_DATABASE_URL = database_url(os.environ.get("TEST_DATABASE_URL"))
OFFICES_DIR = Path(__file__).resolve().parent.parent / "offices"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


def pytest_report_header(config):
    if TEST_DATABASE_URL:
        return f"database: PostgreSQL ({sa.make_url(TEST_DATABASE_URL).render_as_string()})"
    return "database: SQLite only (set TEST_DATABASE_URL to run on PostgreSQL too)"


def fixed_clock(*args, zone: str = "Asia/Jakarta"):
    """A CLOCK for the app that always answers the given local time."""
    moment = datetime(*args, tzinfo=ZoneInfo(zone))
    return lambda: moment


@pytest.fixture
def database_uri(tmp_path):
    """A database of this test's own: a SQLite file, or a PostgreSQL schema."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
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


@pytest.fixture
def make_app(tmp_path, database_uri):
    """Build an app for this test with extra config; tables are created."""
    made = []

    def factory(**config):
        settings = {
            "APP_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-" + "k" * 40,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "INSTANCE_PATH": tmp_path / "instance",
            "OFFICES_DIR": str(OFFICES_DIR),
            "SITE_OFFICE": None,
            "SERVER_NAME": None,
        }
        settings.update(config)
        app = create_app(settings)
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def make_user(app):
    """Create an account; returns its id.  Verified unless told otherwise."""
    from app.accounts.models import User
    from app.timeutil import utcnow_naive

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
    from tests import pdf_samples
    from tests.test_catalogue import ROWS, write_csv

    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "majene-2024.pdf").write_bytes(pdf_samples.report_pdf(pages=3))
    result = app.test_cli_runner().invoke(
        args=["catalogue", "import", str(write_csv(tmp_path / "k.csv", ROWS[:1])), "--pdf-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return ROWS[0]["title"]


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
