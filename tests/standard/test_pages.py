"""The public pages: directory, each office's service standard, 404, SITE_OFFICE."""

from __future__ import annotations

import re

import pytest

from app.offices import load_offices
from tests.helpers import OFFICES_DIR
from tests.helpers import all_steps, read_page, visible_text

OFFICES = load_offices(OFFICES_DIR)


@pytest.mark.parametrize("slug", sorted(OFFICES))
def test_office_page_shows_the_whole_standard(client, slug):
    office = OFFICES[slug]
    std = office.standard
    response = client.get(f"/{slug}/")
    assert response.status_code == 200
    text = visible_text(response.data)
    page = read_page(response.data)
    hrefs = {href for _, href in page.links}

    assert office.unit_name in text
    assert " / ".join(office.hierarchy) in text
    assert office.address in text
    if office.postcode:
        assert office.postcode in text
    if std.sk_number:
        assert f"No. SK: {std.sk_number}" in text
    for step in all_steps(std.requirements + std.procedure):
        assert step in text, step
    for group in std.requirements + std.procedure:
        assert group.label in text
    if std.completion_headline:
        assert std.completion_headline in text
    for promise in std.completion:
        assert promise.text in text
    for fee in std.fees:
        assert fee in text
    for product in std.products:
        assert product in text
    for channel in std.complaints:
        assert channel.label in text
        if channel.value:
            assert channel.value in text
        for link in channel.links:
            assert link.href in hrefs
    # Components in the order of PermenPANRB 15/2014, each reachable from the contents.
    order = ["Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Jangka Waktu Penyelesaian",
             "Biaya/Tarif", "Produk Pelayanan", "Penanganan Pengaduan, Saran, dan Masukan"]
    positions = [text.index(f"{i}. {title}") for i, title in enumerate(order, 1)]
    assert positions == sorted(positions)
    for anchor in ("#persyaratan", "#prosedur", "#waktu", "#biaya", "#produk", "#pengaduan", "#jam-layanan"):
        assert anchor in hrefs
        assert f'id="{anchor[1:]}"' in response.text


@pytest.mark.parametrize("slug", ["majenekab", "sawahluntokota"])
def test_no_zero_minute_headline(client, slug):
    """The seeds' stray "0" is not shown as a completion time above the real promise."""
    text = visible_text(client.get(f"/{slug}/").data)
    assert "0 menit" not in text.lower() and "maks. 5 menit" in text


def test_complaint_channels_are_working_links(client):
    page = read_page(client.get("/majenekab/").data)
    links = dict(page.links)
    assert links["bps7601@bps.go.id"] == "mailto:bps7601@bps.go.id"
    assert links["Chat WhatsApp"] == "https://wa.me/6282210007601"
    assert links["Kirim SMS"] == "sms:+6282210007601"
    assert links["http://s.bps.go.id/pengaduan-7601"] == "http://s.bps.go.id/pengaduan-7601"
    assert links["Instagram @lapor1708"] == "https://www.instagram.com/lapor1708"
    links = dict(read_page(client.get("/sawahluntokota/").data).links)
    assert links["0754-61049"] == "tel:+6275461049"
    assert links["s.bps.go.id/pengaduan-1373"] == "https://s.bps.go.id/pengaduan-1373"


def test_weekly_hours_table(client):
    text = visible_text(client.get("/musibanyuasinkab/").data)
    assert "Senin 08.00–15.30 WIB 12.30–14.00 WIB" in text
    assert "Jumat 08.00–16.00 WIB 12.30–14.00 WIB" in text
    assert "Sabtu Tutup" in text and "Minggu Tutup" in text


def test_office_without_published_hours_says_so(client):
    text = visible_text(client.get("/bengkulu/").data)
    assert "tidak mencantumkan jam layanan" in text
    assert "Buka sekarang" not in text and "Tutup, buka" not in text


@pytest.mark.parametrize("when, zone, expected", [
    ((2026, 11, 23, 7, 0), "Asia/Makassar", "Tutup, buka hari ini pukul 08.00 WITA"),
    ((2026, 11, 23, 9, 0), "Asia/Makassar", "Buka sekarang, tutup pukul 15.30 WITA"),
    ((2026, 11, 23, 13, 0), "Asia/Makassar", "Istirahat, buka lagi pukul 14.00 WITA"),
    # 15:00 WIB is 16:00 WITA: already closed in Majene; next opening is Friday.
    ((2026, 11, 23, 15, 0), "Asia/Jakarta", "Tutup, buka Jumat pukul 08.00 WITA"),
    ((2026, 11, 27, 15, 45), "Asia/Makassar", "Buka sekarang, tutup pukul 16.00 WITA"),
    ((2026, 11, 29, 10, 0), "Asia/Makassar", "Tutup, buka besok pukul 08.00 WITA"),
])
def test_status_line_on_the_page_uses_office_time(make_app, clock, wita_office_dir, when, zone, expected):
    clock.set(*when, zone=zone)
    app = make_app(OFFICES_DIR=str(wita_office_dir))
    client = app.test_client()
    assert expected in visible_text(client.get("/majenekab/").data)
    assert expected in visible_text(client.get("/").data)


