"""Catalogue: import, search pages, detail and citations, reading and download."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.catalogue.importing import COLUMNS
from app.catalogue.models import Publication, SoftcopyAccess
from app.extensions import db
from tests import factories
from tests.factories import ROWS, run_import, write_csv
from tests.helpers import csrf_from, login, read_page, visible_text


def count(app, model=Publication):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------ import


def test_import_creates_publications_with_stored_pdfs(app, catalogue):
    with app.app_context():
        pub = db.session.get(Publication, catalogue["Kabupaten Majene Dalam Angka 2024"])
        assert pub.subjects == ["Statistik Dasar", "Kependudukan"]
        assert pub.issn == "2087-4235" and str(pub.release_date) == "2024-02-28"
        assert pub.pdf_pages == 4 and len(pub.pdf_sha256) == 64 and pub.pdf_size > 1000
        stored = app.extensions["pdf_store"].path(pub.pdf_sha256)
        assert stored.name == f"{pub.pdf_sha256}.pdf" and "majene" not in str(stored)
        hardcopy = db.session.get(Publication, catalogue["Statistik Peternakan Kabupaten Majene 2019"])
        assert hardcopy.pdf_sha256 is None and hardcopy.shelf_location == "Rak C-07"
    assert count(app) == 4


def test_reimport_updates_instead_of_duplicating(app, catalogue, tmp_path, pdf_dir):
    rows = [dict(r) for r in ROWS]
    rows[0]["abstract"] = "Abstrak yang diperbarui."
    rows[2]["shelf_location"] = "Rak D-01"  # no publication number: keyed by title + year
    result = run_import(app, write_csv(tmp_path / "ulang.csv", rows), pdf_dir)
    assert result.exit_code == 0, result.output
    assert "0 created, 2 updated, 2 unchanged" in result.output
    assert count(app) == 4
    with app.app_context():
        assert db.session.get(Publication, catalogue["Kabupaten Majene Dalam Angka 2024"]).abstract == "Abstrak yang diperbarui."


@pytest.mark.parametrize("written, stored", [
    ("id", "id"), ("ind", "id"), ("IND", "id"), ("in", "id"), ("Indonesia", "id"), ("Bahasa Indonesia", "id"),
    ("eng", "en"), ("English", "en"), ("Inggris", "en"), ("id-en", "id-en"), ("ind;eng", "id-en"),
    ("Indonesia dan Inggris", "id-en"), ("eng/ind", "en-id"), ("", "id"),
])
def test_language_columns_from_library_systems_are_understood(app, tmp_path, written, stored):
    result = run_import(app, write_csv(tmp_path / "bahasa.csv", [dict(ROWS[2], language=written)]))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(Publication.language)).one() == stored


def test_an_unknown_language_is_refused_naming_the_accepted_forms(app, tmp_path):
    result = run_import(app, write_csv(tmp_path / "bahasa.csv", [dict(ROWS[2], language="Klingon")]))
    assert result.exit_code == 1
    assert "line 2: row skipped: language: 'Klingon' is not understood; use a code (id, en, ind, eng" in result.output


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_go_in(app, tmp_path, pdf_dir):
    good = dict(ROWS[3])
    rows = [
        dict(ROWS[0], office="atlantis"),                 # line 2
        dict(ROWS[0], title=""),                          # line 3
        dict(ROWS[0], year="20x4"),                       # line 4
        dict(ROWS[0], issn="2087-4234"),                  # line 5: wrong check digit
        dict(ROWS[0], isbn="978-602-438-123-4"),          # line 6
        dict(ROWS[0], release_date="28/02/2024"),         # line 7
        dict(ROWS[0], format="ebook"),                    # line 8
        dict(ROWS[0], pdf="../../etc/passwd"),            # line 9
        dict(ROWS[0], pdf="/etc/passwd"),                 # line 10
        dict(ROWS[0], pdf="tidak-ada.pdf"),               # line 11
        good,                                             # line 12
    ]
    result = run_import(app, write_csv(tmp_path / "campur.csv", rows), pdf_dir)
    assert result.exit_code == 1
    out = result.output
    assert "line 2: row skipped: office: 'atlantis' is not a known office slug" in out
    assert "line 3: row skipped: title: is required" in out
    assert "line 4: row skipped: year: '20x4' is not a year" in out
    assert "line 5: row skipped: issn: '2087-4234' is not a valid ISSN" in out
    assert "line 6: row skipped: isbn:" in out
    assert "line 7: row skipped: release_date: '28/02/2024' is not a date YYYY-MM-DD" in out
    assert "line 8: row skipped: format: 'ebook' must be one of softcopy, hardcopy, both" in out
    assert "line 9: row skipped: pdf: '../../etc/passwd' points outside --pdf-dir" in out
    assert "line 10: row skipped: pdf: '/etc/passwd' must be a path relative to --pdf-dir" in out
    assert "line 11: row skipped: pdf: 'tidak-ada.pdf' not found in --pdf-dir" in out
    assert "1 created" in out and "10 row(s) failed" in out
    with app.app_context():
        assert db.session.scalars(select(Publication.title)).all() == ["Kota Sawahlunto Dalam Angka 2024"]


@pytest.mark.parametrize("name, reason", [
    ("bukan.pdf", "not a pdf"),
    ("terkunci.pdf", "encrypted"),
    ("terpotong.pdf", "truncated"),
    ("kosong.pdf", "no pages"),
])
def test_bad_pdf_is_reported_and_the_row_kept_without_it(app, tmp_path, pdf_dir, name, reason):
    result = run_import(app, write_csv(tmp_path / "rusak.csv", [dict(ROWS[0], pdf=name)]), pdf_dir)
    assert result.exit_code == 1
    assert f"line 2: pdf: '{name}' skipped:" in result.output
    assert reason in result.output.lower()
    with app.app_context():
        pub = db.session.scalars(select(Publication)).one()
        assert pub.pdf_sha256 is None


def test_wrong_header_and_encoding_are_clear_errors(app, tmp_path):
    bad_header = write_csv(tmp_path / "kepala.csv", [ROWS[0]], columns=COLUMNS[:-2])
    result = run_import(app, bad_header)
    assert result.exit_code == 1 and "missing column(s) shelf_location, pdf" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes((",".join(COLUMNS) + "\nmajenekab,Caf\xe9,2024" + "," * 12 + "\n").encode("latin-1"))
    result = run_import(app, latin)
    assert result.exit_code == 1 and "is not UTF-8" in result.output


def test_import_shows_progress(app, tmp_path, pdf_dir):
    rows = [dict(ROWS[2], title=f"Statistik Peternakan Jilid {i}") for i in range(60)]
    result = run_import(app, write_csv(tmp_path / "banyak.csv", rows))
    assert result.exit_code == 0
    assert "rows: 60/60" in result.output


# ------------------------------------------------------------------ search pages


def test_search_finds_other_word_forms(shelf):
    app, catalogue = shelf
    client = app.test_client()
    text = visible_text(client.get("/majenekab/katalog?q=pengangguran").data)
    assert "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023" in text
    text = visible_text(client.get("/majenekab/katalog?q=tenaga+kerja").data)
    assert "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023" in text
    text = visible_text(client.get("/majenekab/katalog?q=ternak").data)
    assert "Statistik Peternakan Kabupaten Majene 2019" in text


def test_office_search_is_scoped_and_global_search_is_not(shelf):
    app, catalogue = shelf
    client = app.test_client()
    text = visible_text(client.get("/majenekab/katalog?q=dalam+angka").data)
    assert "Kabupaten Majene Dalam Angka 2024" in text and "Kota Sawahlunto Dalam Angka 2024" not in text
    text = visible_text(client.get("/katalog?q=dalam+angka").data)
    assert "Kabupaten Majene Dalam Angka 2024" in text and "Kota Sawahlunto Dalam Angka 2024" in text


def test_empty_query_lists_newest_with_facets(shelf):
    app, catalogue = shelf
    client = app.test_client()
    response = client.get("/majenekab/katalog")
    text = visible_text(response.data)
    assert "3 publikasi" in text
    assert (text.index("Kabupaten Majene Dalam Angka 2024") < text.index("Keadaan Ketenagakerjaan Kabupaten")
            < text.index("Statistik Peternakan Kabupaten"))
    assert "Tahun 2024 1 2023 1 2019 1" in text


def test_facet_filters_and_sorts(shelf):
    app, catalogue = shelf
    client = app.test_client()
    text = visible_text(client.get("/majenekab/katalog?year=2023").data)
    assert "1 publikasi" in text and "Ketenagakerjaan" in text
    text = visible_text(client.get("/majenekab/katalog?format=hardcopy").data)
    assert "Peternakan" in text and "Ketenagakerjaan" not in text
    text = visible_text(client.get("/majenekab/katalog?subject=Kependudukan").data)
    assert "1 publikasi" in text and "Majene Dalam Angka 2024" in text
    text = visible_text(client.get("/majenekab/katalog?sort=title").data)
    assert text.index("Kabupaten Majene Dalam") < text.index("Keadaan") < text.index("Statistik Peternakan")


def test_facet_and_sort_links_switch_one_choice_and_keep_the_rest(shelf):
    """The links of a results page are built from the page's own address: following them
    switches one facet or the order on and off and keeps the words."""
    app, catalogue = shelf
    client = app.test_client()
    links = read_page(client.get("/majenekab/katalog?q=kabupaten+majene&field=all&page=1").data).links
    year = [href for text, href in links if text.startswith("2023")][0]
    assert year == "/majenekab/katalog?q=kabupaten+majene&field=all&year=2023"
    html = client.get(year).get_data(as_text=True)
    assert "1 publikasi" in visible_text(html) and "Ketenagakerjaan" in visible_text(html)
    assert 'aria-current="true" class="facet--active"' in html
    links = read_page(html).links
    off = [href for text, href in links if text.startswith("✓") and "2023" in text][0]
    assert off == "/majenekab/katalog?q=kabupaten+majene&field=all"
    by_title = dict(links)["Judul (A–Z)"]
    assert by_title == "/majenekab/katalog?q=kabupaten+majene&field=all&year=2023&sort=title"
    assert client.get(by_title).status_code == 200


def test_every_result_leads_to_its_publication(shelf, make_app, tmp_path, pdf_dir):
    """A result's link is built from its office's catalogue address and its id, also on
    a site that serves one office at its root (SITE_OFFICE)."""
    app, catalogue = shelf
    client = app.test_client()
    for url in ("/katalog?q=statistik", "/majenekab/katalog", "/katalog?sort=title&page=2"):
        hrefs = [href for text, href in read_page(client.get(url).data).links if "/katalog/" in href
                 and href.rsplit("/", 1)[1].isdigit()]
        assert hrefs, url
        for href in hrefs:
            office, publication_id = href.split("/")[1], int(href.rsplit("/", 1)[1])
            assert catalogue_office(app, publication_id) == office
            assert client.get(href).status_code == 200
    single = make_app(SITE_OFFICE="majenekab")
    factories.import_rows(single, tmp_path, factories.ROWS, pdf_dir)
    client = single.test_client()
    hrefs = [href for text, href in read_page(client.get("/katalog").data).links if href.startswith("/katalog/")]
    assert hrefs and all(client.get(href).status_code == 200 for href in hrefs)
    assert "Kabupaten Majene Dalam Angka 2024" in visible_text(client.get(hrefs[0]).data)


def catalogue_office(app, publication_id: int) -> str:
    with app.app_context():
        return db.session.get(Publication, publication_id).office


def test_field_search_by_number(shelf):
    app, catalogue = shelf
    client = app.test_client()
    text = visible_text(client.get("/majenekab/katalog?field=number&q=1102001.7601").data)
    assert "1 publikasi" in text and "Kabupaten Majene Dalam Angka 2024" in text
    text = visible_text(client.get("/majenekab/katalog?field=title&q=kependudukan").data)
    assert "Tidak ada hasil" in text  # only in the abstract, not the title


def test_zero_results_page_helps_and_shows_no_empty_filters(shelf):
    """The consultation offer itself comes from the feedback feature (tests/feedback)."""
    app, catalogue = shelf
    client = app.test_client()
    response = client.get("/majenekab/katalog?q=kapal+selam")
    text = visible_text(response.data)
    assert "Tidak ada hasil" in text and "Kami tidak menemukan publikasi untuk “kapal selam”" in text
    assert "Periksa ejaan" in text and "Cari di katalog semua kantor" in text
    html = response.get_data(as_text=True)
    assert "Saring hasil" not in text and "Urutkan" not in text
    assert re.search(r'<h2[^>]*role="status"', html) is None and 'role="status"' in html


def test_browsing_without_words_lists_the_newest_first(shelf):
    app, catalogue = shelf
    client = app.test_client()
    text = visible_text(client.get("/majenekab/katalog").data)
    assert "Urutkan: Terbaru" in text and "Relevansi" not in text
    titles = [t for t, _ in read_page(client.get("/majenekab/katalog?sort=relevance").data).links
              if "Majene" in t and "20" in t]
    assert titles[0] == "Kabupaten Majene Dalam Angka 2024"  # released 2024-02-28, the newest
    html = client.get("/majenekab/katalog?q=majene").get_data(as_text=True)
    assert '<details class="facets"' in html and "Relevansi" in visible_text(html)


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR", "*", "NOT", "title:(", "x" * 2000,
                                   "\x00\x1b[31m", "(((", "~^", "💥 penduduk", "yang dan di"])
def test_odd_queries_never_fail(shelf, query):
    app, catalogue = shelf
    client = app.test_client()
    for url in ("/majenekab/katalog", "/katalog"):
        response = client.get(url, query_string={"q": query, "field": "all", "page": "99999",
                                                 "year": ["abcd", "2024"], "sort": "nonsense"})
        assert response.status_code == 200


def test_search_results_escape_user_text(shelf):
    app, catalogue = shelf
    client = app.test_client()
    response = client.get("/majenekab/katalog", query_string={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200 and "<script>alert(1)" not in response.text


# ------------------------------------------------------------------ detail and citations


def test_detail_page_shows_metadata_availability_and_citation(shelf):
    app, catalogue = shelf
    client = app.test_client()
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    text = visible_text(client.get(f"/majenekab/katalog/{pid}").data)
    for fact in ("No. Katalog 1102001.7601", "No. Publikasi 76010.2401", "ISSN 2087-4235",
                 "ISBN 978-602-438-123-3", "Tanggal rilis 28 Februari 2024", "Lokasi rak Rak A-01",
                 "Softcopy dapat dibaca", "Statistik Dasar, Kependudukan"):
        assert fact in text, fact
    assert ("Badan Pusat Statistik Kabupaten Majene. (2024). Kabupaten Majene Dalam Angka 2024 "
            "(No. Katalog 1102001.7601; No. Publikasi 76010.2401).") in text
    assert "Masuk untuk membaca dan mengunduh softcopy" in text
    assert "perpustakaan Pelayanan Statistik Terpadu BPS Kabupaten Majene, Rak A-01." in text  # not "rak Rak"
    assert "PDF, 4 halaman," in text and re.search(r"PDF, 4 halaman, \d+ KB", text)  # not "0.0 MB"


def test_detail_page_offers_the_citation_to_reference_managers(shelf):
    """Highwire Press tags and COinS, as Zotero's connector and Mendeley read them."""
    import html as html_lib
    from urllib.parse import parse_qs

    app, catalogue = shelf
    client = app.test_client()
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    html = client.get(f"/majenekab/katalog/{pid}").get_data(as_text=True)
    meta = dict(re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', html))
    assert meta["citation_title"] == "Kabupaten Majene Dalam Angka 2024"
    assert meta["citation_author"] == "Badan Pusat Statistik Kabupaten Majene"
    assert meta["citation_publication_date"] == "2024/02/28" and meta["citation_isbn"] == "978-602-438-123-3"
    assert meta["citation_issn"] == "2087-4235" and meta["citation_technical_report_number"] == "76010.2401"
    assert meta["citation_abstract_html_url"] == f"http://localhost/majenekab/katalog/{pid}"
    assert "citation_pdf_url" not in html and "/berkas/" not in html
    coins = parse_qs(html_lib.unescape(re.search(r'class="Z3988" title="([^"]+)"', html).group(1)))
    assert coins["rft.btitle"] == ["Kabupaten Majene Dalam Angka 2024"] and coins["rft.place"] == ["Majene"]
    assert coins["rft.date"] == ["2024-02-28"] and coins["ctx_ver"] == ["Z39.88-2004"]


def test_detail_of_another_office_is_404(shelf):
    app, catalogue = shelf
    client = app.test_client()
    pid = catalogue["Kota Sawahlunto Dalam Angka 2024"]
    assert client.get(f"/majenekab/katalog/{pid}").status_code == 404
    assert client.get("/majenekab/katalog/999999").status_code == 404


def test_bibtex_and_ris_exports(shelf):
    app, catalogue = shelf
    client = app.test_client()
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    bib = client.get(f"/majenekab/katalog/{pid}/sitasi.bib")
    assert bib.status_code == 200 and bib.mimetype == "application/x-bibtex"
    assert "attachment" in bib.headers["Content-Disposition"]
    assert "author = {{Badan Pusat Statistik Kabupaten Majene}}" in bib.text
    assert "isbn = {978-602-438-123-3}" in bib.text and "year = {2024}" in bib.text
    assert "address = {Majene}" in bib.text and "Kec Banggae" not in bib.text
    ris = client.get(f"/majenekab/katalog/{pid}/sitasi.ris")
    lines = ris.text.split("\r\n")
    assert lines[0] == "TY  - BOOK" and "TI  - Kabupaten Majene Dalam Angka 2024" in lines
    assert "PY  - 2024" in lines and "SN  - 978-602-438-123-3" in lines and "ER  - " in lines
    assert "CY  - Majene" in lines


# ------------------------------------------------------------------ read and download


def press(client, pid, action):
    page = client.get(f"/majenekab/katalog/{pid}")
    return client.post(f"/majenekab/katalog/{pid}/{action}", data={"csrf_token": csrf_from(page.data)})


def test_anonymous_users_are_sent_to_log_in(shelf):
    app, catalogue = shelf
    client = app.test_client()
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    response = client.post(f"/majenekab/katalog/{pid}/unduh")
    assert response.status_code in (302, 400)  # CSRF or login: never a file
    assert client.get(f"/majenekab/katalog/{pid}/berkas/ABCDEFGHJK").status_code == 302


def test_download_is_watermarked_with_the_user_and_logged(app, client, catalogue, make_user):
    make_user(email="Siti.R@Contoh.id", name="Siti Rahmawati")
    login(client, "siti.r@contoh.id")
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    response = press(client, pid, "unduh")
    assert response.status_code == 303
    file = client.get(response.headers["Location"])
    assert file.status_code == 200 and file.mimetype == "application/pdf"
    assert file.headers["Content-Disposition"].startswith("attachment;")
    assert "kabupaten-majene-dalam-angka-2024-" in file.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(file.data))
    assert len(reader.pages) == 4
    with app.app_context():
        access = db.session.scalars(select(SoftcopyAccess)).one()
        assert access.kind == "download" and access.publication_id == pid
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "Siti Rahmawati <siti.r@contoh.id>" in text
        assert f"ID {access.token}" in text and "BPS Kabupaten Majene" in text
        assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d WITA", text)


