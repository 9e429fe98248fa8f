"""Where a publication found only through its PDF text matched: the passage shown."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from app.search import PublicationDoc, SearchIndex, SearchQuery, best_passage
from tests.helpers import visible_text

REPORT = (
    "Bab 1 Pendahuluan. Publikasi ini disusun oleh BPS Kabupaten Majene.\n\n"
    "Bab 2 Ketenagakerjaan. Jumlah penduduk yang menganggur pada Agustus 2023 turun menjadi 1.204 orang. "
    "Tingkat pengangguran terbuka laki-laki lebih tinggi daripada perempuan. "
    "Pengangguran terbuka dan setengah pengangguran dihitung dari Sakernas.\n\n"
    "Bab 3 Penutup. Terima kasih kepada semua pihak."
)


def test_the_sentence_with_the_most_query_words_is_shown_with_them_marked():
    passage = best_passage(REPORT, "pengangguran laki")
    assert passage == ("Tingkat <mark>pengangguran</mark> terbuka <mark>laki</mark>-<mark>laki</mark> "
                       "lebih tinggi daripada perempuan.")


def test_words_match_by_their_analysed_terms():
    # "menganggur" and "pengangguran" are one word family ...
    assert "<mark>menganggur</mark>" in best_passage(REPORT, "pengangguran")
    assert best_passage(REPORT, "menganggur").startswith("Jumlah penduduk yang <mark>menganggur</mark>")
    # ... and the terms of a hit can be given as they are
    assert best_passage(REPORT, ["penganggur", "buka"]).startswith("Tingkat <mark>pengangguran</mark> <mark>terbuka</mark>")


def test_nothing_matching_gives_nothing():
    assert best_passage(REPORT, "perikanan") == ""
    assert best_passage("", "pengangguran") == ""
    assert best_passage(REPORT, "") == best_passage(REPORT, "yang dan di") == ""


def test_the_text_is_escaped():
    text = "Catatan: <script>alert(1)</script> & tabel pengangguran <b>terbuka</b>."
    passage = best_passage(text, "pengangguran")
    assert "<script>" not in passage and "&lt;script&gt;" in passage and "&amp; tabel" in passage
    assert "<mark>pengangguran</mark> &lt;b&gt;" in passage


def test_a_long_sentence_is_cut_around_the_match():
    text = ("Kata " * 150) + "kemiskinan menurun tajam di wilayah perdesaan " + ("lain " * 150) + "."
    passage = best_passage(text, "kemiskinan")
    assert passage.startswith("\u2026 ") and passage.endswith(" \u2026")
    assert "<mark>kemiskinan</mark> menurun tajam" in passage
    assert len(passage) < 260


def test_whitespace_of_the_pdf_is_collapsed_and_headings_are_left_out():
    text = "Tabel 3.1\nJumlah   penduduk\nmenurut\tkecamatan dan jenis kelamin.\n"
    assert best_passage(text, "kelamin") == "Jumlah penduduk menurut kecamatan dan jenis <mark>kelamin</mark>."


def test_a_long_pdf_text_is_quick():
    text = ("Angka sementara hasil pencacahan lapangan di desa. " * 4000) + REPORT  # ~200 KB
    started = time.perf_counter()
    passage = best_passage(text, "pengangguran")
    # A guard against a scan that grows with the square of the text (seconds), not a speed target.
    assert time.perf_counter() - started < 1.0
    assert passage.startswith("Jumlah penduduk yang <mark>menganggur</mark>")


# --------------------------------------------------------------------------- the engine says which hits


def test_hits_say_whether_they_matched_only_in_the_pdf_text(tmp_path):
    docs = [
        PublicationDoc(id=1, office="majenekab", office_name="BPS Kabupaten Majene",
                       title="Keadaan Pengangguran Kabupaten Majene 2023", year=2023,
                       release_date=date(2023, 6, 1), updated=datetime(2024, 1, 1)),
        PublicationDoc(id=2, office="majenekab", office_name="BPS Kabupaten Majene",
                       title="Kabupaten Majene Dalam Angka 2024", year=2024, release_date=date(2024, 2, 1),
                       content=REPORT, updated=datetime(2024, 1, 1)),
    ]
    idx = SearchIndex(tmp_path / "search", ["Majene"])
    idx.rebuild(docs)
    try:
        first, second = idx.search(SearchQuery(text="menganggur")).hits
        assert (first.id, first.full_text_only) == (1, False)
        assert (second.id, second.full_text_only, second.text_terms) == (2, True, ("penganggur",))
        assert idx.passage(REPORT, second.text_terms).startswith("Jumlah penduduk yang <mark>menganggur</mark>")
        assert idx.passage(REPORT, "menganggur") == idx.passage(REPORT, second.text_terms)
    finally:
        idx.close()


# --------------------------------------------------------------------------- the results page


def test_the_results_page_shows_where_a_pdf_only_hit_matched(shelf):
    app, catalogue = shelf
    text = visible_text(app.test_client().get("/majenekab/katalog?q=kelamin").data)
    # "kelamin" is in the softcopies of factories.ROWS only, not in their metadata
    assert "Kabupaten Majene Dalam Angka 2024" in text
    assert ("Ditemukan di isi dokumen: \u201cTabel berikut menyajikan jumlah penduduk menurut kecamatan dan "
            "jenis kelamin.\u201d") in text


def test_a_metadata_hit_shows_no_passage(shelf):
    app, catalogue = shelf
    response = app.test_client().get("/majenekab/katalog?q=peternakan")
    assert "Statistik Peternakan Kabupaten Majene 2019" in visible_text(response.data)
    assert "Ditemukan di isi dokumen" not in visible_text(response.data)


@pytest.mark.parametrize("office", ["majenekab", "sawahluntokota"])
def test_the_search_box_suggests_queries_that_find_something(shelf, office):
    import re

    app, catalogue = shelf
    client = app.test_client()
    page = client.get(f"/{office}/katalog").get_data(as_text=True)
    placeholder = re.search(r'id="q"[^>]*placeholder="([^"]*)"', page, re.S).group(1)
    assert placeholder.startswith("mis. ") and "inflasi 2024" not in placeholder
    examples = placeholder.removeprefix("mis. ").split(", ")
    assert examples
    for example in examples:
        text = visible_text(client.get(f"/{office}/katalog", query_string={"q": example}).data)
        assert "Tidak ada hasil" not in text, example


# --------------------------------------------------------------------------- example queries


def test_example_queries_come_from_the_catalogue_as_loaded(tmp_path):
    def doc(id, title, office="majenekab", subjects=()):
        return PublicationDoc(id=id, office=office, office_name="BPS", title=title, year=2023,
                              release_date=date(2023, 1, id % 28 + 1), subjects=subjects,
                              updated=datetime(2024, 1, 1))

    idx = SearchIndex(tmp_path / "search", ["Majene", "Bengkulu"])
    idx.rebuild([
        doc(1, "Statistik Peternakan Kabupaten Majene 2021", subjects=("Pertanian",)),
        doc(2, "Statistik Peternakan Kabupaten Majene 2022", subjects=("Pertanian",)),
        doc(3, "Populasi Ternak Kabupaten Majene 2023", subjects=("Pertanian",)),
        doc(4, "Profil Kemiskinan Kabupaten Majene 2023", subjects=("Kemiskinan",)),
        doc(5, "Profil Kemiskinan Provinsi Bengkulu 2023", office="bengkulu", subjects=("Kemiskinan",)),
    ])
    try:
        examples = idx.example_queries("majenekab")
        # the commonest topic word of the titles (as the newest title writes it),
        # then subjects; a word shares no stem with one before it
        assert examples == ["ternak", "pertanian", "kemiskinan"]
        for example in examples:
            assert idx.search(SearchQuery(text=example, office="majenekab")).total > 0
        assert idx.example_queries("bengkulu", n=1) == ["kemiskinan"]
        assert idx.example_queries("nowhere") == []
        # the examples follow the catalogue
        idx.add([doc(10 + i, f"Statistik Perikanan Kabupaten Majene {2010 + i}") for i in range(5)])
        assert idx.example_queries("majenekab")[0] == "perikanan"
    finally:
        idx.close()
