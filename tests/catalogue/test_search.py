"""Tests for app.search: the catalogue's Whoosh index (no Flask needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from app.search import (
    IndexBusy,
    PublicationDoc,
    SearchIndex,
    SearchQuery,
    SearchResults,
    normalise_number,
    normalise_text,
    number_tokens,
)

ROOT = Path(__file__).resolve().parents[2]

OFFICES = {
    "majenekab": "BPS Kabupaten Majene",
    "musibanyuasinkab": "BPS Kabupaten Musi Banyuasin",
    "sawahluntokota": "BPS Kota Sawahlunto",
    "bengkulu": "BPS Provinsi Bengkulu",
    "pasamankab": "BPS Kabupaten Pasaman",
    "bekasikab": "BPS Kabupaten Bekasi",
}
PROTECTED = ["Majene", "Banggae", "Musi Banyuasin", "Sekayu", "Sawahlunto", "Bengkulu", "Pasaman", "Bekasi"]


def pub(id, office, title, year, *, release=None, subjects=(), abstract="", content="", fmt="softcopy", **kw):
    return PublicationDoc(
        id=id, office=office, office_name=OFFICES[office], title=title, abstract=abstract,
        subjects=tuple(subjects), year=year, release_date=release, format=fmt, content=content,
        updated=datetime(2024, 6, 1, 8, 0, id % 60), **kw,
    )


LONG_ABSTRACT = (
    "Publikasi ini menyajikan gambaran umum wilayah, pemerintahan, penduduk, sosial, pertanian, "
    "industri, perdagangan, transportasi, keuangan dan harga di Kabupaten Majene. Data bersumber dari "
    "survei dan sensus Badan Pusat Statistik serta instansi pemerintah daerah terkait."
)

CATALOGUE = [
    pub(1, "majenekab", "Kabupaten Majene Dalam Angka 2024", 2024, release=date(2024, 2, 28),
        subjects=["Statistik Umum"], abstract=LONG_ABSTRACT, fmt="both",
        catalogue_number="1102001.7605", publication_number="76050.2401", issn="2087-4234",
        content="Jumlah penduduk Kabupaten Majene menurut kecamatan. Angkatan kerja dan pengangguran."),
    pub(2, "majenekab", "Kabupaten Majene Dalam Angka 2023", 2023, release=date(2023, 2, 28),
        subjects=["Statistik Umum"], abstract="Gambaran umum Kabupaten Majene tahun 2022.",
        catalogue_number="1102001.7605", publication_number="76050.2301", issn="2087-4234"),
    pub(3, "majenekab", "Kecamatan Banggae Dalam Angka 2023", 2023, release=date(2023, 9, 26),
        subjects=["Statistik Umum"], abstract="Kecamatan Banggae: geografi, penduduk, sarana pendidikan.",
        catalogue_number="1102001.7605010"),
    pub(4, "sawahluntokota", "Statistik Daerah Kota Sawahlunto 2024", 2024, release=date(2024, 9, 30),
        subjects=["Statistik Umum"], abstract="Indikator strategis Kota Sawahlunto.",
        catalogue_number="1101002.1373", isbn="978-602-438-123-4"),
    pub(5, "musibanyuasinkab",
        "Produk Domestik Regional Bruto Kabupaten Musi Banyuasin Menurut Lapangan Usaha 2019-2023", 2024,
        release=date(2024, 4, 15), subjects=["Neraca Regional"],
        abstract="Nilai tambah bruto atas dasar harga berlaku dan konstan menurut lapangan usaha."),
    pub(6, "bengkulu", "Keadaan Ketenagakerjaan Provinsi Bengkulu Agustus 2024", 2024, release=date(2024, 11, 5),
        subjects=["Tenaga Kerja"], abstract="Angkatan kerja, penduduk bekerja dan tingkat pengangguran terbuka."),
    pub(7, "pasamankab", "Indeks Pembangunan Manusia Kabupaten Pasaman 2023", 2023, release=date(2024, 5, 2),
        subjects=["Pembangunan Manusia"], abstract="Umur harapan hidup, harapan lama sekolah, pengeluaran per kapita."),
    pub(8, "majenekab", "Hasil Sensus Pertanian 2023 Tahap I Kabupaten Majene", 2023, release=date(2023, 12, 4),
        subjects=["Pertanian", "Sensus"], abstract="Jumlah usaha pertanian perorangan dan rumah tangga petani gurem.",
        fmt="hardcopy"),
    pub(9, "bengkulu", "Statistik Peternakan Provinsi Bengkulu 2023", 2023, release=date(2023, 10, 1),
        subjects=["Pertanian"], abstract="Populasi ternak sapi, kambing dan unggas."),
    pub(10, "pasamankab", "Tingkat Pengangguran Terbuka Kabupaten Pasaman 2023", 2023, release=date(2023, 12, 20),
        subjects=["Tenaga Kerja"], abstract="Penganggur menurut pendidikan dan umur."),
    pub(11, "sawahluntokota", "Statistik Kependudukan Kota Sawahlunto 2022", 2022, release=date(2022, 8, 1),
        subjects=["Kependudukan"], abstract="Jumlah dan kepadatan penduduk, rasio jenis kelamin."),
    pub(12, "musibanyuasinkab", "Proyeksi Penduduk Kabupaten Musi Banyuasin 2020-2035", 2022,
        release=date(2022, 3, 1), subjects=["Kependudukan"], abstract="Proyeksi kelahiran, kematian dan migrasi."),
    pub(13, "bekasikab", "Kabupaten Bekasi Dalam Angka 2024", 2024, release=date(2024, 2, 28),
        subjects=["Statistik Umum"], abstract="Gambaran umum Kabupaten Bekasi."),
    pub(14, "bengkulu", "Statistik Perdagangan Barang Bekas 2022", 2022, release=date(2022, 7, 1),
        subjects=["Perdagangan"], abstract="Impor pakaian dan mesin bekas."),
    pub(15, "bengkulu", "Profil Kemiskinan Provinsi Bengkulu Maret 2024", 2024, release=date(2024, 7, 1),
        subjects=["Kemiskinan"], abstract="Garis kemiskinan dan jumlah penduduk miskin."),
    pub(16, "majenekab", "Statistik Kesejahteraan Rakyat Kabupaten Majene 2023", 2023, release=date(2023, 11, 30),
        subjects=["Kesejahteraan"], abstract="Kesehatan, pendidikan, perumahan dan konsumsi rumah tangga."),
    pub(17, "sawahluntokota", "Inflasi dan Indeks Harga Konsumen Kota Sawahlunto 2023", 2023,
        release=date(2024, 1, 15), subjects=["Harga"], abstract="Inflasi bulanan menurut kelompok pengeluaran."),
    pub(18, "pasamankab", "Statistik Pendidikan Kabupaten Pasaman 2022", 2022, release=date(2022, 12, 1),
        subjects=["Pendidikan"], abstract="Angka partisipasi sekolah dan angka melek huruf."),
    pub(19, "musibanyuasinkab", "Luas Panen dan Produksi Padi Kabupaten Musi Banyuasin 2023", 2023,
        release=date(2024, 3, 1), subjects=["Pertanian"], abstract="Luas panen, produktivitas dan produksi padi."),
    pub(20, "bengkulu", "Statistik Perbankan Provinsi Bengkulu 2021", 2021, release=date(2021, 6, 1),
        subjects=["Keuangan"], abstract="Kredit dan dana pihak ketiga bank umum."),
    pub(21, "sawahluntokota", "Statistik Pariwisata Kota Sawahlunto 2023", 2023, release=date(2023, 12, 1),
        subjects=["Pariwisata"], abstract="Wisatawan dan tingkat penghunian kamar hotel."),
    pub(22, "pasamankab", "Laporan Kinerja BPS Kabupaten Pasaman 2023", 2023, release=date(2024, 2, 1),
        subjects=["Laporan Kinerja"], abstract="Capaian kinerja dan realisasi anggaran."),
    pub(23, "majenekab", "Statistik Perikanan Kabupaten Majene 2022", 2022, release=None,
        subjects=["Perikanan", "Pertanian"], abstract="Produksi perikanan tangkap dan budidaya.", fmt="both"),
    pub(24, "bengkulu", "Nilai Tukar Petani Provinsi Bengkulu 2024", 2024, release=date(2024, 3, 1),
        subjects=["Harga", "Pertanian"], abstract="Indeks harga diterima dan dibayar petani."),
    pub(25, "musibanyuasinkab", "Statistik Industri Besar dan Sedang Kabupaten Musi Banyuasin 2021", 2021,
        release=date(2021, 10, 1), subjects=["Industri"], abstract="Perusahaan industri dan tenaga kerjanya."),
    pub(26, "pasamankab", "Indikator Ekonomi Kabupaten Pasaman 2024", 2024, release=None,
        subjects=["Ekonomi"], abstract="Pertumbuhan ekonomi, inflasi dan perdagangan."),
    pub(27, "majenekab", "Statistik Potensi Desa Kabupaten Majene 2021", 2021, release=date(2021, 12, 1),
        subjects=["Potensi Desa"], abstract="Infrastruktur dan fasilitas desa."),
    pub(28, "bengkulu", "Pengeluaran untuk Konsumsi Penduduk Provinsi Bengkulu 2023", 2023,
        release=date(2023, 6, 1), subjects=["Konsumsi"], abstract="Rata-rata pengeluaran per kapita sebulan."),
    pub(29, "sawahluntokota", "Statistik Transportasi Kota Sawahlunto 2020", 2020, release=date(2020, 11, 1),
        subjects=["Transportasi"], abstract="Kendaraan bermotor dan panjang jalan.", fmt="hardcopy"),
    pub(30, "musibanyuasinkab", "Kecamatan Sekayu Dalam Angka 2023", 2023, release=date(2023, 9, 26),
        subjects=["Statistik Umum"], abstract="Kecamatan Sekayu: geografi, penduduk, sosial."),
    pub(31, "majenekab", "Survei Upah <script>alert(1)</script> & Gaji Buruh 2022", 2022, release=date(2022, 5, 1),
        subjects=["Upah"], abstract="Rata-rata <b>upah</b> buruh & karyawan per bulan."),
]
BY_ID = {d.id: d for d in CATALOGUE}


def ids(results: SearchResults) -> list[int]:
    return [h.id for h in results.hits]


def find(index: SearchIndex, text: str = "", **kw) -> SearchResults:
    kw.setdefault("per_page", 100)
    return index.search(SearchQuery(text=text, **kw))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A catalogue index shared by the read-only tests."""
    idx = SearchIndex(tmp_path_factory.mktemp("search") / "search", PROTECTED)
    assert idx.rebuild(CATALOGUE) == len(CATALOGUE)
    yield idx
    idx.close()