def test_a_softcopy_link_stops_working_after_its_lifetime(app, client, catalogue, make_user, clock):
    make_user()
    login(client, "pengguna@contoh.id")
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    link = press(client, catalogue["Kabupaten Majene Dalam Angka 2024"], "baca").headers["Location"]
    clock.advance(minutes=59)
    assert client.get(link).status_code == 200
    clock.advance(minutes=1, seconds=1)
    assert client.get(link).status_code == 404
    # A new press of the button gives a new link that works.
    fresh = press(client, catalogue["Kabupaten Majene Dalam Angka 2024"], "baca").headers["Location"]
    assert fresh != link and client.get(fresh).status_code == 200


def test_read_is_inline(app, client, catalogue, make_user):
    make_user()
    login(client, "pengguna@contoh.id")
    pid = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    file = client.get(press(client, pid, "baca").headers["Location"])
    assert file.status_code == 200 and file.headers["Content-Disposition"].startswith("inline;")
    assert "Dibaca oleh Siti Rahmawati" in PdfReader(io.BytesIO(file.data)).pages[0].extract_text()


def test_unverified_users_cannot_read(client, catalogue, make_user, app):
    make_user(verified=False)
    login(client, "pengguna@contoh.id")
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    response = press(client, pid, "unduh")
    assert response.status_code == 302
    assert "Verifikasi alamat email" in visible_text(client.get(response.headers["Location"]).data)
    assert count(app, SoftcopyAccess) == 0


