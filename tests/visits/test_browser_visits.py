"""In Chromium: a walk-in visit from the kiosk to the report, the display updating by itself,
the kiosk clearing itself, and the ticket printed on an 80 mm receipt."""

from __future__ import annotations

import io
import re
import threading

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from werkzeug.serving import make_server

from app.extensions import db
from tests.helpers import squash

pytestmark = pytest.mark.browser


def fill_guest_book(page, name="Rina Oktaviani", email="rina@contoh.id"):
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Alamat email", exact=True).fill(email)
    page.get_by_label("Perempuan").check()
    page.get_by_label("26–35 tahun").check()
    page.get_by_label("D4/S1").check()
    page.get_by_label("Peneliti/Dosen").check()
    page.get_by_label("Instansi/lembaga").fill("Universitas Sulawesi Barat")
    page.get_by_label("Perpustakaan", exact=True).check()
    page.get_by_label("KTP", exact=True).check()


def test_a_walk_in_visit_from_the_kiosk_to_the_report(live_server, browser, make_user):
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    kiosk = browser.new_context(locale="id-ID", viewport={"width": 1024, "height": 768}).new_page()
    kiosk.goto(f"{live_server}/majenekab/bukutamu")
    fill_guest_book(kiosk)
    kiosk.get_by_role("button", name="Kirim dan ambil nomor antrean").click()
    # Without consent the form comes back saying why, with what was typed kept.
    expect(kiosk.get_by_role("heading", name="Periksa kembali isian berikut")).to_be_visible()
    assert kiosk.get_by_label("Nama lengkap").input_value() == "Rina Oktaviani"
    kiosk.get_by_label(re.compile("^Saya telah membaca pemberitahuan")).check()
    kiosk.get_by_role("button", name="Kirim dan ambil nomor antrean").click()
    expect(kiosk.locator("#ticket-number")).to_have_text("P-001")
    expect(kiosk.get_by_role("button", name="Cetak tiket")).to_be_visible()

    # The waiting-room screen, opened before the call; nobody logged in.
    screen = browser.new_context(locale="id-ID", viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server}/majenekab/antrian/layar")
    expect(screen.locator(".next")).to_contain_text("P-001")
    screen.evaluate("window.notReloaded = true")

    staff = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(f"{live_server}/akun/masuk")
    staff.get_by_label("Alamat email").fill("staf@bps.go.id")
    staff.get_by_label("Kata sandi").fill("rahasia-123")
    staff.get_by_role("button", name="Masuk").click()
    staff.goto(f"{live_server}/majenekab/staf/")
    staff.get_by_role("link", name="Antrean", exact=True).click()
    row = staff.get_by_role("row", name=re.compile("P-001"))
    expect(row).to_contain_text("Rina Oktaviani")
    expect(row).to_contain_text("Perpustakaan")
    staff.get_by_role("button", name="Panggil berikutnya").click()
    expect(staff.get_by_text("Nomor P-001 dipanggil.")).to_be_visible()

    # The display shows the call within two seconds, without reloading.
    expect(screen.locator(".called--latest .called__code")).to_have_text("P-001", timeout=2000)
    assert screen.evaluate("window.notReloaded") is True
    expect(screen.locator(".next")).to_contain_text("Tidak ada antrean")
    assert "Rina" not in screen.content()

    staff.get_by_role("row", name=re.compile("P-001")).get_by_role("button", name="Mulai layani").click()
    expect(staff.get_by_text("Nomor P-001 sedang dilayani.")).to_be_visible()
    staff.get_by_role("row", name=re.compile("P-001")).get_by_role("button", name="Selesai").click()
    expect(staff.get_by_text("Layanan nomor P-001 selesai.")).to_be_visible()
    # Once served, the number leaves the display.
    expect(screen.locator(".called")).to_have_text("–", timeout=2000)

    staff.get_by_role("link", name="Laporan hari ini").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Laporan kunjungan")
    main = staff.get_by_role("main")
    expect(main).to_contain_text(re.compile(r"Nomor antrean diambil\s*1\b"))
    expect(main).to_contain_text(re.compile(r"Selesai dilayani\s*1\b"))
    expect(main).to_contain_text(re.compile(r"Dipanggil sesuai janji \(≤ 5 menit\)\s*100%\s*1 dari 1 nomor"))
    for context in (kiosk.context, screen.context, staff.context):
        context.close()


