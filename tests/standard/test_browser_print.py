"""In a real browser: an office page as a person sees it, and printed to PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.offices import load_offices
from tests.helpers import OFFICES_DIR
from tests.helpers import all_steps, squash

pytestmark = pytest.mark.browser


def test_office_page_in_chromium_and_printed_to_pdf(live_server, page):
    office = load_offices(OFFICES_DIR)["majenekab"]
    page.goto(f"{live_server}/")
    page.get_by_label("Cari kantor").fill("majene")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="BPS Kabupaten Majene").click()
    page.wait_for_url(f"{live_server}/majenekab/")

    heading = page.get_by_role("heading", level=1)
    assert "STANDAR PELAYANAN\nPerpustakaan" in heading.inner_text()  # kicker is upper-cased by CSS
    assert page.get_by_text("No. SK: 014a/KGP TAHUN 2023").is_visible()
    assert page.get_by_role("link", name="bps7601@bps.go.id").get_attribute("href") == "mailto:bps7601@bps.go.id"
    # The print button is an enhancement: shown once the external script runs.
    assert page.get_by_role("button", name="Cetak standar pelayanan").is_visible()

    # Keyboard: the first Tab lands on the visible skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke konten utama")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#konten"

    # The table of contents jumps to a component.
    page.get_by_role("link", name="Biaya/Tarif").click()
    assert page.evaluate("location.hash") == "#biaya"

    printed = page.pdf(format="A4", print_background=False)
    pdf = PdfReader(io.BytesIO(printed))
    text = squash(" ".join(p.extract_text() for p in pdf.pages))
    box = pdf.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 in points
    assert "014a/KGP TAHUN 2023" in text
    for step in all_steps(office.standard.requirements + office.standard.procedure):
        assert squash(step) in text, step
    assert "Tidak dipungut biaya" in text
    assert "bps7601@bps.go.id" in text
    assert "Daftar isi" not in text and "Daftar kantor" not in text  # no navigation on paper
    assert "Langsung ke konten utama" not in text
    # Letterhead, source with a QR code, print date and page numbers; two A4 pages.
    assert "Badan Pusat Statistik · BPS Kabupaten Majene · Jend. Ahmad Yani" in text.split("Standar Pelayanan")[0]
    assert f"Pindai kode ini untuk membuka versi daring standar pelayanan ini: {live_server}/majenekab/" in text
    assert "Dicetak " in text and " WITA." in text
    assert len(pdf.pages) == 2
    assert "Halaman 1 dari 2" in pdf.pages[0].extract_text() and "Halaman 2 dari 2" in pdf.pages[1].extract_text()

    # Chromium (Skia) is one more PDF producer the watermark must handle.
    from app.pdf import watermark

    stamped = io.BytesIO()
    watermark(printed, stamped, ["Diunduh oleh Uji Coba <uji@contoh.id> · ID CHROMIUM01"])
    stamped_pdf = PdfReader(io.BytesIO(stamped.getvalue()))
    assert len(stamped_pdf.pages) == len(pdf.pages)
    for stamped_page in stamped_pdf.pages:
        assert "uji@contoh.id" in stamped_page.extract_text() and "014a/KGP" in squash(text)


@pytest.mark.parametrize("slug", ["musibanyuasinkab", "sawahluntokota", "bengkulu", "pasamankab"])
def test_every_standard_prints_on_two_pages(live_server, page, slug):
    page.goto(f"{live_server}/{slug}/")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 2
    assert "Halaman 2 dari 2" in pdf.pages[1].extract_text()


def test_page_fits_a_phone_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/musibanyuasinkab/")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        assert page.get_by_role("table").is_visible()
    finally:
        context.close()


def test_search_open_log_in_and_read_the_pdf(live_server, page, make_user, publication):
    """Search from an office page, open a result, log in, read the stamped PDF."""
    make_user(email="rina@contoh.id", name="Rina Oktaviani")

    page.goto(f"{live_server}/majenekab/")
    page.get_by_role("link", name="Katalog", exact=True).click()
    page.get_by_label("Kata kunci").fill("kependudukan majene")
    page.get_by_role("button", name="Cari").click()
    assert page.get_by_text("1 publikasi untuk").is_visible()
    page.get_by_role("link", name="Kabupaten Majene Dalam Angka 2024").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kabupaten Majene Dalam Angka 2024"

    page.get_by_role("link", name="Masuk", exact=True).last.click()
    page.get_by_label("Alamat email").fill("rina@contoh.id")
    page.get_by_label("Kata sandi").fill("rahasia-123")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_text("Selamat datang, Rina Oktaviani.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Kabupaten Majene Dalam Angka 2024"

    with page.expect_response(lambda r: "/berkas/" in r.url) as served:
        page.get_by_role("button", name="Baca online").click()
    response = served.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    # Chromium hands an inline PDF to its viewer, which keeps the bytes to itself; fetch
    # the same URL again with the page's own cookies to read what it showed.
    assert "/berkas/" in page.url
    again = page.request.get(page.url)
    assert again.ok and again.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(again.body()))
    assert len(reader.pages) == 3
    for pdf_page in reader.pages:
        assert "Rina Oktaviani <rina@contoh.id>" in squash(pdf_page.extract_text())
