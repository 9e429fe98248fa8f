"""Relevance: matches in the metadata above matches only in the PDF text, then the
weight of the evidence (how often, in how long a field).  No Flask needed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.search import PublicationDoc, SearchIndex, SearchQuery

FILLER = ("Data dikumpulkan melalui survei rumah tangga dan pencacahan lengkap di setiap desa. "
          "Angka sementara dapat berubah setelah pemeriksaan lebih lanjut oleh petugas. ")


def doc(id, title, *, abstract="", content="", subjects=(), office="majenekab", year=2023, release=None):
    return PublicationDoc(
        id=id, office=office, office_name="BPS Kabupaten Majene", title=title, abstract=abstract,
        subjects=tuple(subjects), year=year, release_date=release or date(2023, 6, 1),
        content=content, updated=datetime(2024, 1, 1),
    )


def long_text(words: int) -> str:
    """Filler of about ``words`` words, none of them a query word of these tests."""
    base = FILLER.split()
    return " ".join(base[i % len(base)] for i in range(words))


CATALOGUE = [
    # "perikanan": in a title, an abstract, and in PDF texts only
    doc(1, "Statistik Perikanan Kabupaten Majene 2023"),
    doc(2, "Laporan Tahunan Dinas Kelautan 2023", abstract="Produksi perikanan tangkap dan budidaya."),
    doc(3, "Laporan Pelaksanaan Kegiatan 2023", content=("Hasil perikanan meningkat. " * 50) + long_text(300)),
    # "hortikultura": only in PDF texts: said often versus once, in texts of the same length
    doc(4, "Catatan Lapangan Triwulan I", content=("Produksi hortikultura naik. " * 20) + long_text(400)),
    doc(5, "Catatan Lapangan Triwulan II", content="Produksi hortikultura naik. " + long_text(460)),
    # "kehutanan": once each, in a short PDF text and in a very long one
    doc(6, "Catatan Lapangan Triwulan III", content="Luas kehutanan tetap. " + long_text(200)),
    doc(7, "Catatan Lapangan Triwulan IV", content="Luas kehutanan tetap. " + long_text(12000)),
    # "pelabuhan": in a short title and in a long one
    doc(8, "Statistik Pelabuhan 2023"),
    doc(9, "Statistik Lalu Lintas Kapal dan Bongkar Muat Barang di Pelabuhan Laut Menurut Jenis 2023"),
    # "koperasi": twice and once in abstracts of the same length
    doc(10, "Catatan Usaha Mikro A", abstract="Koperasi simpan pinjam dan koperasi produsen di desa."),
    doc(11, "Catatan Usaha Mikro B", abstract="Koperasi simpan pinjam dan lembaga keuangan di desa."),
    # two words: both in the title, versus one of them only in the PDF text
    doc(12, "Statistik Pertambangan Kabupaten Majene 2023", content="Lokasi tambang rakyat di Majene."),
    doc(13, "Statistik Pertambangan Rakyat 2023", content="Lokasi galian pasir."),
    doc(14, "Statistik Galian Rakyat 2023", content="Sektor pertambangan kecil."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = SearchIndex(tmp_path_factory.mktemp("ranking") / "search", ["Majene"])
    idx.rebuild(CATALOGUE)
    yield idx
    idx.close()


def ids(index, text, **kw):
    return [h.id for h in index.search(SearchQuery(text=text, per_page=50, **kw)).hits]


def test_title_and_abstract_matches_rank_above_a_pdf_that_says_the_word_50_times(index):
    assert ids(index, "perikanan") == [1, 2, 3]
    res = index.search(SearchQuery(text="perikanan"))
    assert [h.full_text_only for h in res.hits] == [False, False, True]


def test_a_word_said_often_in_the_pdf_text_counts_for_more(index):
    assert ids(index, "hortikultura") == [4, 5]


def test_a_passing_mention_in_a_long_pdf_counts_for_less(index):
    assert ids(index, "kehutanan") == [6, 7]


def test_a_short_title_counts_for_more_than_a_long_one(index):
    assert ids(index, "pelabuhan") == [8, 9]


def test_a_word_said_twice_in_an_abstract_counts_for_more(index):
    assert ids(index, "koperasi") == [10, 11]


def test_every_word_in_the_metadata_ranks_above_a_word_only_in_the_pdf_text(index):
    # 13: both words in the title; 12: "rakyat" only in its PDF text;
    # 14: "pertambangan" only in its PDF text
    hits = {h.id: h for h in index.search(SearchQuery(text="pertambangan rakyat")).hits}
    assert list(hits)[0] == 13 and set(hits) == {12, 13, 14}
    assert not hits[13].full_text_only
    assert hits[12].full_text_only and hits[12].text_terms == ("rakyat",)
    assert hits[14].full_text_only and hits[14].text_terms == ("tambang",)


def test_scores_fall_with_the_rank(index):
    hits = index.search(SearchQuery(text="perikanan")).hits
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_the_order_is_the_same_on_every_page(index):
    whole = ids(index, "statistik")
    paged = []
    for page in range(1, 4):
        paged += [h.id for h in index.search(SearchQuery(text="statistik", page=page, per_page=2)).hits]
    assert paged == whole[:6]
