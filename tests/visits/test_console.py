"""The counter console and the waiting-room display: calling in order, timing, access."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app.extensions import db
from app.visits import operations
from app.visits.models import QueueTicket
from tests.helpers import csrf_from, flash_text, login, read_page, visible_text
from tests.visits.visitors import VISITOR

#: Every staff route of the feature, as (method, path) with ids filled in by the test.
STAFF_ROUTES = [
    ("GET", "/{slug}/staf/antrian"),
    ("GET", "/{slug}/staf/antrian/versi.json"),
    ("POST", "/{slug}/staf/antrian/panggil-berikutnya"),
    ("POST", "/{slug}/staf/antrian/panggil-nomor"),
    ("POST", "/{slug}/staf/antrian/{ticket}/panggil"),
    ("POST", "/{slug}/staf/antrian/{ticket}/mulai"),
    ("POST", "/{slug}/staf/antrian/{ticket}/tidak-hadir"),
    ("POST", "/{slug}/staf/antrian/{ticket}/selesai"),
    ("POST", "/{slug}/staf/loker/pinjamkan"),
    ("POST", "/{slug}/staf/loker/{assignment}/lepas"),
    ("GET", "/{slug}/staf/loker"),
    ("GET", "/{slug}/staf/kunjungan"),
    ("GET", "/{slug}/staf/kunjungan/cetak"),
    ("GET", "/{slug}/staf/kunjungan/laporan.csv"),
]


def status_of(app, code: str, slug: str = "majenekab") -> str:
    prefix, number = code.split("-")
    with app.app_context():
        return db.session.scalar(select(QueueTicket.status).where(
            QueueTicket.office == slug, QueueTicket.prefix == prefix, QueueTicket.number == int(number)))


def test_staff_call_serve_and_finish_in_order(app, visit, desk, staff_of, ticket_id, clock):
    for n in range(3):
        visit(name=f"Pengunjung {n}", email=f"p{n}@contoh.id", purpose="konsultasi" if n == 1 else "perpustakaan")
    staff = staff_of()
    console = staff.get("/majenekab/staf/antrian")
    assert console.status_code == 200 and console.headers["Cache-Control"] == "private, no-store"
    text = visible_text(console.data)
    assert "3 menunggu" in text
    # The console shows each visitor's purpose (and name: staff see the guest book).
    assert "P-001 Perpustakaan Pengunjung 0" in text and "K-001 Konsultasi statistik Pengunjung 1" in text

    clock.advance(minutes=2)
    response = desk("/majenekab/staf/antrian/panggil-berikutnya")
    assert response.status_code == 303 and "Nomor P-001 dipanggil." in flash_text(staff, response)
    # "Call next" of one service skips the others.
    response = desk("/majenekab/staf/antrian/panggil-berikutnya", {"layanan": "konsultasi"})
    assert "Nomor K-001 dipanggil." in flash_text(staff, response)
    assert status_of(app, "P-002") == "waiting"

    p1 = ticket_id("P-001")
    clock.advance(seconds=30)
    assert "Nomor P-001 dipanggil." in flash_text(staff, desk(f"/majenekab/staf/antrian/{p1}/panggil"))  # recall
    assert "Nomor P-001 sedang dilayani." in flash_text(staff, desk(f"/majenekab/staf/antrian/{p1}/mulai"))
    clock.advance(minutes=40)
    assert "Layanan nomor P-001 selesai." in flash_text(staff, desk(f"/majenekab/staf/antrian/{p1}/selesai"))
    k1 = ticket_id("K-001")
    assert "Nomor K-001 ditandai tidak hadir." in flash_text(staff, desk(f"/majenekab/staf/antrian/{k1}/tidak-hadir"))
    with app.app_context():
        ticket = db.session.get(QueueTicket, p1)
        minutes = lambda a, b: (b - a).total_seconds() / 60  # noqa: E731
        assert minutes(ticket.issued_at, ticket.called_at) == 2  # the first call, not the recall
        assert minutes(ticket.called_at, ticket.last_called_at) == 0.5
        assert ticket.call_count == 2
        assert minutes(ticket.started_at, ticket.finished_at) == 40
        assert ticket.status == "done"
    text = visible_text(staff.get("/majenekab/staf/antrian").data)
    assert "Selesai dan tidak hadir" in text and "P-001 Perpustakaan Selesai 2 mnt 40 mnt" in text
    assert "K-001 Konsultasi statistik Tidak hadir" in text

    # Nobody left but P-002: "call next" takes it, then says so plainly.
    assert "Nomor P-002 dipanggil." in flash_text(staff, desk("/majenekab/staf/antrian/panggil-berikutnya"))
    assert "Tidak ada pengunjung yang menunggu." in flash_text(staff, desk("/majenekab/staf/antrian/panggil-berikutnya"))


def test_a_number_can_be_called_as_typed(app, visit, desk, staff_of):
    visit(), visit()
    staff = staff_of()
    assert "Nomor P-002 dipanggil." in flash_text(staff, desk("/majenekab/staf/antrian/panggil-nomor", {"code": " p2 "}))
    assert status_of(app, "P-001") == "waiting"
    for typed, message in [("", "Isi nomor antrean"), ("P-999", "tidak ada di antrean hari ini"),
                           ("<script>", "tidak ada di antrean hari ini"), ("9" * 40, "Nomor antrean tidak valid"),
                           ("P-99999999999999999999", "Nomor antrean tidak valid")]:
        text = flash_text(staff, desk("/majenekab/staf/antrian/panggil-nomor", {"code": typed}))
        assert message in text, typed
        assert "<script>" not in staff.get("/majenekab/staf/antrian").get_data(as_text=True)


def test_moves_that_do_not_fit_the_ticket_are_refused_with_a_reason(app, visit, desk, staff_of, ticket_id):
    visit()
    staff = staff_of()
    p1 = ticket_id("P-001")
    assert "tidak dapat diselesaikan: statusnya sekarang “menunggu”" in flash_text(
        staff, desk(f"/majenekab/staf/antrian/{p1}/selesai"))
    assert "tidak dapat ditandai tidak hadir" in flash_text(staff, desk(f"/majenekab/staf/antrian/{p1}/tidak-hadir"))
    desk(f"/majenekab/staf/antrian/{p1}/mulai")
    desk(f"/majenekab/staf/antrian/{p1}/selesai")
    assert "tidak dapat dipanggil: statusnya sekarang “selesai”" in flash_text(
        staff, desk(f"/majenekab/staf/antrian/{p1}/panggil"))
    for bad in ("999999", "2147483647"):
        assert "tidak ditemukan" in flash_text(staff, desk(f"/majenekab/staf/antrian/{bad}/panggil"))
    # Larger than any id, or not a number: not found, never a server error.
    for bad in ("99999999999999999999", "-1", "abc", "1e3"):
        assert desk(f"/majenekab/staf/antrian/{bad}/panggil").status_code == 404


def test_a_no_show_can_be_called_again_when_they_turn_up(app, visit, desk, staff_of, ticket_id):
    visit()
    staff = staff_of()
    p1 = ticket_id("P-001")
    desk(f"/majenekab/staf/antrian/{p1}/panggil")
    desk(f"/majenekab/staf/antrian/{p1}/tidak-hadir")
    assert "Nomor P-001 dipanggil." in flash_text(staff, desk(f"/majenekab/staf/antrian/{p1}/panggil"))
    assert status_of(app, "P-001") == "called"


def test_two_desks_calling_next_at_once_never_call_the_same_visitor(app):
    office = app.extensions["offices"]["majenekab"]
    with app.app_context():
        for n in range(12):
            operations.register_visit(office, {**{k: v for k, v in VISITOR.items() if k != "consent"},
                                               "email": f"v{n}@contoh.id", "form_token": None})
    start = threading.Barrier(6)

    def desk_calls(_):
        called = []
        with app.app_context():
            start.wait()
            for _ in range(2):
                ticket = operations.call_next(office)
                called.append(ticket.code)
        return called

    with ThreadPoolExecutor(6) as pool:
        calls = [code for codes in pool.map(desk_calls, range(6)) for code in codes]
    assert sorted(calls) == [f"P-{n:03d}" for n in range(1, 13)]


def test_the_display_shows_numbers_called_and_next_and_no_personal_data(app, visit, desk, ticket_id):
    for n in range(4):
        visit(name=f"Rahasia Nama{n}", email=f"rahasia{n}@contoh.id")
    anonymous = app.test_client()
    desk("/majenekab/staf/antrian/panggil-berikutnya")
    page = anonymous.get("/majenekab/antrian/layar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = visible_text(html)
    assert "Nomor dipanggil P-001 Perpustakaan" in text
    assert "Berikutnya P-002 P-003 P-004" in text
    assert "3 menunggu" in text
    assert "Rahasia" not in html and "@contoh.id" not in html
    # Without JavaScript the page refreshes itself; with it, a small script polls.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert re.search(r'src="/static/js/visits-display[.\w]*\.js"', html)
    assert 'data-state-url="/majenekab/antrian/layar.json"' in html

    state = anonymous.get("/majenekab/antrian/layar.json")
    assert state.status_code == 200 and state.headers["Cache-Control"] == "no-cache"
    data = state.get_json()
    assert data["called"] == [{"code": "P-001", "service": "Perpustakaan"}]
    assert data["next"] == ["P-002", "P-003", "P-004"] and data["waiting"] == 3
    assert "Rahasia" not in state.get_data(as_text=True)
    # Asked again with its ETag, an unchanged queue costs a bodiless 304 ...
    etag = state.headers["ETag"]
    unchanged = anonymous.get("/majenekab/antrian/layar.json", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    # ... and a call changes it, with a new announcement for the chime.
    desk(f"/majenekab/staf/antrian/{ticket_id('P-001')}/panggil")
    changed = anonymous.get("/majenekab/antrian/layar.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["announce"] != data["announce"]


def test_the_console_version_changes_when_the_queue_does(app, visit, staff_of):
    staff = staff_of()
    first = staff.get("/majenekab/staf/antrian/versi.json")
    assert first.status_code == 204
    etag = first.headers["ETag"]
    assert staff.get("/majenekab/staf/antrian/versi.json", headers={"If-None-Match": etag}).status_code == 304
    visit()
    assert staff.get("/majenekab/staf/antrian/versi.json", headers={"If-None-Match": etag}).status_code == 204


def test_the_staff_home_lists_the_desk_pages_with_badges(app, visit, staff_of):
    visit(), visit()
    staff = staff_of()
    home = staff.get("/majenekab/staf/")
    links = read_page(home.data).links
    for label, href in [("Antrean", "/majenekab/staf/antrian"), ("Loker", "/majenekab/staf/loker"),
                        ("Laporan kunjungan", "/majenekab/staf/kunjungan"),
                        ("Buku tamu elektronik (kios)", "/majenekab/bukutamu"),
                        ("Layar antrean", "/majenekab/antrian/layar")]:
        assert (label, href) in links, label
    assert "Antrean 2 terbuka" in visible_text(home.data)


@pytest.fixture
def routes(app, visit, desk, staff_of, ticket_id):
    """Every staff route, with a real ticket and locker assignment of Majene in it."""
    visit()
    p1 = ticket_id("P-001")
    desk("/majenekab/staf/loker/pinjamkan", {"ticket": p1, "locker": "01", "id_card_held": "y"})
    from app.visits.models import LockerAssignment

    with app.app_context():
        assignment = db.session.scalar(select(LockerAssignment.id))
    return [(method, path.format(slug="majenekab", ticket=p1, assignment=assignment)) for method, path in STAFF_ROUTES]


def test_staff_of_another_office_cannot_see_call_or_change_this_queue(app, routes, staff_of, tickets):
    other = staff_of("bengkulu")
    token = csrf_from(other.get("/bengkulu/staf/antrian").data)
    for method, path in routes:
        response = other.get(path) if method == "GET" else other.post(path, data={"csrf_token": token, "code": "P-001",
                                                                                   "ticket": "1", "locker": "02"})
        assert response.status_code == 403, (method, path)
    assert tickets() == [("P-001", "waiting")]


def test_a_ticket_of_another_office_is_not_found_from_ones_own_console(app, routes, visit, staff_of, desk, ticket_id):
    visit(slug="bengkulu")
    theirs = ticket_id("P-001", slug="bengkulu")
    other = staff_of("bengkulu")
    for action in ("panggil", "mulai", "tidak-hadir", "selesai"):
        response = desk(f"/bengkulu/staf/antrian/{ticket_id('P-001')}/{action}", slug="bengkulu")
        assert "tidak ditemukan di antrean kantor ini" in flash_text(other, response)
    response = desk("/bengkulu/staf/loker/pinjamkan", {"ticket": ticket_id("P-001"), "locker": "02"}, slug="bengkulu")
    assert "Pilih nomor antrean yang masih dilayani atau menunggu." in flash_text(other, response)
    from app.visits.models import LockerAssignment

    with app.app_context():
        assignment = db.session.scalar(select(LockerAssignment.id))
    response = desk(f"/bengkulu/staf/loker/{assignment}/lepas", slug="bengkulu")
    assert "sudah dilepas atau tidak ditemukan" in flash_text(other, response)
    assert status_of(app, "P-001") == "waiting" and status_of(app, "P-001", "bengkulu") == "waiting"
    assert theirs != ticket_id("P-001")


def test_visitors_and_users_cannot_open_staff_pages(app, routes, make_user):
    anonymous = app.test_client()
    make_user()
    user = app.test_client()
    login(user, "pengguna@contoh.id")
    for method, path in routes:
        if method == "GET":
            assert anonymous.get(path).status_code == 302, path  # to the login page
            assert user.get(path).status_code == 403, path


def test_administrators_see_every_office_desk(app, make_user, visit):
    visit(slug="bengkulu")
    make_user(email="admin@bps.go.id", role="admin")
    admin = app.test_client()
    login(admin, "admin@bps.go.id")
    assert "P-001" in visible_text(admin.get("/bengkulu/staf/antrian").data)
