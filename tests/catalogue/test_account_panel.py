"""The catalogue's part of "Akun saya": my downloads, and their share of my personal data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.catalogue.models import Publication, SoftcopyAccess
from app.extensions import db
from tests.helpers import flash_text, logged_in, login, post_form, read_page, user_by_email, visible_text

PASSWORD = "rahasia-123"


@pytest.fixture
def app(make_app, mail_config):
    return make_app(**mail_config)


@pytest.fixture
def accesses(app, make_user):
    """Three reads/downloads by pengguna@contoh.id (oldest first) and one by someone else."""
    me, other = make_user(), make_user(email="lain@contoh.id", name="Orang Lain")
    base = datetime(2026, 3, 1, 2, 0)
    with app.app_context():
        majene = Publication(office="majenekab", title="Kabupaten Majene Dalam Angka 2024", format="hardcopy")
        sawahlunto = Publication(office="sawahluntokota", title="Kota Sawahlunto Dalam Angka 2024",
                                 format="hardcopy")
        db.session.add_all([majene, sawahlunto])
        db.session.flush()
        rows = [("AAAAAAAAA2", "read", me, majene, 0), ("BBBBBBBBB2", "download", me, sawahlunto, 1),
                ("CCCCCCCCC2", "download", me, majene, 2), ("DDDDDDDDD2", "download", other, majene, 3)]
        for token, kind, user_id, publication, hours in rows:
            db.session.add(SoftcopyAccess(token=token, kind=kind, user_id=user_id, publication_id=publication.id,
                                          office=publication.office, created_at=base + timedelta(hours=hours)))
        db.session.commit()
        return {"me": me, "other": other, "majene": majene.id, "sawahlunto": sawahlunto.id}


def test_my_account_shows_profile_downloads_and_only_features_that_exist(app, client, accesses):
    login(client, "pengguna@contoh.id")
    page = client.get("/akun/")
    assert page.headers["Cache-Control"] == "private, no-store"
    text = visible_text(page.data)
    for words in ("Siti Rahmawati", "pengguna@contoh.id", "terverifikasi", "Unduhan saya",
                  "Unduh data saya (JSON)", "Hapus akun"):
        assert words in text, words
    # No empty promises: a panel shows only when its feature is part of the site.
    for words in ("Markah publikasi", "Permintaan softcopy dan konsultasi", "Belum ada."):
        assert words not in text, words
    assert "DDDDDDDDD2" not in text


def test_my_downloads_newest_first_with_links(app, client, accesses):
    login(client, "pengguna@contoh.id")
    page = read_page(client.get("/akun/unduhan").data)
    text = " ".join("".join(page.text).split())
    assert text.index("CCCCCCCCC2") < text.index("BBBBBBBBB2") < text.index("AAAAAAAAA2")
    assert "DDDDDDDDD2" not in text
    assert "01-03-2026 10:00 WIB" in text  # Sawahlunto's download (03:00 UTC), in its own zone
    assert "01-03-2026 10:00 WITA" in text  # Majene's first read (02:00 UTC)
    links = dict(page.links)
    assert links["Kota Sawahlunto Dalam Angka 2024"] == f"/sawahluntokota/katalog/{accesses['sawahlunto']}"
    assert links["Kabupaten Majene Dalam Angka 2024"] == f"/majenekab/katalog/{accesses['majene']}"


def test_my_downloads_on_a_one_office_site(make_app, mail_config, accesses):
    app = make_app(SITE_OFFICE="majenekab", **mail_config)
    client = app.test_client()
    login(client, "pengguna@contoh.id")
    links = dict(read_page(client.get("/akun/unduhan").data).links)
    assert links["Kabupaten Majene Dalam Angka 2024"] == f"/katalog/{accesses['majene']}"


def test_download_my_data_as_json(app, client, accesses):
    login(client, "pengguna@contoh.id")
    response = client.get("/akun/data-saya.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="data-pribadi-pst-')
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == "pengguna@contoh.id" and data["account"]["name"] == "Siti Rahmawati"
    assert "password_hash" not in json.dumps(data) and "scrypt" not in json.dumps(data)
    assert [a["download_id"] for a in data["softcopy_accesses"]] == ["CCCCCCCCC2", "BBBBBBBBB2", "AAAAAAAAA2"]
    assert data["softcopy_accesses"][1]["publication_title"] == "Kota Sawahlunto Dalam Angka 2024"
    assert data["softcopy_accesses"][0]["at"] == "2026-03-01T04:00:00+00:00"


def test_delete_my_account_keeps_anonymous_statistics(app, client, accesses, smtp_server):
    login(client, "pengguna@contoh.id")
    wrong = post_form(client, "/akun/hapus", {"current_password": "salah-salah", "confirm": "y"})
    assert "Kata sandi salah." in visible_text(wrong.data)
    unconfirmed = post_form(client, "/akun/hapus", {"current_password": PASSWORD})
    assert "Centang untuk menyatakan Anda mengerti." in visible_text(unconfirmed.data)
    assert user_by_email(app, "pengguna@contoh.id") is not None

    response = post_form(client, "/akun/hapus", {"current_password": PASSWORD, "confirm": "y"})
    assert response.status_code == 303
    assert "telah dihapus" in flash_text(client, response)
    assert user_by_email(app, "pengguna@contoh.id") is None
    assert not logged_in(client)
    with app.app_context():
        rows = db.session.execute(select(SoftcopyAccess.token, SoftcopyAccess.user_id)
                                  .order_by(SoftcopyAccess.token)).all()
    assert rows == [("AAAAAAAAA2", None), ("BBBBBBBBB2", None), ("CCCCCCCCC2", None),
                    ("DDDDDDDDD2", accesses["other"])]
    assert smtp_server.last_to("pengguna@contoh.id")["Subject"] == "Akun PST Perpustakaan Anda telah dihapus"
    assert login(client, "pengguna@contoh.id").status_code == 200




def test_times_carry_their_zone_consistently(app, client, accesses):
    """Each office's item in its own zone, labelled; everything else in WIB, labelled."""
    login(client, "pengguna@contoh.id")
    text = visible_text(client.get("/akun/").data)
    assert "01-03-2026 10:00 WITA" in text and "01-03-2026 12:00 WITA" in text  # Majene's items
    assert "01-03-2026 10:00 WIB" in text  # Sawahlunto's download
    registered = text.split("Terdaftar", 1)[1].split()[:3]
    assert registered[2] == "WIB"


def test_login_link_returns_to_the_page_without_a_stray_question_mark(client):
    links = dict(read_page(client.get("/majenekab/").data).links)
    assert links["Masuk"] == "/akun/masuk?next=/majenekab/"
    links = dict(read_page(client.get("/majenekab/katalog?q=padi").data).links)
    assert links["Masuk"] == "/akun/masuk?next=/majenekab/katalog?q%3Dpadi"