@pytest.fixture
def fresh(tmp_path):
    """An index of this test's own, for tests that write."""
    idx = SearchIndex(tmp_path / "search", PROTECTED, write_timeout=0.3)
    idx.rebuild(CATALOGUE)
    yield idx
    idx.close()


# --------------------------------------------------------------------------- helpers


def test_normalise_text():
    assert normalise_text("  Statistik \t\n Daerah  ") == "Statistik Daerah"
    assert normalise_text("a\x00b\x1bc") == "a b c"
    assert normalise_text(None) == ""
    assert len(normalise_text("kata " * 1000)) <= 256
    assert normalise_text("x" * 2000) == "x" * 256


def test_number_normalisation():
    assert normalise_number("2087-4234") == normalise_number("2087 4234") == "20874234"
    assert normalise_number("0215-213X") == "0215213x"
    assert number_tokens("1102001.7605") == ["1102001", "11020017605"]
    assert number_tokens("76050.2401") == ["76050", "760502401"]
    assert number_tokens("978-602-438-123-4", prefixes=False) == ["9786024381234"]
    assert number_tokens(None) == []


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pengangguran", {10}),
        ("menganggur", {10}),
        ("penduduk", {11, 12, 28}),
        ("kependudukan", {11, 12, 28}),
        ("tenaga kerja", {6, 10}),
        ("ketenagakerjaan", {6, 10}),
        ("peternak", {9}),
        ("statistik pendidikan", {18}),
        ("pdrb musi banyuasin", {5}),
        ("ipm pasaman", {7}),
    ],
)
def test_word_forms_in_titles_and_subjects(index, text, expected):
    assert expected <= set(ids(find(index, text, field="title"))) | set(ids(find(index, text, field="subject")))
    assert expected <= set(ids(find(index, text)))


