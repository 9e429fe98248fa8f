"""The visits report: waits against the promise, no-shows, purposes, hours and profiles."""

from __future__ import annotations

import csv
import io

import pytest

from app.visits.reports import parse_period, percentile
from tests.helpers import read_page, visible_text


@pytest.fixture
def majene_day(app, visit, desk, staff_of, ticket_id, clock):
    """A Monday at Majene (promise: called within 5 minutes), driven through kiosk and desk.

    P-001 waits 2 min, served 30 min; P-002 (a pupil) waits 4, served 60; K-001 waits 6 and
    does not come; P-003 waits 10, served 10; P-004 is still waiting at the end.
    """
    def at(hour, minute):
        clock.set(2026, 3, 2, hour, minute, zone="Asia/Makassar")

    def press(code, action):
        desk(f"/majenekab/staf/antrian/{ticket_id(code)}/{action}")

    staff_of()
    at(8, 0), visit(name="Satu", email="satu@contoh.id")
    at(8, 2), press("P-001", "panggil")
    at(8, 3), press("P-001", "mulai")
    at(8, 10), visit(name="Dua", email="dua@contoh.id", gender="L", age_group="17-25", education="sma",
                     occupation="Pelajar/Mahasiswa", institution="SMA Negeri 1 Majene")
    at(8, 14), press("P-002", "panggil")
    at(8, 15), press("P-002", "mulai")
    at(8, 33), press("P-001", "selesai")
    at(9, 5), visit(name="Tiga", email="tiga@contoh.id", purpose="konsultasi")
    at(9, 11), press("K-001", "panggil")
    at(9, 15), press("P-002", "selesai")
    at(9, 20), press("K-001", "tidak-hadir")
    at(10, 0), visit(name="Empat", email="empat@contoh.id")
    at(10, 10), press("P-003", "panggil")
    at(10, 10), press("P-003", "mulai")
    at(10, 20), press("P-003", "selesai")
    at(11, 0), visit(name="Lima", email="lima@contoh.id")
    at(11, 30)
    return staff_of()


def test_the_day_report_is_true(majene_day):
    response = majene_day.get("/majenekab/staf/kunjungan?tanggal=2026-03-02")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    text = visible_text(response.data)
    assert "Laporan kunjungan BPS Kabupaten Majene · Senin, 2 Maret 2026" in text
    for figure in ("Nomor antrean diambil 5", "Selesai dilayani 3", "Tidak hadir 1", "Belum selesai 1",
                   "Median waktu tunggu 5,0 menit", "Persentil ke-90 waktu tunggu 8,8 menit",
                   # P-004 has waited 30 minutes uncalled: a promise already broken.
                   "Dipanggil sesuai janji (≤ 5 menit) 40% 2 dari 5 nomor, termasuk 1 yang tidak dipanggil tepat waktu",
                   "Median lama layanan 30,0 menit"):
        assert figure in text, figure
    assert "Layanan lebih dari" not in text  # Majene promises no maximum service time
    assert "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu" in text
    html = response.get_data(as_text=True)
    # Server-side SVG charts, described for screen readers.
    assert html.count("<svg") == 6
    assert "Perpustakaan: 4; Konsultasi statistik: 1; Penjualan produk statistik: 0" in text
    assert "08.00: 2; 09.00: 1; 10.00: 1; 11.00: 1" in text
    assert "Laki-laki: 1; Perempuan: 4" in text
    assert "Pelajar/Mahasiswa: 1" in text and "Peneliti/Dosen: 4" in text
    assert "17–25 tahun: 1" in text and "SMA/SMK/sederajat: 1" in text
    # The day's numbers with their times; no names in the report.
    assert "P-001 Perpustakaan Selesai 08.00 08.02 2 mnt 08.03 08.33" in text
    assert "K-001 Konsultasi statistik Tidak hadir 09.05 09.11 6 mnt lewat janji" in text
    assert "P-004 Perpustakaan Menunggu 11.00 – – lewat janji – – –" in text
    for name in ("Satu", "Dua", "Tiga", "Empat", "Lima", "@contoh.id"):
        assert name not in text
    links = dict((label, href) for label, href in read_page(response.data).links)
    assert links["Unduh CSV"] == "/majenekab/staf/kunjungan/laporan.csv?tanggal=2026-03-02"
    assert links["Versi cetak"] == "/majenekab/staf/kunjungan/cetak?tanggal=2026-03-02"


