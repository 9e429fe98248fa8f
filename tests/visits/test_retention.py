"""Personal data of the guest book: retention, a person's export and erasure; counts stay."""

from __future__ import annotations

import json
import shutil

from sqlalchemy import func, select

from app.extensions import db
from app.visits.models import GuestBookEntry, QueueTicket
from tests.helpers import OFFICES_DIR, login, post_form, visible_text


def stored(app) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(GuestBookEntry.name, GuestBookEntry.email, GuestBookEntry.phone, GuestBookEntry.institution,
                   GuestBookEntry.gender, GuestBookEntry.occupation, GuestBookEntry.purpose,
                   GuestBookEntry.anonymised_at.is_not(None)).order_by(GuestBookEntry.id))]


def test_purge_anonymises_entries_older_than_a_year_and_keeps_the_counts(app, visit, clock, staff_of):
    clock.set(2025, 2, 27, 9, 0, zone="Asia/Makassar")
    visit(name="Lama Sekali", email="lama@contoh.id")
    clock.set(2025, 3, 10, 9, 0, zone="Asia/Makassar")
    visit(name="Agak Lama", email="agak@contoh.id")
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["visits", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 guest-book entry anonymised" in result.output
    rows = stored(app)
    assert rows[0] == (None, None, None, None, "P", "Peneliti/Dosen", "perpustakaan", True)
    assert rows[1][:2] == ("Agak Lama", "agak@contoh.id") and rows[1][-1] is False
    # Safe to run daily: nothing more to do the same day.
    assert "0 guest-book entries anonymised" in runner.invoke(args=["visits", "purge"]).output
    # The report of that old day still counts the visit.
    staff = staff_of()
    text = visible_text(staff.get("/majenekab/staf/kunjungan?tanggal=2025-02-27").data)
    assert "Nomor antrean diambil 1" in text and "Perempuan: 1" in text
    # The whole site's retention (flask data purge) includes the guest book.
    clock.set(2026, 3, 11, 9, 0, zone="Asia/Makassar")
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0 and "guest_book: 1 record(s) purged" in result.output
    assert stored(app)[1][0] is None


def test_each_office_keeps_entries_as_long_as_its_profile_says(make_app, tmp_path, clock):
    folder = tmp_path / "offices"
    shutil.copytree(OFFICES_DIR, folder)
    majene = folder / "majenekab.yaml"
    majene.write_text(majene.read_text(encoding="utf-8").replace("retention_days: 365", "retention_days: 30"),
                      encoding="utf-8")
    app = make_app(OFFICES_DIR=str(folder))
    office = app.extensions["offices"]
    assert office["majenekab"].visits.retention_days == 30 and office["bengkulu"].visits.retention_days == 365
    from app.visits import operations

    clock.set(2026, 1, 5, 9, 0, zone="Asia/Makassar")
    with app.app_context():
        for slug in ("majenekab", "bengkulu"):
            operations.register_visit(office[slug], {
                "name": "Pengunjung", "email": f"p@{slug}.id", "phone": None, "gender": "L", "age_group": "56+",
                "education": "s2", "occupation": "Wiraswasta", "institution": "Perorangan",
                "purpose": "perpustakaan", "id_kind": "sim", "form_token": None})
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    assert "1 guest-book entry anonymised" in app.test_cli_runner().invoke(args=["visits", "purge"]).output
    with app.app_context():
        names = dict(db.session.execute(select(GuestBookEntry.office, GuestBookEntry.name)).all())
    assert names == {"majenekab": None, "bengkulu": "Pengunjung"}
    # The kiosk says the office's own period.
    assert "1 bulan sejak kunjungan" in visible_text(app.test_client().get("/majenekab/bukutamu").data)


def test_a_person_sees_their_guest_book_entries_in_their_data_and_erasing_the_account_anonymises_them(
        app, visit, make_user, desk, ticket_id):
    visit(email="Siti@Contoh.id")
    visit(name="Orang Lain", email="lain@contoh.id")
    desk("/majenekab/staf/loker/pinjamkan", {"ticket": ticket_id("P-001"), "locker": "02", "id_card_held": "y"})
    make_user(email="siti@contoh.id")
    client = app.test_client()
    login(client, "siti@contoh.id")
    data = json.loads(client.get("/akun/data-saya.json").data)
    [entry] = data["guest_book"]
    assert entry["name"] == "Siti Rahmawati" and entry["email"] == "siti@contoh.id"
    assert entry["purpose"] == "Perpustakaan" and entry["id_card_kind"] == "KTP"
    assert entry["queue_number"] == "P-001" and entry["lockers"][0]["locker"] == "02"
    assert entry["consent_version"] and entry["consent_at"].endswith("+00:00")
    assert "Orang Lain" not in json.dumps(data)

    response = post_form(client, "/akun/hapus", {"current_password": "rahasia-123", "confirm": "y"})
    assert response.status_code == 303
    rows = stored(app)
    assert rows[0][:4] == (None, None, None, None) and rows[0][-1] is True
    assert rows[1][:2] == ("Orang Lain", "lain@contoh.id")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QueueTicket)) == 2


def test_an_unverified_address_does_not_open_anyones_guest_book_entries(app, visit, make_user):
    visit()
    make_user(email="siti@contoh.id", verified=False)
    client = app.test_client()
    login(client, "siti@contoh.id")
    assert json.loads(client.get("/akun/data-saya.json").data)["guest_book"] == []