def test_stemmed_forms_find_each_other(index):
    assert 10 in ids(find(index, "menganggur", field="title"))
    assert 10 in ids(find(index, "pengangguran", field="title"))
    assert 11 in ids(find(index, "penduduk", field="title"))
    assert 12 in ids(find(index, "kependudukan", field="title"))
    assert ids(find(index, "tenaga kerja", field="title")) == [6]


def test_protected_place_names(index):
    assert ids(find(index, "bekasi")) == [13]
    assert ids(find(index, "bekas")) == [14]
    assert set(ids(find(index, "sekayu"))) == {30}


def test_every_word_must_match(index):
    assert ids(find(index, "kemiskinan bengkulu")) == [15]
    assert ids(find(index, "kemiskinan sawahlunto")) == []


def test_office_name_is_searched_in_all_fields(index):
    # "BPS Kabupaten Pasaman" is the office of doc 22; the title says it too
    assert set(ids(find(index, "pasaman"))) == {7, 10, 18, 22, 26}


def test_field_title(index):
    assert set(ids(find(index, "pertanian", field="title"))) == {8, 24}  # petani: same stem
    assert {8, 9, 19, 23, 24} <= set(ids(find(index, "pertanian")))


def test_field_subject(index):
    assert set(ids(find(index, "pertanian", field="subject"))) == {8, 9, 19, 23, 24}
    assert set(ids(find(index, "kependudukan", field="subject"))) == {11, 12}
    # the abstract of doc 1 mentions pertanian, but its subject does not
    assert 1 in ids(find(index, "pertanian"))


@pytest.mark.parametrize("text", ["2087-4234", "20874234", "2087 4234", " 2087.4234 "])
def test_field_number_issn(index, text):
    assert set(ids(find(index, text, field="number"))) == {1, 2}


def test_field_number_other_numbers(index):
    assert set(ids(find(index, "1102001.7605", field="number"))) == {1, 2}
    assert set(ids(find(index, "1102001", field="number"))) == {1, 2, 3}  # the series
    assert set(ids(find(index, "76050", field="number"))) == {1, 2}  # the office
    assert ids(find(index, "978602", field="number")) == []  # ISBN: whole numbers only
    assert ids(find(index, "76050.2401", field="number")) == [1]
    assert ids(find(index, "978-602-438-123-4", field="number")) == [4]
    assert ids(find(index, "9786024381234", field="number")) == [4]
    assert ids(find(index, "1102001.7605010", field="number")) == [3]
    assert ids(find(index, "statistik", field="number")) == []