def test_the_csv_has_one_row_per_visit_and_no_personal_data(majene_day):
    response = majene_day.get("/majenekab/staf/kunjungan/laporan.csv?tanggal=2026-03-02")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=kunjungan-majenekab-2026-03-02.csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r["nomor"] for r in rows] == ["P-001", "P-002", "K-001", "P-003", "P-004"]
    first = rows[0]
    assert (first["diambil"], first["dipanggil"], first["tunggu_menit"], first["sesuai_janji"],
            first["lama_layanan_menit"], first["status"]) == ("08:00:00", "08:02:00", "2.0", "ya", "30.0", "Selesai")
    assert rows[2]["sesuai_janji"] == "tidak" and rows[2]["status"] == "Tidak hadir"
    assert rows[4]["tunggu_menit"] == "" and rows[4]["sesuai_janji"] == "tidak"
    assert rows[1]["pekerjaan"] == "Pelajar/Mahasiswa" and rows[1]["jenis_kelamin"] == "Laki-laki"
    for secret in ("Satu", "Dua", "@contoh.id", "SMA Negeri", "Universitas", "0812"):
        assert secret not in body


def test_the_print_view(majene_day):
    response = majene_day.get("/majenekab/staf/kunjungan/cetak?tanggal=2026-03-02")
    assert response.status_code == 200
    text = visible_text(response.data)
    assert "Laporan kunjungan langsung BPS Kabupaten Majene · Senin, 2 Maret 2026" in text
    assert "Pelayanan Statistik Terpadu BPS Kabupaten Majene" in text
    assert "dicetak 02-03-2026 11:30 WITA" in text
    assert "Dipanggil sesuai janji (≤ 5 menit) 40%" in text
    html = response.get_data(as_text=True)
    assert 'data-print hidden' in html and "period-nav" not in html