def test_hardcopy_only_has_no_softcopy(client, catalogue, make_user, app):
    make_user()
    login(client, "pengguna@contoh.id")
    pid = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
    text = visible_text(client.get(f"/majenekab/katalog/{pid}").data)
    assert "Hardcopy tersedia" in text and "Baca online" not in text
    response = press(client, pid, "unduh")
    assert response.status_code == 302 and count(app, SoftcopyAccess) == 0


def test_a_download_link_serves_only_its_owner(app, catalogue, make_user):
    make_user(email="a@contoh.id")
    make_user(email="b@contoh.id", name="Budi")
    first, second = app.test_client(), app.test_client()
    login(first, "a@contoh.id")
    login(second, "b@contoh.id")
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    location = press(first, pid, "unduh").headers["Location"]
    assert second.get(location).status_code == 404
    other = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    assert first.get(location.replace(f"/{pid}/", f"/{other}/")).status_code == 404
    assert first.get(location).status_code == 200


@pytest.mark.parametrize("path", [
    "/majenekab/katalog/1/berkas/..%2F..%2Fetc%2Fpasswd",
    "/majenekab/katalog/1/berkas/../../../../etc/passwd",
    "/majenekab/katalog/..%2F..%2Finstance%2Fpst.sqlite3",
    "/static/..%2Finstance%2Fconfig.py",
    "/majenekab/katalog/1/sitasi.bib%00.pdf",
])
def test_path_traversal_gets_nothing(client, catalogue, make_user, path):
    make_user()
    login(client, "pengguna@contoh.id")
    response = client.get(path)
    assert response.status_code in (404, 308)
    assert b"SECRET_KEY" not in response.data and b"root:" not in response.data