def test_numbers_in_all_fields(index):
    assert set(ids(find(index, "2087-4234"))) == {1, 2}
    assert ids(find(index, "978-602-438-123-4")) == [4]


def test_phrases(index):
    assert ids(find(index, '"domestik regional bruto"')) == [5]
    assert ids(find(index, '"bruto domestik"')) == []
    # "majene" is also the office of doc 3 (BPS Kabupaten Majene)
    assert set(ids(find(index, '"dalam angka" majene'))) == {1, 2, 3}
    # the expansion keeps positions: "tenaga kerja" is a phrase of Ketenagakerjaan
    assert 6 in ids(find(index, '"tenaga kerja"', field="title"))
    # an unbalanced quote is ignored
    assert ids(find(index, '"produk domestik')) == [5]


def test_content_is_searched(index):
    # "angkatan kerja" is only in the PDF text of doc 1 (and the abstract of doc 6)
    assert set(ids(find(index, "angkatan"))) == {1, 6}


def test_zero_results(index):
    res = find(index, "kereta cepat")
    assert (res.total, res.hits, res.page, res.pages) == (0, [], 1, 1)
    assert res.facets["year"] == [] and res.facets["office"] == []


def test_only_stopwords_find_nothing(index):
    # documented: a text whose words are all stopwords finds nothing, it does
    # not list the catalogue
    for text in ["yang dan di", "dalam", "dari untuk pada", "!!! ???", "\U0001F600"]:
        res = find(index, text)
        assert res.total == 0 and res.hits == [], text


def test_empty_text_lists_everything_newest_first(index):
    res = find(index, "   ")
    assert res.total == len(CATALOGUE)
    assert res.query.text == ""
    assert ids(res)[:3] == [6, 4, 15]
    assert res.suggestion is None


# --------------------------------------------------------------------------- hostile input