def test_the_month_report_adds_up_the_days(majene_day, visit, desk, ticket_id, clock, staff_of):
    clock.set(2026, 3, 3, 9, 0, zone="Asia/Makassar")
    staff = staff_of(again=True)
    visit()
    clock.advance(minutes=1)
    desk(f"/majenekab/staf/antrian/{ticket_id('P-001')}/panggil")
    text = visible_text(staff.get("/majenekab/staf/kunjungan?bulan=2026-03").data)
    assert "Laporan kunjungan BPS Kabupaten Majene · Maret 2026" in text
    assert "Nomor antrean diambil 6" in text
    assert "Dipanggil sesuai janji (≤ 5 menit) 50% 3 dari 6 nomor, termasuk 1 yang tidak dipanggil tepat waktu" in text
    assert "2 Maret 2026 5 3 1 5,0 menit 40% (2/5)" in text
    assert "3 Maret 2026 1 0 0 1,0 menit 100% (1/1)" in text
    assert "Daftar nomor antrean" not in text  # the month lists days, not numbers
    rows = list(csv.DictReader(io.StringIO(
        staff.get("/majenekab/staf/kunjungan/laporan.csv?bulan=2026-03").get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["tanggal"], r["nomor"]) for r in rows][-2:] == [("2026-03-02", "P-004"), ("2026-03-03", "P-001")]
    assert visible_text(staff.get("/majenekab/staf/kunjungan?bulan=2026-02").data).count("Nomor antrean diambil 0") == 1


def test_bengkulu_counts_visits_longer_than_its_two_hours(app, visit, desk, ticket_id, clock, staff_of):
    clock.set(2026, 3, 2, 8, 0, zone="Asia/Jakarta")
    staff = staff_of("bengkulu")
    visit("bengkulu"), visit("bengkulu")
    for code, minutes in (("P-001", 90), ("P-002", 130)):
        desk(f"/bengkulu/staf/antrian/{ticket_id(code, 'bengkulu')}/mulai", slug="bengkulu")
    clock.advance(minutes=90)
    desk(f"/bengkulu/staf/antrian/{ticket_id('P-001', 'bengkulu')}/selesai", slug="bengkulu")
    clock.advance(minutes=40)
    desk(f"/bengkulu/staf/antrian/{ticket_id('P-002', 'bengkulu')}/selesai", slug="bengkulu")
    text = visible_text(staff.get("/bengkulu/staf/kunjungan").data)
    assert "Dipanggil sesuai janji (≤ 10 menit) 100% 2 dari 2 nomor" in text
    assert "Layanan lebih dari 120 menit 1" in text
    assert "Median lama layanan 110,0 menit" in text


def test_a_visitor_not_yet_late_is_not_judged_and_one_left_waiting_at_closing_is(
        app, visit, desk, ticket_id, clock, staff_of):
    """Musi Banyuasin closes at 15.30: a number still uncalled then broke the promise."""
    clock.set(2026, 3, 2, 15, 20, zone="Asia/Jakarta")
    staff = staff_of("musibanyuasinkab")
    visit("musibanyuasinkab")
    clock.set(2026, 3, 2, 15, 23, zone="Asia/Jakarta")
    text = visible_text(staff.get("/musibanyuasinkab/staf/kunjungan").data)
    assert "Dipanggil sesuai janji (≤ 5 menit) – 0 dari 0 nomor" in text  # three minutes: not late yet
    clock.set(2026, 3, 3, 9, 0, zone="Asia/Jakarta")
    staff = staff_of("musibanyuasinkab", again=True)
    text = visible_text(staff.get("/musibanyuasinkab/staf/kunjungan?tanggal=2026-03-02").data)
    assert "0% 0 dari 1 nomor, termasuk 1 yang tidak dipanggil tepat waktu" in text


@pytest.mark.parametrize("query, message", [
    ("tanggal=2026-13-45", "Tanggal tidak valid"), ("tanggal=2026-02-30", "Tanggal tidak valid"),
    ("tanggal=" + "9" * 5000, "Tanggal tidak valid"), ("tanggal=<script>", "Tanggal tidak valid"),
    ("tanggal=1800-01-01", "Tanggal tidak valid"), ("bulan=2026-00", "Bulan tidak valid"),
    ("bulan=9999-12", "Bulan tidak valid"), ("bulan=%00", "Bulan tidak valid"), ("bulan=ĳĳĳ", "Bulan tidak valid"),
])
def test_a_bad_period_shows_today_with_a_message(staff_of, query, message):
    staff = staff_of()
    for path in ("/majenekab/staf/kunjungan", "/majenekab/staf/kunjungan/cetak",
                 "/majenekab/staf/kunjungan/laporan.csv"):
        response = staff.get(f"{path}?{query}")
        assert response.status_code == 200, path
    text = visible_text(staff.get(f"/majenekab/staf/kunjungan?{query}").data)
    assert message in text and "Senin, 2 Maret 2026" in text
    assert "<script>" not in staff.get(f"/majenekab/staf/kunjungan?{query}").get_data(as_text=True)


def test_percentiles_and_periods():
    assert percentile([], 90) is None
    assert percentile([7], 90) == 7
    assert percentile([2, 4, 6, 10], 50) == 5
    assert percentile([2, 4, 6, 10], 90) == pytest.approx(8.8)
    assert percentile(range(1, 101), 90) == pytest.approx(90.1)
    from datetime import date

    today = date(2026, 3, 2)
    assert parse_period("2024-02-29", None, today)[0].label == "Kamis, 29 Februari 2024"
    assert parse_period(None, "2026-02", today)[0].end == date(2026, 2, 28)
    assert parse_period(None, None, today) == (parse_period("2026-03-02", None, today)[0], None)