def test_staff_see_their_office_accesses_only(app, catalogue, make_user):
    make_user(email="pembaca@contoh.id", name="Pembaca Setia")
    make_user(email="staf@majene.id", role="staff", office="majenekab")
    make_user(email="staf@sawahlunto.id", role="staff", office="sawahluntokota")
    make_user(email="admin@bps.id", role="admin")
    reader = app.test_client()
    login(reader, "pembaca@contoh.id")
    token = press(reader, catalogue["Kabupaten Majene Dalam Angka 2024"], "baca").headers["Location"].rsplit("/", 1)[1]

    assert reader.get("/majenekab/staf/akses-softcopy").status_code == 403
    staff = app.test_client()
    login(staff, "staf@majene.id")
    text = visible_text(staff.get("/majenekab/staf/akses-softcopy").data)
    assert token in text and "Pembaca Setia" in text and "Kabupaten Majene Dalam Angka 2024" in text
    other = app.test_client()
    login(other, "staf@sawahlunto.id")
    assert other.get("/majenekab/staf/akses-softcopy").status_code == 403
    assert token not in visible_text(other.get("/sawahluntokota/staf/akses-softcopy").data)
    admin = app.test_client()
    login(admin, "admin@bps.id")
    assert token in visible_text(admin.get("/majenekab/staf/akses-softcopy").data)


