"""Softcopies are safe to open and cheap to serve: active content stripped, pages capped,
stamped copies reused, reads limited per account, PDFs sandboxed."""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories, pdf_samples
from tests.helpers import csrf_from, flash_text, login, visible_text

FORBIDDEN = (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/OpenAction")


def upload(client, pdf: bytes, **changes):
    url = "/majenekab/staf/katalog/baru"
    data = dict(title="Statistik Daerah Kabupaten Majene 2025", year="2025", language="id", format="softcopy",
                abstract="Ringkasan.", csrf_token=csrf_from(client.get(url).data),
                pdf=(io.BytesIO(pdf), "laporan.pdf"), **changes)
    return client.post(url, data=data, content_type="multipart/form-data")


def publication_id(app, title="Statistik Daerah Kabupaten Majene 2025") -> int:
    with app.app_context():
        return db.session.scalars(select(Publication.id).where(Publication.title == title)).one()


def press(client, pid, action):
    page = client.get(f"/majenekab/katalog/{pid}")
    return client.post(f"/majenekab/katalog/{pid}/{action}", data={"csrf_token": csrf_from(page.data)})


def test_active_content_is_stripped_at_upload_and_never_served(app, make_user):
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    staff = app.test_client()
    login(staff, "staf@bps.go.id")
    response = upload(staff, pdf_samples.active_content_pdf())
    assert response.status_code == 303
    assert "Konten aktif" in flash_text(staff, response)
    pid = publication_id(app)
    with app.app_context():
        stored = app.extensions["pdf_store"].path(db.session.get(Publication, pid).pdf_sha256).read_bytes()
    assert not any(word in stored for word in FORBIDDEN)
    served = staff.get(press(staff, pid, "unduh").headers["Location"])
    assert served.status_code == 200 and not any(word in served.data for word in FORBIDDEN)
    assert served.headers["Content-Security-Policy"].startswith("sandbox;")


def test_an_inline_read_is_sandboxed_and_the_stamped_copy_is_made_once(app, make_user, publication):
    make_user()
    client = app.test_client()
    login(client, "pengguna@contoh.id")
    pid = publication_id(app, publication)
    link = press(client, pid, "baca").headers["Location"]
    first = client.get(link)
    assert first.status_code == 200 and first.headers["Content-Disposition"].startswith("inline")
    assert first.headers["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    assert first.headers["Cache-Control"] == "private, no-store"
    token = link.rsplit("/", 1)[1]
    cached = Path(app.instance_path) / "stamped" / f"{token}.pdf"
    assert os.stat(cached).st_mode & 0o777 == 0o600
    made = os.stat(cached).st_mtime_ns
    second = client.get(link)
    assert second.data == first.data and os.stat(cached).st_mtime_ns == made
    text = " ".join(PdfReader(io.BytesIO(second.data)).pages[0].extract_text().split())
    assert "pengguna@contoh.id" in text and f"ID {token}" in text


def test_stamped_copies_go_when_their_links_expire_or_the_account_does(app, make_user, publication, clock, runner):
    make_user()
    client = app.test_client()
    login(client, "pengguna@contoh.id")
    link = press(client, publication_id(app, publication), "unduh").headers["Location"]
    client.get(link)
    stamped = list((Path(app.instance_path) / "stamped").glob("*.pdf"))
    assert len(stamped) == 1
    clock.advance(hours=2)
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0 and "softcopy_accesses: 1 record(s) purged" in result.output
    assert not stamped[0].exists()


def test_reads_are_limited_per_account(make_app, make_user, tmp_path):
    app = make_app(LIMIT_SOFTCOPY_PER_USER="2 per hour")
    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "majene-2024.pdf").write_bytes(pdf_samples.report_pdf(pages=2))
    factories.import_rows(app, tmp_path, factories.ROWS[:1], folder)
    make_user()
    client = app.test_client()
    login(client, "pengguna@contoh.id")
    pid = publication_id(app, factories.ROWS[0]["title"])
    statuses = [press(client, pid, "baca").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert "Terlalu banyak permintaan softcopy" in visible_text(press(client, pid, "baca").data)


def test_softcopies_over_the_page_limit_are_refused_at_upload_and_not_stamped(make_app, make_user, tmp_path):
    app = make_app()
    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "majene-2024.pdf").write_bytes(pdf_samples.report_pdf(pages=4))
    factories.import_rows(app, tmp_path, factories.ROWS[:1], folder)  # stored under the default limit
    small = make_app(SOFTCOPY_MAX_PAGES=3)
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    staff = small.test_client()
    login(staff, "staf@bps.go.id")
    refused = upload(staff, pdf_samples.report_pdf(pages=5))
    assert refused.status_code == 200 and "terlalu banyak halamannya" in visible_text(refused.data)
    response = press(staff, publication_id(small, factories.ROWS[0]["title"]), "baca")
    assert response.status_code == 302
    assert "terlalu besar untuk dibaca online" in flash_text(staff, response)


def test_sanitize_command_cleans_softcopies_stored_before(app, runner, make_user, tmp_path):
    from app.catalogue.storage import _atomic_write  # an old, unclean file, stored as before

    dirty = pdf_samples.active_content_pdf()
    sha = hashlib.sha256(dirty).hexdigest()
    store = app.extensions["pdf_store"]
    (store.root / sha[:2]).mkdir(parents=True, exist_ok=True)
    _atomic_write(store.root / sha[:2] / f"{sha}.pdf", dirty)
    with app.app_context():
        db.session.add(Publication(office="majenekab", title="Publikasi lama", format="softcopy",
                                   pdf_sha256=sha, pdf_size=len(dirty), pdf_pages=1))
        db.session.commit()
    result = runner.invoke(args=["catalogue", "sanitize-softcopies"])
    assert result.exit_code == 0, result.output
    assert "1 softcopies checked: 1 cleaned" in result.output
    with app.app_context():
        new_sha = db.session.scalars(select(Publication.pdf_sha256)).one()
    assert new_sha != sha and not store.exists(sha)
    assert not any(word in store.path(new_sha).read_bytes() for word in FORBIDDEN)
    again = runner.invoke(args=["catalogue", "sanitize-softcopies"])
    assert "0 cleaned" in again.output


def test_import_reports_removed_content(app, tmp_path):
    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "majene-2024.pdf").write_bytes(pdf_samples.active_content_pdf())
    result = factories.run_import(app, factories.write_csv(tmp_path / "k.csv", factories.ROWS[:1]), folder)
    assert result.exit_code == 0, result.output
    assert re.search(r"line 2: pdf: 'majene-2024.pdf': active content removed: .*JavaScript", result.output)
