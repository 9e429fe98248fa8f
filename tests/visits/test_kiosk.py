"""The guest-book kiosk: consent, a queue number, and nothing left for the next visitor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.visits.models import CONSENT_VERSION, GuestBookEntry, QueueTicket
from tests.helpers import read_page, visible_text
from tests.visits.visitors import VISITOR, hidden_fields


def entries(app) -> list[GuestBookEntry]:
    with app.app_context():
        rows = db.session.scalars(select(GuestBookEntry).order_by(GuestBookEntry.id)).all()
        db.session.expunge_all()
        return rows


def test_the_kiosk_asks_for_what_the_guest_book_needs_and_nothing_more(client):
    response = client.get("/majenekab/bukutamu")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert "Buku tamu elektronik" in text
    assert "dilayani paling lambat 5 menit" in text  # Majene's promise, from its standard
    for label in ("Nama lengkap", "Alamat email", "Nomor telepon/WhatsApp (boleh dikosongkan)", "Jenis kelamin",
                  "Kelompok umur", "Pendidikan terakhir", "Pekerjaan", "Instansi/lembaga", "Tujuan kunjungan",
                  "Kartu identitas yang Anda bawa"):
        assert label in text, label
    # The library first, then the other PST services of the office's profile.
    purposes = [line for line in ("Perpustakaan", "Konsultasi statistik", "Penjualan produk statistik",
                                  "Rekomendasi kegiatan statistik")]
    positions = [text.index(p, text.index("Tujuan kunjungan")) for p in purposes]
    assert positions == sorted(positions)
    for kind in ("KTP", "SIM", "Paspor", "Kartu pelajar/mahasiswa", "Lainnya"):
        assert kind in text
    assert "Nomor kartu tidak dicatat" in text
    # The personal-data notice: purpose, data, who sees it, retention, rights.
    for heading in ("Tujuan", "Data yang dicatat", "Siapa yang melihat", "Masa penyimpanan", "Hak Anda"):
        assert heading in text
    assert "1 tahun sejak kunjungan" in text
    assert "UU No. 27 Tahun 2022" in text
    # A kiosk page: no site navigation, its own script, and what it needs to clear itself.
    page = read_page(html)
    assert "Katalog" not in [label for label, _ in page.links]
    assert 'data-idle-seconds="90"' in html and 'data-reset-url="/majenekab/bukutamu"' in html
    assert 'data-clean="1"' in html
    assert 'autocomplete="off"' in html
    assert "<script>" not in html and "style=" not in html


def test_the_public_navigation_does_not_advertise_the_kiosk(client):
    links = read_page(client.get("/majenekab/").data).links
    assert not [href for _, href in links if "bukutamu" in href or "antrian" in href]


def test_a_visitor_gets_a_number_and_a_ticket(app, client, visit):
    response = visit(client=client)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/majenekab/antrian/tiket/")
    assert response.headers["Location"].endswith("?kios=1")

    ticket = client.get(response.headers["Location"])
    assert ticket.status_code == 200 and ticket.headers["Cache-Control"] == "private, no-store"
    text = visible_text(ticket.data)
    assert "Nomor antrean P-001" in text
    assert "Perpustakaan" in text
    assert "Diambil 02-03-2026 09:00 WITA" in text
    assert "Perkiraan tunggu Segera dipanggil" in text
    assert "Status Menunggu" in text
    # The ticket shows nothing personal: the next visitor may look at the same screen.
    assert VISITOR["name"] not in text and VISITOR["email"] not in text and "Universitas" not in text
    # At the kiosk it returns to an empty form by itself.
    assert 'http-equiv="refresh" content="30;url=/majenekab/bukutamu"' in ticket.get_data(as_text=True)

    [entry] = entries(app)
    assert (entry.name, entry.email, entry.phone, entry.institution) == (
        "Siti Rahmawati", "siti@contoh.id", "0812 3456 7890", "Universitas Sulawesi Barat")
    assert (entry.gender, entry.age_group, entry.education, entry.occupation, entry.purpose, entry.id_kind) == (
        "P", "26-35", "s1", "Peneliti/Dosen", "perpustakaan", "ktp")
    assert entry.consent_version == CONSENT_VERSION
    assert entry.consent_at is not None and entry.consent_at == entry.created_at
    with app.app_context():
        ticket_row = db.session.scalars(select(QueueTicket)).one()
        assert (ticket_row.code, ticket_row.status, ticket_row.entry_id) == ("P-001", "waiting", entry.id)


def test_the_estimate_counts_the_visitors_ahead(app, visit):
    for name in ("A", "B", "C"):
        visit(name=f"Pengunjung {name}", email=f"{name.lower()}@contoh.id")
    response = visit()
    page = visible_text(app.test_client().get(response.headers["Location"]).data)
    assert "Nomor antrean P-004" in page
    # No pace measured yet today: three minutes per visitor ahead.
    assert "± 9 menit (3 antrean di depan Anda)" in page


def test_the_ticket_page_on_a_phone_follows_the_visit_and_offers_the_survey_slot(make_app):
    """After the visit the ticket renders the ``visit_served`` slot (the feedback feature's survey)."""
    from app import FEATURES

    app = make_app(FEATURES=FEATURES + ("tests.visits.served_widget",))
    client = app.test_client()
    page = client.get("/majenekab/bukutamu").get_data(as_text=True)
    response = client.post("/majenekab/bukutamu", data={**hidden_fields(page), **VISITOR})
    url = response.headers["Location"].replace("?kios=1", "")
    html = client.get(url).get_data(as_text=True)
    assert 'http-equiv="refresh" content="30"' in html  # follows the desk while open
    assert "Survei untuk" not in visible_text(html)

    from app.accounts.models import User
    from tests.helpers import csrf_from, login

    with app.app_context():
        user = User(name="Petugas", email="staf@bps.go.id", role="staff", office="majenekab")
        user.set_password("rahasia-123")
        db.session.add(user)
        db.session.commit()
        ticket = db.session.scalars(select(QueueTicket)).one()
        ticket_pk = ticket.id
    staff = app.test_client()
    login(staff, "staf@bps.go.id")
    for action in ("mulai", "selesai"):
        token = csrf_from(staff.get("/majenekab/staf/antrian").data)
        assert staff.post(f"/majenekab/staf/antrian/{ticket_pk}/{action}",
                          data={"csrf_token": token}).status_code == 303
    html = client.get(url).get_data(as_text=True)
    text = visible_text(html)
    assert "Terima kasih atas kunjungan Anda" in text
    assert "Survei untuk P-001 di majenekab" in text  # the slot got the ticket and the office
    assert 'http-equiv="refresh"' not in html


def test_returning_to_the_kiosk_shows_an_empty_form(client, visit):
    visit(client=client)
    html = client.get("/majenekab/bukutamu").get_data(as_text=True)
    assert VISITOR["name"] not in html and VISITOR["email"] not in html
    assert 'value="Universitas' not in html


@pytest.mark.parametrize("changes, field, message", [
    ({"name": ""}, "Nama lengkap", "Isi nama lengkap."),
    ({"name": "   "}, "Nama lengkap", "Isi nama lengkap."),
    ({"name": "x" * 121}, "Nama lengkap", "Nama paling panjang 120 karakter."),
    ({"name": "12345"}, "Nama lengkap", "Nama harus memuat huruf."),
    ({"email": ""}, "Alamat email", "Isi alamat email."),
    ({"email": "siti(at)contoh.id"}, "Alamat email", "Alamat email tidak valid."),
    ({"email": "a" * 250 + "@contoh.id"}, "Alamat email", "Alamat email terlalu panjang."),
    ({"phone": "telepon saya"}, "Nomor telepon", "Nomor telepon tidak valid."),
    ({"phone": "9" * 40}, "Nomor telepon", "Nomor telepon paling panjang 20 karakter."),
    ({"gender": None}, "Jenis kelamin", "Pilih jenis kelamin."),
    ({"gender": "X"}, "Jenis kelamin", "Pilih jenis kelamin."),
    ({"age_group": "999999999999999999999"}, "Kelompok umur", "Pilih kelompok umur."),
    ({"education": "<b>s1</b>"}, "Pendidikan terakhir", "Pilih pendidikan terakhir."),
    ({"occupation": "Astronaut"}, "Pekerjaan", "Pilih pekerjaan."),
    ({"institution": ""}, "Instansi/lembaga", "Isi instansi atau lembaga."),
    ({"institution": "ĳ" * 161}, "Instansi/lembaga", "Instansi paling panjang 160 karakter."),
    ({"purpose": "rekreasi"}, "Tujuan kunjungan", "Pilih tujuan kunjungan."),
    ({"id_kind": "nik"}, "Kartu identitas", "Pilih jenis kartu identitas yang Anda bawa."),
    ({"consent": None}, "Saya telah membaca", "Centang persetujuan untuk melanjutkan"),
    ({"form_token": "<script>alert(1)</script>"}, "Formulir", "Muat ulang formulir lalu isi kembali."),
])
def test_bad_input_is_refused_with_a_clear_message_and_what_was_typed_is_kept(app, visit, changes, field, message):
    response = visit(**{"name": "Rina <b>Oktaviani</b>", **changes} if "name" not in changes else changes)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert "Periksa kembali isian berikut" in text
    assert message in text
    assert field in text
    assert response.headers["Cache-Control"] == "private, no-store"
    if "name" not in changes:
        # Kept, escaped: the markup a visitor typed is text, never HTML.
        assert 'value="Rina &lt;b&gt;Oktaviani&lt;/b&gt;"' in html
    if "institution" not in changes:
        assert 'value="Universitas Sulawesi Barat"' in html
    assert entries(app) == []
    # A page showing typed data is not "clean": the kiosk clears it when idle.
    assert 'data-clean="1"' not in html


def test_control_characters_and_spaces_are_cleaned_and_unicode_kept(app, visit):
    response = visit(name="  Ni\u0000 Luh\tPutu   Ayu  ", institution="Universitas Udayana — Fakultas\x07 Ekonomi",
                     email="  Siti@Contoh.ID ")
    assert response.status_code == 303
    [entry] = entries(app)
    assert entry.name == "Ni Luh Putu Ayu"
    assert entry.institution == "Universitas Udayana — Fakultas Ekonomi"
    assert entry.email == "siti@contoh.id"


def test_a_form_sent_twice_gives_one_number(app, client):
    page = client.get("/majenekab/bukutamu").get_data(as_text=True)
    data = {**hidden_fields(page), **VISITOR}
    first = client.post("/majenekab/bukutamu", data=data)
    second = client.post("/majenekab/bukutamu", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(entries(app)) == 1


def test_every_post_needs_its_csrf_token_and_an_expired_form_keeps_what_was_typed(client):
    page = client.get("/majenekab/bukutamu").get_data(as_text=True)
    data = {**hidden_fields(page), **VISITOR, "csrf_token": "stale"}
    response = client.post("/majenekab/bukutamu", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Halaman ini terlalu lama terbuka" in visible_text(html)
    assert 'value="Siti Rahmawati"' in html
    assert response.headers["Cache-Control"] == "private, no-store"
    # Sent again with the fresh token the page now carries, it goes through.
    retry = client.post("/majenekab/bukutamu", data={**data, **hidden_fields(html)})
    assert retry.status_code == 303
    for url in ("/majenekab/bukutamu/kode", "/majenekab/bukutamu/kode/periksa"):
        assert client.post(url, data={"email": "siti@contoh.id"}).status_code == 400


def test_no_state_changes_on_get(client):
    assert client.get("/majenekab/bukutamu/kode").status_code == 405
    assert client.get("/majenekab/bukutamu/kode/periksa").status_code == 405


def test_an_unknown_office_or_ticket_is_not_found(client, visit):
    assert client.get("/atlantis/bukutamu").status_code == 404
    assert client.get("/majenekab/antrian/tiket/AAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/majenekab/antrian/tiket/" + "x" * 500).status_code == 404
    # A ticket of one office is not found under another office's address.
    location = visit(slug="bengkulu").headers["Location"]
    assert client.get(location).status_code == 200
    assert client.get(location.replace("/bengkulu/", "/majenekab/")).status_code == 404


def test_the_kiosk_limit_stops_a_flood_with_an_indonesian_message(make_app):
    app = make_app(LIMIT_VISITS_GUESTBOOK_PER_IP="2 per minute")
    client = app.test_client()
    for _ in range(2):
        page = client.get("/majenekab/bukutamu").get_data(as_text=True)
        assert client.post("/majenekab/bukutamu", data={**hidden_fields(page), **VISITOR}).status_code == 303
    page = client.get("/majenekab/bukutamu").get_data(as_text=True)
    response = client.post("/majenekab/bukutamu", data={**hidden_fields(page), **VISITOR})
    assert response.status_code == 429
    assert "Terlalu banyak isian buku tamu" in visible_text(response.data)
    assert response.headers["Retry-After"]
    # Reading the form is never limited.
    assert client.get("/majenekab/bukutamu").status_code == 200


def test_a_one_office_site_has_the_kiosk_at_its_root(make_app):
    app = make_app(SITE_OFFICE="bengkulu")
    client = app.test_client()
    page = client.get("/bukutamu").get_data(as_text=True)
    assert "Buku tamu elektronik" in visible_text(page)
    assert "dilayani paling lambat 10 menit" in visible_text(page)
    response = client.post("/bukutamu", data={**hidden_fields(page), **VISITOR})
    assert response.status_code == 303 and response.headers["Location"].startswith("/antrian/tiket/")


def test_no_identity_number_field_anywhere(app, client):
    """The standard asks only that a visitor holds an ID: no column or input may take its number."""
    import re

    forbidden = re.compile(r"(^|_)(nik|ktp|no_?ktp|nomor_?(ktp|identitas|kartu)|id_?number|identity_?number|"
                           r"card_?number|passport_?(no|number)|sim_?number|nomor_?sim)($|_)", re.I)
    columns = [f"{table.name}.{column.name}" for table in db.metadata.tables.values() for column in table.columns]
    assert [c for c in columns if forbidden.search(c.split(".", 1)[1])] == []
    html = client.get("/majenekab/bukutamu").get_data(as_text=True)
    names = re.findall(r'name="([^"]+)"', html)
    assert [n for n in names if forbidden.search(n)] == []
    assert "nik" not in [n.lower() for n in names]
