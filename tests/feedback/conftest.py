"""Feedback fixtures: an app that mails the loopback SMTP server, staff of two offices,
a small catalogue, and helpers to answer the survey and open cases through the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories, pdf_samples
from tests.helpers import csrf_from, login

@pytest.fixture
def app(make_app, mail_config):
    """The app of these tests: mail to the loopback SMTP server (handed over before the page
    answers, so a test reads it at once), the shared movable clock."""
    return make_app(MAIL_SEND_IN_BACKGROUND=False, **mail_config)


@pytest.fixture
def catalogue(app, tmp_path):
    """factories.ROWS imported (Majene: both, softcopy, hardcopy; Sawahlunto: both); title -> id."""
    folder = tmp_path / "pdf"
    folder.mkdir()
    for name in ("majene-2024.pdf", "sakernas-2023.pdf", "sawahlunto-2024.pdf"):
        (folder / name).write_bytes(pdf_samples.report_pdf(pages=3))
    factories.import_rows(app, tmp_path, factories.ROWS, folder)
    with app.app_context():
        return {p.title: p.id for p in db.session.scalars(select(Publication))}


@pytest.fixture
def people(make_user):
    """A user, another user, staff of Majene, staff of Sawahlunto and an administrator."""
    return {
        "user": make_user(email="pengguna@contoh.id", name="Siti Rahmawati"),
        "other": make_user(email="lain@contoh.id", name="Budi Santoso"),
        "staff": make_user(email="staf.majene@bps.go.id", name="Andi Petugas", role="staff", office="majenekab"),
        "staff_other": make_user(email="staf.sawahlunto@bps.go.id", name="Rina Petugas", role="staff",
                                 office="sawahluntokota"),
        "admin": make_user(email="admin@bps.go.id", name="Admin Pusat", role="admin"),
    }


@pytest.fixture
def client_of(app, people):
    """A logged-in test client for one of ``people``' addresses."""
    def make(email):
        client = app.test_client()
        response = login(client, email)
        assert response.status_code == 302, response.data[:500]
        return client
    return make


def _post_page(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    page = client.get(form_url or url)
    html = page.get_data(as_text=True)
    fields = {"csrf_token": csrf_from(html)}
    for name in ("form_token", "respondent"):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
        if match:
            fields[name] = match.group(1)
    return client.post(url, data={**fields, **data}, **kwargs)


@pytest.fixture
def submit():
    """Open the page with the form (for its CSRF and one-time tokens), then post it."""
    return _post_page


@pytest.fixture
def answers():
    """The nine answers as the survey form sends them: all ``value``, some changed."""
    def make(value: int = 4, **changed):
        data = {f"q{i}": str(value) for i in range(1, 10)}
        data.update({key: str(v) for key, v in changed.items()})
        return data
    return make
