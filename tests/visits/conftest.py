"""Visits fixtures: a visitor at the kiosk, staff at the desk, a clock on a working morning."""

from __future__ import annotations

import re

import pytest

from tests.helpers import csrf_from, logged_in, login
from tests.visits.visitors import VISITOR, hidden_fields


@pytest.fixture(autouse=True)
def working_morning(clock):
    """Monday 2 March 2026, 09:00 in Majene (WITA); tests move it as they need."""
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    return clock


@pytest.fixture
def visit(app):
    """Fill the guest book as a visitor does; returns the response of the submission.

    ``visit(name="…", purpose="konsultasi")`` overrides fields; a value of None leaves
    the field out, as when it is not filled in.
    """
    def submit(slug: str = "majenekab", client=None, **fields):
        client = client or app.test_client()
        page = client.get(f"/{slug}/bukutamu").get_data(as_text=True)
        data = {**hidden_fields(page), **VISITOR, **fields}
        return client.post(f"/{slug}/bukutamu", data={k: v for k, v in data.items() if v is not None})
    return submit


@pytest.fixture
def ticket_code(app):
    """The queue number a submission's redirect leads to, read from the ticket page."""
    def read(response) -> str:
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        page = app.test_client().get(response.headers["Location"]).get_data(as_text=True)
        return re.search(r'id="ticket-number">([A-Z]{1,2}-\d+)<', page).group(1)
    return read


@pytest.fixture
def staff_of(app, make_user):
    """A logged-in client of a staff member of an office (created on first use)."""
    made = {}

    def client(slug: str = "majenekab", again: bool = False):
        """``again``: log in anew if the session ended (the clock jumped past its idle lifetime)."""
        email = f"staf.{slug}@bps.go.id"
        if slug not in made:
            make_user(email=email, name=f"Petugas {slug}", role="staff", office=slug)
            made[slug] = app.test_client()
            again = True
        if again and not logged_in(made[slug]):
            assert login(made[slug], email).status_code == 302
        return made[slug]
    return client


@pytest.fixture
def desk(staff_of):
    """Press a button on the console as staff of an office: POST with the page's CSRF token."""
    def press(url: str, data: dict | None = None, slug: str = "majenekab", client=None):
        client = client or staff_of(slug)
        token = csrf_from(client.get(f"/{slug}/staf/antrian").data)
        return client.post(url, data={**(data or {}), "csrf_token": token})
    return press


@pytest.fixture
def tickets(app):
    """Stored tickets of an office as (code, status) in number order, read from the database."""
    from sqlalchemy import select

    from app.extensions import db
    from app.visits.models import QueueTicket

    def read(slug: str = "majenekab"):
        with app.app_context():
            rows = db.session.scalars(select(QueueTicket).where(QueueTicket.office == slug)
                                      .order_by(QueueTicket.day, QueueTicket.prefix, QueueTicket.number))
            return [(t.code, t.status) for t in rows]
    return read


@pytest.fixture
def ticket_id(app):
    """The id of today's ticket with a code, for the console's URLs."""
    from sqlalchemy import select

    from app.extensions import db
    from app.visits.models import QueueTicket

    def find(code: str, slug: str = "majenekab") -> int:
        prefix, number = code.split("-")
        with app.app_context():
            return db.session.scalar(select(QueueTicket.id).where(
                QueueTicket.office == slug, QueueTicket.prefix == prefix, QueueTicket.number == int(number))
                .order_by(QueueTicket.id.desc()))
    return find