def test_the_kiosk_clears_itself_for_the_next_visitor(make_app, browser, clock):
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    app = make_app(VISITS_KIOSK_IDLE_SECONDS=2, VISITS_KIOSK_WARN_SECONDS=2)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    context = browser.new_context(locale="id-ID", viewport={"width": 800, "height": 1280})
    page = context.new_page()
    try:
        page.goto(f"{base}/majenekab/bukutamu")
        page.get_by_label("Nama lengkap").fill("Pengunjung Sebelumnya")
        page.get_by_label("Alamat email", exact=True).fill("sebelumnya@contoh.id")
        warning = page.get_by_role("alertdialog")
        expect(warning).to_be_visible(timeout=5000)
        expect(warning).to_contain_text("Masih di sini?")
        # A touch keeps what was typed ...
        page.get_by_role("button", name="Saya masih mengisi").click()
        expect(warning).to_be_hidden()
        assert page.get_by_label("Nama lengkap").input_value() == "Pengunjung Sebelumnya"
        # ... and walking away clears it.
        expect(warning).to_be_visible(timeout=5000)
        expect(page.get_by_label("Nama lengkap")).to_have_value("", timeout=6000)
        assert "Pengunjung Sebelumnya" not in page.content()

        # A visitor sends the form with a mistake and walks away from the page that shows it.
        page.get_by_label("Nama lengkap").fill("Pengunjung Kedua")
        page.get_by_label("Alamat email", exact=True).fill("kedua@contoh.id")
        page.get_by_role("button", name="Kirim dan ambil nomor antrean").click()
        expect(page.get_by_role("heading", name="Periksa kembali isian berikut")).to_be_visible()
        expect(page.get_by_label("Nama lengkap")).to_have_value("", timeout=8000)
        # Back leads to the form they typed into first: it comes back empty.
        page.go_back()
        page.wait_for_load_state()
        expect(page.get_by_label("Nama lengkap")).to_have_value("", timeout=3000)
        assert page.get_by_label("Alamat email", exact=True).input_value() == ""
        assert "kedua@contoh.id" not in page.content()
    finally:
        context.close()
        server.shutdown()
        thread.join(timeout=5)


def test_the_display_follows_the_queue_with_javascript_off(app, live_server, browser, visit):
    visit()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{live_server}/majenekab/antrian/layar")
    expect(page.locator(".next")).to_contain_text("P-001")
    from app.visits import operations

    with app.app_context():
        operations.call_next(app.extensions["offices"]["majenekab"])
        db.session.remove()
    # The page reloads itself every 5 seconds.
    expect(page.locator(".called__code").first).to_have_text("P-001", timeout=8000)
    context.close()


def test_the_ticket_prints_on_an_80_mm_receipt(live_server, page, visit):
    location = visit().headers["Location"]
    page.goto(f"{live_server}{location}")
    expect(page.locator("#ticket-number")).to_have_text("P-001")
    printed = page.pdf(prefer_css_page_size=True, print_background=False)
    pdf = PdfReader(io.BytesIO(printed))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert abs(float(box.width) - 226.8) < 2  # 80 mm in points
    text = squash(pdf.pages[0].extract_text())
    assert "P-001" in text and "NOMOR ANTREAN" in text.upper() and "Perpustakaan" in text
    assert "Diambil" in text and "Perkiraan tunggu" in text
    assert "/majenekab/antrian/tiket/" in text  # where to follow the ticket from a phone
    assert "Cetak tiket" not in text and "Selesai" not in text
    assert "Siti" not in text and "@contoh.id" not in text