def test_directory_groups_offices_by_province(client):
    response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response.data)
    for office in OFFICES.values():
        assert office.name in text
    assert text.index("Provinsi Bengkulu") < text.index("Provinsi Sulawesi Barat") < text.index(
        "Provinsi Sumatera Barat") < text.index("Provinsi Sumatera Selatan")
    sumbar = text[text.index("Provinsi Sumatera Barat"):text.index("Provinsi Sumatera Selatan")]
    assert "BPS Kabupaten Pasaman" in sumbar and "BPS Kota Sawahlunto" in sumbar
    hrefs = {href for _, href in read_page(response.data).links}
    assert {f"/{slug}/" for slug in OFFICES} <= hrefs


@pytest.mark.parametrize("query, present, absent", [
    ("majene", ["BPS Kabupaten Majene"], ["BPS Kota Sawahlunto"]),
    ("  SUMATERA   barat ", ["BPS Kabupaten Pasaman", "BPS Kota Sawahlunto"], ["BPS Kabupaten Majene"]),
    ("1606", ["BPS Kabupaten Musi Banyuasin"], ["BPS Provinsi Bengkulu"]),
])
def test_directory_filter(client, query, present, absent):
    text = visible_text(client.get("/", query_string={"q": query}).data)
    for name in present:
        assert name in text
    for name in absent:
        assert name not in text


def test_directory_filter_without_match_and_hostile_input(client):
    response = client.get("/", query_string={"q": "<script>alert(1)</script>" + "x" * 3000})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "Tidak ada kantor yang cocok" in visible_text(response.data)


def test_unknown_office_is_a_404_in_site_style(client):
    response = client.get("/atlantis/")
    assert response.status_code == 404
    text = visible_text(response.data)
    assert "Halaman tidak ditemukan" in text and "Lihat daftar kantor" in text
    assert 'lang="id"' in response.text
    assert client.get("/majenekab/tidak-ada").status_code == 404


def test_office_url_without_slash_redirects(client):
    response = client.get("/majenekab")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/majenekab/")


def test_wrong_method_gets_a_friendly_405(client):
    response = client.post("/majenekab/")
    assert response.status_code in (400, 405)  # CSRF may answer first; both are friendly pages
    assert "PST Perpustakaan" in response.text


def test_site_office_serves_one_office_at_root(make_app):
    client = make_app(SITE_OFFICE="sawahluntokota").test_client()
    response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response.data)
    assert "BPS Kota Sawahlunto" in text and "No. SK: 025A" in text
    assert "Daftar kantor" not in text
    hrefs = [href for _, href in read_page(response.data).links if href.startswith("/")]
    assert hrefs and not any(h.startswith("/sawahluntokota") for h in hrefs)
    assert client.get("/sawahluntokota/").status_code == 404
    missing = client.get("/tidak-ada")
    assert missing.status_code == 404
    assert "Kembali ke halaman BPS Kota Sawahlunto" in visible_text(missing.data)


def test_site_office_must_name_a_known_office(make_app):
    from app import ConfigurationError

    with pytest.raises(ConfigurationError, match="SITE_OFFICE='atlantis' is not an office profile"):
        make_app(SITE_OFFICE="atlantis")


@pytest.mark.parametrize("url", ["/", "/majenekab/", "/tidak-ada/"])
def test_pages_are_accessible_by_construction(client, url):
    response = client.get(url)
    html = response.text
    assert '<html lang="id">' in html
    assert '<a class="skip-link" href="#konten">' in html and 'id="konten"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    levels = read_page(html).headings
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    # Strict CSP: no inline scripts (a JSON-LD data block is never run), styles or event handlers.
    assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))', html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_print_stylesheet_is_linked_and_hides_navigation(client):
    html = client.get("/majenekab/").text
    href = re.search(r'href="(/static/css/print\.[0-9a-f]{12}\.css)" media="print"', html).group(1)
    with client.get(href) as response:
        css = response.text
    assert "size: A4" in css
    assert ".site-nav" in css and "display: none" in css


def test_print_view_has_a_qr_code_to_the_online_page(make_app):
    app = make_app(PUBLIC_URL="https://pst.example.go.id")
    html = app.test_client().get("/majenekab/", base_url="https://pst.example.go.id").get_data(as_text=True)
    assert '<svg role="img" viewBox=' in html and "<title>Kode QR ke standar pelayanan daring</title>" in html
    text = visible_text(html)
    assert "versi daring standar pelayanan ini: https://pst.example.go.id/majenekab/" in text
    assert re.search(r"Dicetak \d\d-\d\d-\d{4} \d\d:\d\d WITA", text)
