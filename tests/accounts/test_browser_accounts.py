"""In Chromium: a new user registers, verifies from the email, logs in and downloads a PDF."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from tests.helpers import squash

pytestmark = pytest.mark.browser


def test_register_verify_log_in_and_download(live_server, page, smtp_server, publication):
    page.goto(f"{live_server}/majenekab/")
    page.get_by_role("link", name="Daftar", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Daftar akun"

    page.get_by_label("Nama lengkap").fill("Rina Oktaviani")
    page.get_by_label("Alamat email").fill("Rina.Oktaviani@Contoh.id")
    page.get_by_label("Kata sandi", exact=True).fill("majene-membaca-2026")
    page.get_by_label("Ulangi kata sandi").fill("majene-membaca-2026")
    page.get_by_label("Instansi/lembaga").fill("Universitas Sulawesi Barat")
    page.get_by_label("Pekerjaan").select_option("Peneliti/Dosen")
    page.get_by_role("button", name="Daftar").click()
    # Without consent the form comes back, saying why, with what was typed kept.
    assert page.get_by_text("Persetujuan diperlukan untuk membuat akun.").is_visible()
    assert page.get_by_label("Nama lengkap").input_value() == "Rina Oktaviani"
    page.get_by_label("Kata sandi", exact=True).fill("majene-membaca-2026")
    page.get_by_label("Ulangi kata sandi").fill("majene-membaca-2026")
    page.get_by_label(re.compile("^Saya telah membaca pemberitahuan")).check()
    page.get_by_role("button", name="Daftar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Periksa email Anda"

    message = smtp_server.last_to("rina.oktaviani@contoh.id")
    link = smtp_server.link(message, "/akun/verifikasi/")
    assert link.startswith(live_server)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Email terverifikasi"

    page.get_by_role("main").get_by_role("link", name="Masuk").click()
    page.get_by_label("Alamat email").fill("rina.oktaviani@contoh.id")
    page.get_by_label("Kata sandi").fill("majene-membaca-2026")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_text("Selamat datang, Rina Oktaviani.").is_visible()

    page.goto(f"{live_server}/majenekab/katalog")
    page.get_by_label("Kata kunci").fill("majene dalam angka")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=publication).click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Unduh PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    assert len(reader.pages) == 3
    for pdf_page in reader.pages:
        assert "Rina Oktaviani <rina.oktaviani@contoh.id>" in squash(pdf_page.extract_text())

    # The download is listed on the account page, and the user can take all their data.
    page.get_by_role("link", name="Akun saya").click()
    row = page.get_by_role("row", name=re.compile(publication))
    assert row.get_by_role("cell", name="Unduh", exact=True).is_visible()
    with page.expect_download() as export_info:
        page.get_by_role("link", name="Unduh data saya (JSON)").first.click()
    assert export_info.value.suggested_filename.startswith("data-pribadi-pst-")
