"""In Chromium: a softcopy request answered by staff and downloaded stamped from the email's
link; a survey answered from the office page and counted on the IKM page and its A4 print."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests import pdf_samples
from tests.helpers import squash

pytestmark = pytest.mark.browser

TERNAK = "Statistik Peternakan Kabupaten Majene 2019"


def log_in(page, base: str, email: str, password: str = "rahasia-123") -> None:
    page.goto(f"{base}/akun/masuk")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text("Selamat datang").wait_for()


def test_softcopy_request_fulfilled_by_staff_and_downloaded_stamped(live_server, browser, page, people, catalogue,
                                                                    smtp_server, tmp_path):
    log_in(page, live_server, "pengguna@contoh.id")
    page.goto(f"{live_server}/majenekab/katalog/{catalogue[TERNAK]}")
    page.get_by_role("link", name="Minta softcopy ke petugas").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Minta softcopy")
    page.get_by_label("Tujuan penggunaan").fill("Bahan skripsi tentang populasi ternak di Majene.")
    page.get_by_role("button", name="Kirim permintaan").click()
    assert page.get_by_text("Permintaan softcopy Anda telah dikirim ke petugas BPS Kabupaten Majene.").is_visible()

    # Staff, in their own browser, find it in the inbox and upload the PDF.
    staff_context = browser.new_context(locale="id-ID")
    try:
        staff = staff_context.new_page()
        log_in(staff, live_server, "staf.majene@bps.go.id")
        staff.goto(f"{live_server}/majenekab/staf/")
        staff.get_by_role("link", name="Permintaan dan pengaduan").click()
        staff.get_by_role("link", name=TERNAK).click()
        assert staff.get_by_text("Bahan skripsi tentang populasi ternak di Majene.").is_visible()
        pdf = tmp_path / "ternak-2019.pdf"
        pdf.write_bytes(pdf_samples.report_pdf(pages=3))
        staff.get_by_label("Unggah softcopy (PDF)").set_input_files(str(pdf))
        staff.get_by_label("Pesan untuk pemohon (opsional)").fill("Hasil pindai dari arsip kami.")
        staff.get_by_role("button", name="Penuhi permintaan").click()
        assert staff.get_by_text("Permintaan dipenuhi.").is_visible()
    finally:
        staff_context.close()

    # The email from the SMTP server leads to the download; every page carries the user's email.
    message = smtp_server.last_to("pengguna@contoh.id")
    while message["Subject"] != "Softcopy yang Anda minta sudah tersedia":
        smtp_server.wait_for(len(smtp_server.messages) + 1)
        message = smtp_server.to("pengguna@contoh.id")[-1]
    assert "Hasil pindai dari arsip kami." in smtp_server.text(message)
    link = smtp_server.link(message, "/unduh")
    assert link.startswith(live_server)
    page.goto(link)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Unduh PDF").click()
    reader = PdfReader(download_info.value.path())
    assert len(reader.pages) == 3
    for pdf_page in reader.pages:
        assert "Siti Rahmawati <pengguna@contoh.id>" in squash(pdf_page.extract_text())


def test_survey_from_the_office_page_counts_on_the_ikm_page(live_server, page):
    page.goto(f"{live_server}/majenekab/")
    page.get_by_role("link", name="Isi survei kepuasan").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Survei Kepuasan Masyarakat")
    page.get_by_role("button", name="Kirim jawaban").click()  # nothing chosen: every question says so
    assert page.get_by_text("Periksa kembali jawaban Anda.").is_visible()
    for i, answer in enumerate(["Sangat sesuai", "Mudah", "Sangat cepat", "Gratis", "Sesuai", "Sangat kompeten",
                                "Sangat sopan dan ramah", "Dikelola dengan baik", "Baik"], start=1):
        page.locator(f"fieldset#q{i}").get_by_label(answer, exact=True).check()
    page.get_by_label("Jenis kelamin (opsional)").select_option("Perempuan")
    page.get_by_label("Pekerjaan (opsional)").select_option("Pelajar/Mahasiswa")
    page.get_by_label("Saran dan masukan (opsional)").fill("Tambah colokan listrik di ruang baca.")
    page.get_by_role("button", name="Kirim jawaban").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Terima kasih"

    page.get_by_role("link", name="Lihat hasil survei (IKM)").click()
    # Answers 4 3 4 4 3 4 4 4 3: 33 / 9 = 3.6667 → 91.67, A.
    assert page.get_by_text("Jumlah responden", exact=True).is_visible()
    facts = page.locator(".ikm-score").inner_text()
    assert "91,67" in facts and "1 orang" in facts and "Sangat Baik" in facts
    assert page.locator("svg.chart").count() == 10

    page.get_by_role("link", name="Versi cetak (A4)").click()
    printed = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    assert len(printed.pages) == 1
    text = squash(printed.pages[0].extract_text())
    assert "91,67" in text and "Perempuan" in text and "Pelayanan Statistik Terpadu BPS Kabupaten Majene" in text
    assert "Kirim jawaban" not in text and "Daftar kantor" not in text