HOSTILE = [
    '"', '"""', '"unbalanced', 'a"b"c"d', "AND", "OR", "NOT", "AND OR", "NOT statistik", "statistik AND",
    "*", "?", "stat*", "stat?stik", "~", "statistik~2", "^", "statistik^10", "title:x", "title:statistik",
    "content:(x OR y)", "(", ")", "((()))", "[", "]", "[2020 TO 2024]", "{", "}", "{a TO b}", "\\", "\\\\",
    "-", "+", "!", "&&", "||", "x" * 2000, ("statistik " * 300), "\x00", "\x00statistik\x1b", "\x1b[31mred",
    "\ud800", "a\ud800b", "\u200b\u200e\ufeff", "\U0001F600 \U0001F4CA", "🇮🇩 statistik", "ﷺ", "مرحبا", "統計",
    "null", "None", "'; DROP TABLE publication; --", "<script>alert(1)</script>", "%s %d {0}", "\t\n\r",
    "yang", "1102001.7605", "2087-", "-4234", "...", "978-", "ş ç ğ é", "Ⅻ", "½", "０１２３",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("field", ["all", "title", "subject", "number"])
def test_hostile_text_never_raises(index, text, field):
    res = index.search(SearchQuery(text=text, field=field))
    assert isinstance(res, SearchResults)
    assert res.total >= 0 and len(res.query.text) <= 256
    for hit in res.hits:
        assert "<script>" not in hit.title_html and "<script>" not in hit.snippet_html


def test_single_values_instead_of_tuples(index):
    res = index.search(SearchQuery(text=12, years="2021", subjects="Keuangan", formats="softcopy", page="2x"))
    assert res.query.years == (2021,) and res.query.subjects == ("Keuangan",)
    assert res.query.formats == ("softcopy",) and res.query.page == 1 and res.query.text == "12"
    assert index.search(SearchQuery(years="2021", subjects="Keuangan")).total == 1


@pytest.mark.parametrize("sort", ["relevance", "newest", "title", "bogus", None])
def test_hostile_query_values_are_normalised(index, sort):
    res = index.search(SearchQuery(text='statistik "', field="nonsense", office="",
                                   years=("x", 2023, None, -5, 10**30), subjects=("", None, "Pertanian"),
                                   formats=("pdf", "hardcopy"), sort=sort, page=-3, per_page=10**6))
    assert res.query.field == "all"
    assert res.query.office is None
    assert res.query.years == (2023,)
    assert res.query.subjects == ("Pertanian",)
    assert res.query.formats == ("hardcopy",)
    assert res.query.sort == (sort if sort in ("relevance", "newest", "title") else "relevance")
    assert res.query.page == 1 and res.per_page == 100


# --------------------------------------------------------------------------- highlighting


def test_highlight_escapes_everything_else(index):
    res = find(index, "upah")
    hit = res.hits[0]
    assert hit.id == 31
    assert hit.title_html == ("Survei <mark>Upah</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; Gaji Buruh 2022")
    assert "<mark>upah</mark>" in hit.snippet_html
    assert "&lt;b&gt;" in hit.snippet_html and "&amp; karyawan" in hit.snippet_html
    assert "<b>" not in hit.snippet_html


def test_title_escaped_without_a_match(index):
    res = find(index, "", office="majenekab", sort="title")
    hit = next(h for h in res.hits if h.id == 31)
    assert hit.title_html == "Survei Upah &lt;script&gt;alert(1)&lt;/script&gt; &amp; Gaji Buruh 2022"
    assert "<mark>" not in hit.title_html


def test_highlight_marks_word_forms(index):
    hit = find(index, "menganggur", field="title").hits[0]
    assert hit.title_html.startswith("Tingkat <mark>Pengangguran</mark> Terbuka")
    hit = find(index, "tenaga kerja", field="title").hits[0]
    assert "<mark>Ketenagakerjaan</mark>" in hit.title_html


def test_snippet_from_abstract(index):
    hit = find(index, "gurem").hits[0]
    assert hit.id == 8
    assert "<mark>gurem</mark>" in hit.snippet_html
    # no match in the abstract: its beginning, cut near 200 characters
    hit = find(index, "angka 2024", office="majenekab").hits[0]
    assert hit.id == 1
    assert "<mark>" not in hit.snippet_html
    assert hit.snippet_html.startswith("Publikasi ini menyajikan gambaran umum")
    assert len(hit.snippet_html) <= 205 and hit.snippet_html.endswith("\u2026")


# --------------------------------------------------------------------------- ranking and sorting


def test_relevance_puts_title_matches_first(index):
    res = find(index, "pengangguran")
    # title of 10, abstract of 6, PDF text of 1
    assert ids(res) == [10, 6, 1]
    assert res.hits[0].score > res.hits[1].score > res.hits[2].score > 0


def test_relevance_ties_are_newest_first(index):
    res = find(index, "dalam angka")
    # the same score: newest first, then (same release date and year) higher id first
    assert ids(res) == [13, 1, 30, 3, 2, 18]  # 18: "angka" in its abstract only
    assert len({h.score for h in res.hits[:5]}) == 1 and res.hits[5].score < res.hits[4].score


def test_sort_newest(index):
    res = find(index, "statistik", sort="newest")
    dates = [(BY_ID[i].release_date or date.min, BY_ID[i].year or 0, i) for i in ids(res)]
    assert dates == sorted(dates, reverse=True)
    # without a release date: after every dated publication, by year
    assert ids(res)[-1] == 23


def test_sort_title(index):
    res = find(index, "", sort="title")
    titles = [BY_ID[i].title.lower() for i in ids(res)]
    assert titles == sorted(titles)
    assert res.total == len(CATALOGUE)


def test_relevance_without_text_is_newest(index):
    assert ids(find(index, "")) == ids(find(index, "", sort="newest"))


# --------------------------------------------------------------------------- pagination


def test_pagination_covers_everything_once(index):
    seen = []
    for page in range(1, 8):
        res = index.search(SearchQuery(page=page, per_page=5))
        assert (res.total, res.pages, res.page) == (31, 7, page)
        seen.extend(ids(res))
    assert len(seen) == len(set(seen)) == 31


def test_page_beyond_the_last_is_clamped(index):
    res = index.search(SearchQuery(page=99, per_page=5))
    assert (res.page, res.pages, res.query.page) == (7, 7, 7)
    assert len(res.hits) == 1
    res = index.search(SearchQuery(text="statistik", sort="relevance", page=1000, per_page=4))
    assert res.page == res.pages and 1 <= len(res.hits) <= 4
    assert ids(res) == ids(index.search(SearchQuery(text="statistik", page=res.pages, per_page=4)))


def test_relevance_pages_continue_each_other(index):
    whole = ids(find(index, "statistik"))
    paged = []
    for page in range(1, 5):
        paged.extend(ids(index.search(SearchQuery(text="statistik", page=page, per_page=4))))
    assert paged == whole[:16]


# --------------------------------------------------------------------------- office and facets


def test_office_restriction(index):
    res = find(index, "statistik", office="majenekab")
    assert set(ids(res)) == {1, 2, 3, 16, 23, 27}  # 1-3: subject "Statistik Umum"
    assert "office" not in res.facets
    assert set(ids(find(index, "", office="majenekab"))) == {d.id for d in CATALOGUE if d.office == "majenekab"}
    assert find(index, "", office="nowhere").total == 0


def test_facets_of_the_whole_catalogue(index):
    res = find(index, "")
    f = res.facets
    assert set(f) == {"year", "subject", "format", "office"}
    assert [y for y, _ in f["year"]] == ["2024", "2023", "2022", "2021", "2020"]
    assert dict(f["year"])["2023"] == sum(1 for d in CATALOGUE if d.year == 2023)
    assert dict(f["office"]) == {o: sum(1 for d in CATALOGUE if d.office == o) for o in OFFICES}
    assert f["office"][:2] == [("majenekab", 8), ("bengkulu", 7)]
    # a "both" publication counts for both formats
    both = sum(1 for d in CATALOGUE if d.format == "both")
    assert dict(f["format"]) == {
        "softcopy": sum(1 for d in CATALOGUE if d.format == "softcopy") + both,
        "hardcopy": sum(1 for d in CATALOGUE if d.format == "hardcopy") + both,
    }
    subjects = f["subject"]
    assert subjects[0] == ("Statistik Umum", 6) and subjects[1] == ("Pertanian", 5)
    counts = [c for _, c in subjects]
    assert counts == sorted(counts, reverse=True)
    tied = [name for name, c in subjects if c == 1]
    assert tied == sorted(tied, key=str.casefold)


def test_facet_filters(index):
    assert set(ids(find(index, "", years=(2021,)))) == {20, 25, 27}
    assert set(ids(find(index, "", years=(2021, 2020)))) == {20, 25, 27, 29}
    assert set(ids(find(index, "", subjects=("Pertanian",)))) == {8, 9, 19, 23, 24}
    assert set(ids(find(index, "", formats=("hardcopy",)))) == {1, 8, 23, 29}
    assert len(ids(find(index, "", formats=("softcopy",)))) == 29
    assert set(ids(find(index, "statistik", formats=("hardcopy",), years=(2020,)))) == {29}
    assert find(index, "", subjects=("No Such Subject",)).total == 0


def test_drill_down_counts(index):
    res = find(index, "statistik", years=(2023,), formats=("hardcopy",))
    assert ids(res) == []
    res = find(index, "statistik", years=(2022,), formats=("hardcopy",))
    assert ids(res) == [23]  # "both"
    res = find(index, "statistik", years=(2023,), formats=("softcopy",))
    assert set(ids(res)) == {2, 3, 9, 16, 21, 30}
    f = res.facets
    # the year facet ignores the year filter but applies the format filter
    # (29, the only 2020 match, is a hardcopy)
    assert dict(f["year"]) == {"2024": 3, "2023": 6, "2022": 4, "2021": 3}
    # the format facet ignores the format filter but applies the year filter
    assert dict(f["format"]) == {"softcopy": 6}
    assert f["subject"] == [("Statistik Umum", 3), ("Kesejahteraan", 1), ("Pariwisata", 1), ("Pertanian", 1)]
    assert f["office"] == [("majenekab", 3), ("bengkulu", 1), ("musibanyuasinkab", 1), ("sawahluntokota", 1)]


def test_selected_values_stay_listed(index):
    res = find(index, "pariwisata", years=(2020,), subjects=("Harga",))
    assert res.total == 0
    assert ("2020", 0) in res.facets["year"]
    assert ("Harga", 0) in res.facets["subject"]


@pytest.mark.parametrize("base", [
    SearchQuery(),
    SearchQuery(text="statistik"),
    SearchQuery(text="statistik", years=(2023, 2022)),
    SearchQuery(text="kabupaten", formats=("hardcopy",), subjects=("Pertanian", "Statistik Umum")),
    SearchQuery(text="penduduk", office="bengkulu"),
])
def test_every_facet_count_is_what_selecting_it_gives(index, base):
    res = index.search(base)
    group_field = {"year": "years", "subject": "subjects", "format": "formats", "office": "office"}
    for group, values in res.facets.items():
        for value, count in values:
            if group == "office":
                q = replace(base, office=value)
            elif group == "year":
                q = replace(base, years=(int(value),))
            else:
                q = replace(base, **{group_field[group]: (value,)})
            assert index.search(q).total == count, (group, value)


# --------------------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("pertanain", "pertanian"),
        ("kependudukn", "kependudukan"),
        ("statistik kependudukn", "statistik kependudukan"),
        ("sensus pertanin majene", "sensus pertanian majene"),
        ("peternkan", "peternakan"),
        ("bengklu", "bengkulu"),
    ],
)
def test_did_you_mean(index, text, suggestion):
    res = find(index, text)
    assert res.total < 3
    assert res.suggestion == suggestion
    assert find(index, suggestion).total > res.total