# ------------------------------------------------------------------ the index follows the database


def test_index_follows_changes_and_reindex_rebuilds(app, client, catalogue):
    pid = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
    with app.app_context():
        db.session.get(Publication, pid).title = "Statistik Perikanan Kabupaten Majene 2019"
        db.session.commit()
    assert "Statistik Perikanan" in visible_text(client.get("/majenekab/katalog?q=ikan").data)
    assert "Tidak ada hasil" in visible_text(client.get("/majenekab/katalog?q=peternakan&field=title").data)
    with app.app_context():
        db.session.delete(db.session.get(Publication, pid))
        db.session.commit()
    assert "Tidak ada hasil" in visible_text(client.get("/majenekab/katalog?q=ikan").data)

    result = app.test_cli_runner().invoke(args=["catalogue", "reindex"])
    assert result.exit_code == 0 and "Indexed 3 publication(s)" in result.output
    assert "3 publikasi" in visible_text(client.get("/katalog").data)


def test_missing_index_is_rebuilt_at_start(make_app, catalogue, app, tmp_path):
    import shutil

    index_path = app.extensions["search_index"]
    index_path.close()
    for child in (tmp_path / "instance").iterdir():
        if child.name.startswith("search-index"):
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() and not child.is_symlink() else child.unlink()
    fresh = make_app()
    assert "4 publikasi" in visible_text(fresh.test_client().get("/katalog").data)


