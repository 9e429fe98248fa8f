"""Lockers: lent to a ticket with the ID card held, never twice, released on exit, counted at closing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock as app_clock
from app.extensions import db
from app.visits import operations
from app.visits.models import LockerAssignment
from tests.helpers import flash_text, visible_text


def held(app, slug="majenekab") -> list[tuple[str, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(LockerAssignment).where(LockerAssignment.office == slug,
                                                                 LockerAssignment.held.is_(True))
                                  .order_by(LockerAssignment.locker))
        return [(a.locker, a.id_card_held) for a in rows]


def test_lend_a_locker_with_the_id_card_and_take_both_back(app, visit, desk, staff_of, ticket_id):
    visit()
    staff = staff_of()
    p1 = ticket_id("P-001")
    response = desk("/majenekab/staf/loker/pinjamkan", {"ticket": p1, "locker": "03", "id_card_held": "y",
                                                        "next": "/majenekab/staf/antrian"})
    assert response.headers["Location"] == "/majenekab/staf/antrian"
    assert "Loker 03 dipinjamkan kepada nomor P-001 (kartu identitas dititipkan)." in flash_text(staff, response)
    assert held(app) == [("03", True)]
    console = visible_text(staff.get("/majenekab/staf/antrian").data)
    assert "Loker 03 KTP dititipkan" in console  # the kind of card, from the guest book
    assert "Loker 03 · P-001" in console
    lockers = visible_text(staff.get("/majenekab/staf/loker").data)
    assert "Loker 03 Dipakai P-001 sejak 02-03-2026 09:00 WITA Kartu identitas dititipkan" in lockers
    assert "Loker 06 loker besar, untuk tas laptop Kosong" in lockers  # the profile's note
    assert "Loker 1 terbuka" in visible_text(staff.get("/majenekab/staf/").data)

    with app.app_context():
        assignment = db.session.scalar(select(LockerAssignment.id))
    response = desk(f"/majenekab/staf/loker/{assignment}/lepas")
    assert response.headers["Location"] == "/majenekab/staf/loker"
    assert "Loker 03 dilepas. Kembalikan kartu identitas pengunjung." in flash_text(staff, response)
    assert held(app) == []
    assert "sudah dilepas" in flash_text(staff, desk(f"/majenekab/staf/loker/{assignment}/lepas"))


def test_a_taken_locker_is_not_offered_and_not_given_again(app, visit, desk, staff_of, ticket_id):
    visit(), visit()
    staff = staff_of()
    desk("/majenekab/staf/loker/pinjamkan", {"ticket": ticket_id("P-001"), "locker": "01"})
    console = staff.get("/majenekab/staf/antrian").get_data(as_text=True)
    assert '<option value="01">' not in console and '<option value="02">' in console
    response = desk("/majenekab/staf/loker/pinjamkan", {"ticket": ticket_id("P-002"), "locker": "01"})
    assert "Pilih loker yang masih kosong." in flash_text(staff, response)
    # One locker per visitor: a second one for P-001 is refused too.
    response = desk("/majenekab/staf/loker/pinjamkan", {"ticket": ticket_id("P-001"), "locker": "02"})
    assert "Pilih nomor antrean yang masih dilayani atau menunggu." in flash_text(staff, response)
    assert held(app) == [("01", False)]


@pytest.mark.parametrize("fields, message", [
    ({"locker": "99"}, "Pilih loker yang masih kosong."),
    ({"locker": "<b>01</b>"}, "Pilih loker yang masih kosong."),
    ({"locker": ""}, "Pilih loker yang masih kosong."),
    ({"ticket": "99999999999999999999999"}, "Pilih nomor antrean"),
    ({"ticket": "abc"}, "Pilih nomor antrean"),
])
def test_bad_locker_input_is_refused_plainly(app, visit, desk, staff_of, ticket_id, fields, message):
    visit()
    data = {"ticket": str(ticket_id("P-001")), "locker": "01", **fields}
    assert message in flash_text(staff_of(), desk("/majenekab/staf/loker/pinjamkan", data))
    assert held(app) == []


def test_the_database_refuses_a_locker_given_twice(app, visit, ticket_id):
    visit(), visit()
    with app.app_context():
        now = app_clock.utcnow_naive()
        db.session.add(LockerAssignment(office="majenekab", locker="05", ticket_id=ticket_id("P-001"), held=True,
                                        assigned_at=now))
        db.session.commit()
        db.session.add(LockerAssignment(office="majenekab", locker="05", ticket_id=ticket_id("P-002"), held=True,
                                        assigned_at=now))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        # The same number at another office is another locker; released rows do not count.
        db.session.add(LockerAssignment(office="bengkulu", locker="05", held=True, assigned_at=now))
        for _ in range(3):
            db.session.add(LockerAssignment(office="majenekab", locker="05", held=None, assigned_at=now,
                                            released_at=now))
        db.session.commit()
        # Held must be True or NULL, and NULL exactly when released.
        db.session.add(LockerAssignment(office="majenekab", locker="04", held=False, assigned_at=now))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_two_desks_lending_the_same_locker_at_once(app, visit, ticket_id):
    for _ in range(6):
        visit()
    office = app.extensions["offices"]["majenekab"]
    ids = [ticket_id(f"P-{n:03d}") for n in range(1, 7)]
    start = threading.Barrier(len(ids))

    def lend(ticket: int) -> str:
        with app.app_context():
            start.wait()
            try:
                operations.assign_locker(office, ticket, "02", True)
            except operations.DeskError as exc:
                return str(exc)
            return "ok"

    with ThreadPoolExecutor(len(ids)) as pool:
        results = list(pool.map(lend, ids))
    assert results.count("ok") == 1
    assert all("Loker 02 sedang dipakai pengunjung lain" in r for r in results if r != "ok")
    assert held(app) == [("02", True)]


def test_finishing_a_visit_releases_its_locker(app, visit, desk, staff_of, ticket_id):
    visit()
    staff = staff_of()
    p1 = ticket_id("P-001")
    desk("/majenekab/staf/loker/pinjamkan", {"ticket": p1, "locker": "04", "id_card_held": "y"})
    desk(f"/majenekab/staf/antrian/{p1}/mulai")
    response = desk(f"/majenekab/staf/antrian/{p1}/selesai")
    text = flash_text(staff, response)
    assert "Layanan nomor P-001 selesai." in text and "Loker 04 dilepas. Kembalikan kartu identitas pengunjung." in text
    assert held(app) == []
    # A finished visit gets no locker.
    response = desk("/majenekab/staf/loker/pinjamkan", {"ticket": p1, "locker": "04"})
    assert "Pilih nomor antrean yang masih dilayani atau menunggu." in flash_text(staff, response)


def test_lockers_still_taken_at_closing_time_are_listed(app, visit, desk, staff_of, ticket_id, clock):
    """Musi Banyuasin closes at 15.30 WIB on Mondays (its published hours)."""
    clock.set(2026, 3, 2, 10, 0, zone="Asia/Jakarta")
    visit("musibanyuasinkab")
    staff = staff_of("musibanyuasinkab")
    p1 = ticket_id("P-001", "musibanyuasinkab")
    desk("/musibanyuasinkab/staf/loker/pinjamkan", {"ticket": p1, "locker": "07", "id_card_held": "y"},
         slug="musibanyuasinkab")
    clock.set(2026, 3, 2, 15, 0, zone="Asia/Jakarta")
    assert "lewat jam tutup" not in visible_text(staff.get("/musibanyuasinkab/staf/antrian").data)
    clock.set(2026, 3, 2, 15, 31, zone="Asia/Jakarta")
    console = visible_text(staff.get("/musibanyuasinkab/staf/antrian").data)
    assert "Loker 07 · P-001" in console and "lewat jam tutup" in console
    assert "lewat jam tutup" in visible_text(staff.get("/musibanyuasinkab/staf/loker").data)
    report = visible_text(staff.get("/musibanyuasinkab/staf/kunjungan?tanggal=2026-03-02").data)
    assert "Loker masih dipakai saat jam tutup (15.30 WIB)" in report
    assert "Loker 07 · P-001 · dipinjam 02-03-2026 10:00 WIB · kartu identitas dititipkan · belum dilepas" in report

    # The next morning the visit is still open from yesterday; the desk closes it.
    clock.set(2026, 3, 3, 8, 5, zone="Asia/Jakarta")
    staff = staff_of("musibanyuasinkab", again=True)
    console = visible_text(staff.get("/musibanyuasinkab/staf/antrian").data)
    assert "Belum selesai dari hari sebelumnya" not in console  # P-001 never got past "waiting"
    with app.app_context():
        assignment = db.session.scalar(select(LockerAssignment.id))
    desk(f"/musibanyuasinkab/staf/loker/{assignment}/lepas", slug="musibanyuasinkab")
    report = visible_text(staff.get("/musibanyuasinkab/staf/kunjungan?tanggal=2026-03-02").data)
    assert "dilepas 03-03-2026 08:05 WIB" in report  # the report of that day stays true
    assert "Tidak ada: semua loker sudah kembali." in visible_text(
        staff.get("/musibanyuasinkab/staf/kunjungan?tanggal=2026-03-03").data)


def test_an_office_without_published_hours_closes_its_day_at_midnight(app, visit, desk, staff_of, ticket_id, clock):
    visit()
    staff = staff_of()
    desk("/majenekab/staf/loker/pinjamkan", {"ticket": ticket_id("P-001"), "locker": "01"})
    clock.set(2026, 3, 2, 23, 0, zone="Asia/Makassar")
    staff = staff_of(again=True)
    assert "lewat jam tutup" not in visible_text(staff.get("/majenekab/staf/loker").data)
    report = visible_text(staff.get("/majenekab/staf/kunjungan?tanggal=2026-03-02").data)
    assert "Loker masih dipakai saat akhir hari" in report
    clock.set(2026, 3, 3, 8, 0, zone="Asia/Makassar")
    staff = staff_of(again=True)
    assert "lewat jam tutup" in visible_text(staff.get("/majenekab/staf/loker").data)
    report = visible_text(staff.get("/majenekab/staf/kunjungan?tanggal=2026-03-02").data)
    assert "Loker 01 · P-001" in report and "belum dilepas" in report