def test_no_suggestion_when_enough_or_nothing_better(index):
    assert find(index, "statistik").suggestion is None
    assert find(index, "banggae").suggestion is None  # one hit, but a known word
    assert find(index, "zzzzzz").suggestion is None
    assert find(index, "").suggestion is None
    assert find(index, "2087-4235", field="number").suggestion is None


# --------------------------------------------------------------------------- writing


def test_add_update_remove_are_seen_at_once(fresh):
    assert fresh.doc_count() == 31
    new = pub(100, "bengkulu", "Statistik Hortikultura Provinsi Bengkulu 2024", 2024,
              release=date(2025, 1, 2), subjects=["Hortikultura"], abstract="Sayuran dan buah-buahan.")
    fresh.add([new])
    assert ids(find(fresh, "hortikultura")) == [100]
    assert ids(find(fresh, "")) [0] == 100
    assert fresh.doc_count() == 32
    assert dict(find(fresh, "").facets["subject"])["Hortikultura"] == 1

    fresh.add([replace(new, title="Statistik Tanaman Pangan Provinsi Bengkulu 2024",
                       updated=datetime(2025, 1, 3))])
    assert ids(find(fresh, "hortikultura", field="title")) == []
    assert ids(find(fresh, "tanaman pangan")) == [100]
    assert fresh.doc_count() == 32
    assert fresh.stored_versions()[100] == datetime(2025, 1, 3)

    fresh.remove([100, 5, 99999])
    assert find(fresh, "tanaman pangan").total == 0
    assert find(fresh, "pdrb").total == 0
    assert fresh.doc_count() == 30
    assert 100 not in fresh.stored_versions() and 5 not in fresh.stored_versions()
    assert find(fresh, "").total == 30
    assert sum(c for _, c in find(fresh, "").facets["office"]) == 30