def test_stale_index_is_repaired_at_start(make_app, app, catalogue):
    """A change that bypassed the session (raw SQL) is found and indexed at the next start."""
    import sqlalchemy as sa

    pid = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
    with app.app_context():
        db.session.execute(sa.text("UPDATE publication SET title = 'Statistik Perikanan Majene', "
                                   "updated_at = '2030-01-01 00:00:00' WHERE id = :id"), {"id": pid})
        db.session.execute(sa.text("DELETE FROM publication WHERE title = 'Kota Sawahlunto Dalam Angka 2024'"))
        db.session.commit()
    app.extensions["search_index"].close()
    fresh = make_app().test_client()
    assert "Statistik Perikanan Majene" in visible_text(fresh.get("/majenekab/katalog?q=ikan").data)
    assert "Kota Sawahlunto Dalam Angka" not in visible_text(fresh.get("/katalog?q=sawahlunto").data)


def test_index_busy_never_reaches_the_user(app, client, catalogue):
    """While another writer holds the index lock, saving still works; the change lands later."""
    from whoosh import index as whoosh_index

    search_index = app.extensions["search_index"]
    search_index.write_timeout = 0.2
    other_writer = whoosh_index.open_dir(str(search_index.path)).writer()  # the real file lock
    try:
        pid = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
        with app.app_context():
            db.session.get(Publication, pid).title = "Statistik Perikanan Kabupaten Majene 2019"
            db.session.commit()  # no exception for the user
        assert "Tidak ada hasil" in visible_text(client.get("/majenekab/katalog?q=ikan&field=title").data)
    finally:
        other_writer.cancel()
    with app.app_context():
        db.session.get(Publication, catalogue["Kabupaten Majene Dalam Angka 2024"]).pages = 313
        db.session.commit()  # the next write carries the kept change too
    assert "Statistik Perikanan" in visible_text(client.get("/majenekab/katalog?q=ikan&field=title").data)