def test_a_settled_index_is_not_listed_on_every_search_and_a_write_is_still_seen(fresh, monkeypatch):
    """Whether the index changed is first read from its directory's modification time,
    once that time is old enough to trust; Whoosh's listing of the directory is the rest."""
    assert find(fresh, "hortikultura").total == 0
    reader = fresh._reader()
    long_ago = time.time() - 60
    os.utime(reader.target, (long_ago, long_ago))
    assert find(fresh, "statistik").total  # listed once more, and the old time remembered
    listings = []
    monkeypatch.setattr(reader.searcher, "up_to_date", lambda: listings.append(1) or True)
    assert find(fresh, "statistik").total and find(fresh, "pdrb").total
    assert listings == [] and fresh._reader() is reader
    monkeypatch.undo()
    fresh.add([pub(100, "bengkulu", "Statistik Hortikultura Provinsi Bengkulu 2024", 2024)])
    assert ids(find(fresh, "hortikultura")) == [100]
    assert fresh._reader() is not reader


def test_stored_versions(fresh):
    versions = fresh.stored_versions()
    assert versions == {d.id: d.updated for d in CATALOGUE}


def test_add_creates_a_missing_index(tmp_path):
    idx = SearchIndex(tmp_path / "nested" / "search")
    assert not idx.exists()
    assert idx.search(SearchQuery(text="statistik")).total == 0
    assert idx.doc_count() == 0 and idx.stored_versions() == {}
    idx.add(CATALOGUE[:2])
    assert idx.exists() and idx.doc_count() == 2
    idx.close()


def test_create_empties(fresh):
    fresh.create()
    assert fresh.exists() and fresh.doc_count() == 0
    assert find(fresh, "").total == 0


def test_index_busy_when_another_writer_holds_the_lock(fresh):
    ix = FileStorage(os.path.realpath(fresh.path)).open_index()
    writer = ix.writer()
    try:
        start = time.monotonic()
        with pytest.raises(IndexBusy):
            fresh.add([replace(CATALOGUE[0], title="Other")])
        assert time.monotonic() - start < 2
        with pytest.raises(IndexBusy):
            fresh.remove([1])
    finally:
        writer.cancel()
    fresh.add([replace(CATALOGUE[0], title="Kabupaten Majene Dalam Angka 2024 Edisi Revisi")])
    assert ids(find(fresh, "revisi")) == [1]


def test_index_busy_when_another_rebuild_runs(fresh):
    from whoosh.util.filelock import FileLock

    lock = FileLock(str(fresh.path.parent / ".search.rebuild.lock"))
    assert lock.acquire()
    try:
        busy = SearchIndex(fresh.path, switch_timeout=0.2)
        with pytest.raises(IndexBusy):
            busy.rebuild(CATALOGUE)
        with pytest.raises(IndexBusy):
            busy.create()
    finally:
        lock.release()
    assert fresh.doc_count() == 31


def test_threads_search_while_another_writes(fresh):
    errors = []

    def reader():
        try:
            for _ in range(15):
                res = fresh.search(SearchQuery(text="statistik"))
                assert res.total >= 15
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(5):
        fresh.add([pub(200 + i, "bengkulu", f"Statistik Kelautan Nomor {i}", 2024)])
    for t in threads:
        t.join()
    assert not errors
    assert find(fresh, "statistik kelautan").total == 5


# --------------------------------------------------------------------------- rebuild


def versioned_dirs(idx: SearchIndex) -> list[str]:
    return sorted(p.name for p in idx.path.parent.iterdir()
                  if p.name.startswith(idx.path.name + "-") and p.is_dir() and not p.is_symlink())