def test_staff_access_list_pages(app, catalogue, make_user):
    staff_id = make_user(email="staf@majene.id", role="staff", office="majenekab")
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    with app.app_context():
        db.session.add_all(SoftcopyAccess(token=f"TOKEN{i:05d}", kind="read", user_id=staff_id,
                                          publication_id=pid, office="majenekab") for i in range(51))
        db.session.commit()
    staff = app.test_client()
    login(staff, "staf@majene.id")
    first = staff.get("/majenekab/staf/akses-softcopy")
    assert "1 / 2" in visible_text(first.data)
    assert dict(read_page(first.data).links)["Berikutnya →"] == "/majenekab/staf/akses-softcopy?page=2"
    second = visible_text(staff.get("/majenekab/staf/akses-softcopy?page=2").data)
    assert "2 / 2" in second and second.count("TOKEN") == 1


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_broken_index_does_not_stop_the_site(make_app, app, catalogue):
    """Garbage where the index should be: the site starts, pages work, reindex repairs it."""
    import shutil

    search_index = app.extensions["search_index"]
    search_index.close()
    target = search_index.path.resolve()
    shutil.rmtree(target)
    target.mkdir()
    (target / "_MAIN_1.toc").write_bytes(b"not a whoosh table of contents")
    fresh = make_app()
    client = fresh.test_client()
    assert client.get("/majenekab/").status_code == 200
    response = client.get("/majenekab/katalog?q=majene")
    assert response.status_code == 200 and "Pencarian katalog sedang tidak tersedia" in visible_text(response.data)
    result = fresh.test_cli_runner().invoke(args=["catalogue", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Kabupaten Majene Dalam Angka 2024" in visible_text(client.get("/majenekab/katalog?q=majene").data)