def test_rebuild_switches_atomically(tmp_path):
    a = SearchIndex(tmp_path / "search", PROTECTED)
    a.rebuild(CATALOGUE[:10])
    assert a.path.is_symlink()
    first = versioned_dirs(a)
    assert len(first) == 1 and os.path.realpath(a.path).endswith(first[0])

    b = SearchIndex(tmp_path / "search", PROTECTED)  # e.g. another worker
    assert ids(find(b, "sensus", field="title")) == [8]
    old_searcher = b._reader().searcher  # a searcher opened before the rebuild

    renamed = [replace(d, title=d.title.replace("Sensus", "Pencacahan Lengkap")) for d in CATALOGUE]
    assert a.rebuild(renamed) == len(CATALOGUE)

    second = versioned_dirs(a)
    assert len(second) == 1 and second != first  # the old directory is gone
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".search.tmp")]
    # the old searcher still reads its (deleted) files
    assert len(list(old_searcher.documents())) == 10
    assert [old_searcher.stored_fields(n)["id"] for n in
            old_searcher.docs_for_query(wq.Term("title", "sensus"))] == ["8"]
    # a new search, in either object, sees the rebuilt index
    assert ids(b.search(SearchQuery(text="pencacahan lengkap"))) == [8]
    assert find(b, "sensus", field="title").total == 0
    assert b.doc_count() == a.doc_count() == 31
    a.close()
    b.close()


def test_rebuild_progress(tmp_path):
    seen = []
    idx = SearchIndex(tmp_path / "search")
    assert idx.rebuild(iter(CATALOGUE), seen.append, progress_every=10) == 31
    assert seen == [10, 20, 30, 31]
    idx.close()


def test_rebuild_failure_keeps_the_old_index(fresh):
    def broken():
        yield CATALOGUE[0]
        raise RuntimeError("database went away")

    before = versioned_dirs(fresh)
    with pytest.raises(RuntimeError):
        fresh.rebuild(broken())
    assert versioned_dirs(fresh) == before
    assert fresh.doc_count() == 31


def test_rebuild_replays_writes_made_meanwhile(fresh):
    other = SearchIndex(fresh.path, PROTECTED)  # another process, writing to the old index
    added = pub(300, "bengkulu", "Statistik Lingkungan Hidup Provinsi Bengkulu 2024", 2024)

    def docs():
        for i, d in enumerate(CATALOGUE):
            if i == 5:
                other.add([added])
                other.remove([2])
            yield d

    fresh.rebuild(docs(), refetch=lambda wanted: [added] if 300 in wanted else [])
    assert ids(find(fresh, "lingkungan hidup")) == [300]
    assert 2 not in fresh.stored_versions()
    assert fresh.missed_by_rebuild == set()

    def more():
        for i, d in enumerate(CATALOGUE):
            if i == 5:
                other.add([replace(added, id=301)])
            yield d

    fresh.rebuild(more())
    assert fresh.missed_by_rebuild == {301}
    other.close()


def test_plain_directory_is_read_and_converted(tmp_path):
    legacy = SearchIndex(tmp_path / "versioned", PROTECTED)
    path = tmp_path / "search"
    path.mkdir()
    ix = FileStorage(str(path)).create_index(legacy.schema())
    with ix.writer() as w:
        from app.search import _doc_fields

        for d in CATALOGUE[:3]:
            w.add_document(**_doc_fields(d))
    idx = SearchIndex(path, PROTECTED)
    assert idx.exists() and idx.doc_count() == 3
    idx.rebuild(CATALOGUE)
    assert path.is_symlink() and idx.doc_count() == 31
    assert versioned_dirs(idx) == [Path(os.path.realpath(path)).name]
    idx.close()


# --------------------------------------------------------------------------- several processes

CHILD = textwrap.dedent(
    """
    import sys, time
    from app.search import SearchIndex, SearchQuery
    idx = SearchIndex(sys.argv[1])
    assert idx.search(SearchQuery(text="hortikultura")).total == 0
    print("ready", flush=True)
    sys.stdin.readline()  # the parent has committed
    start = time.monotonic()
    while time.monotonic() - start < 5:
        if idx.search(SearchQuery(text="hortikultura")).total == 1:
            print(f"seen {time.monotonic() - start:.3f}", flush=True)
            break
        time.sleep(0.01)
    else:
        print("timeout", flush=True)
    """
)


def test_write_in_one_process_is_seen_by_another_within_a_second(fresh):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(fresh.path)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        fresh.add([pub(400, "bengkulu", "Statistik Hortikultura Provinsi Bengkulu 2024", 2024)])
        child.stdin.write("go\n")
        child.stdin.flush()
        answer = child.stdout.readline().split()
        assert answer[0] == "seen", answer
        assert float(answer[1]) < 1.0
    finally:
        child.kill()
        child.wait()
        child.stdin.close()
        child.stdout.close()


def test_rebuild_in_one_process_is_seen_by_another(fresh):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(fresh.path)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        fresh.rebuild([*CATALOGUE, pub(401, "bengkulu", "Statistik Hortikultura 2024", 2024)])
        child.stdin.write("go\n")
        child.stdin.flush()
        answer = child.stdout.readline().split()
        assert answer[0] == "seen", answer
        assert float(answer[1]) < 1.0
    finally:
        child.kill()
        child.wait()
        child.stdin.close()
        child.stdout.close()
