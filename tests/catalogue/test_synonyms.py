"""Topic synonyms: an office's words for a topic find it (no Flask needed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.search import BROADER_TOPICS, TOPIC_SYNONYMS, PublicationDoc, SearchIndex, SearchQuery

PROTECTED = ["Bengkulu", "Majene", "Padang", "Pasaman"]


def doc(id, title, *, abstract="", content="", subjects=(), release=date(2023, 6, 1)):
    return PublicationDoc(
        id=id, office="bengkulu", office_name="BPS Provinsi Bengkulu", title=title, abstract=abstract,
        subjects=tuple(subjects), year=release.year, release_date=release, content=content,
        updated=datetime(2024, 1, 1),
    )


CATALOGUE = [
    doc(1, "Indeks Harga Konsumen Kota Bengkulu 2023", subjects=["Harga"]),
    doc(2, "Inflasi Kota Padang 2023"),
    doc(3, "Analisis TPT Provinsi Bengkulu 2023"),
    doc(4, "Keadaan Angkatan Kerja Provinsi Bengkulu Agustus 2023"),
    doc(5, "Statistik Kependudukan Provinsi Bengkulu 2022"),
    doc(6, "Produk Domestik Regional Bruto Provinsi Bengkulu 2023"),
    doc(7, "Indikator Ekonomi Provinsi Bengkulu 2023"),
    doc(8, "Statistik Pariwisata 2023", content="Indeks harga konsumen naik 2 persen. " * 5),
    doc(9, "Statistik Harga Produsen 2023", subjects=["Harga"]),
    doc(10, "Profil Penduduk Miskin Kabupaten Pasaman 2023"),
    doc(11, "Statistik Perdagangan 2023", abstract="Ekspor, impor, dan inflasi bulanan."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = SearchIndex(tmp_path_factory.mktemp("synonyms") / "search", PROTECTED)
    idx.rebuild(CATALOGUE)
    yield idx
    idx.close()


def ids(index, text, **kw):
    return [h.id for h in index.search(SearchQuery(text=text, per_page=50, **kw)).hits]


def test_inflasi_finds_the_consumer_price_index(index):
    found = ids(index, "inflasi")
    assert 1 in found  # "Indeks Harga Konsumen Kota Bengkulu 2023": no "inflasi" anywhere
    assert found[0] == 2  # the word itself in the title first


def test_each_expression_of_a_group_finds_the_others(index):
    assert {1, 2} <= set(ids(index, "ihk"))
    assert {1, 2} <= set(ids(index, "indeks harga konsumen"))
    assert {1, 2} <= set(ids(index, "harga konsumen"))  # two typed words, one topic


def test_typed_words_still_find_what_they_find_without_synonyms(index):
    # "harga" and "konsumen" in different fields of 8 (its PDF text): still found
    assert 8 in ids(index, "harga konsumen")


def test_unemployment_words(index):
    assert {3} <= set(ids(index, "pengangguran"))  # TPT = tingkat pengangguran terbuka
    assert {3} <= set(ids(index, "tingkat pengangguran terbuka"))
    # TPT is published in "Keadaan Angkatan Kerja": the narrower topic of a broad word ...
    assert 4 in ids(index, "pengangguran")
    # ... one way only
    assert 3 not in ids(index, "angkatan kerja")


def test_population_and_poverty_words(index):
    assert set(ids(index, "demografi")) == {5, 10}  # kependudukan; penduduk
    assert 10 in ids(index, "kemiskinan")


def test_the_economy_finds_regional_gdp_but_not_the_other_way(index):
    assert {6, 7} <= set(ids(index, "ekonomi"))
    assert 7 not in ids(index, "pdrb")


def test_synonyms_are_not_looked_for_in_the_pdf_text(index):
    # 8 says "indeks harga konsumen" in its PDF text only
    assert 8 not in ids(index, "inflasi")


def test_a_broad_words_narrower_topics_are_not_looked_for_in_abstracts(index):
    # "inflasi" finds publications filed under prices (subject "Harga")...
    assert 9 in ids(index, "inflasi")
    # ... but the word itself counts for more than a narrower topic or a synonym
    found = ids(index, "inflasi")
    assert found.index(2) < found.index(1) < found.index(9)


def test_field_choices_keep_their_meaning(index):
    assert ids(index, "inflasi", field="title") == [2, 1, 9]
    assert ids(index, "inflasi", field="subject") == [9, 1]  # subject "Harga"
    assert ids(index, "inflasi", field="number") == []


def test_a_synonym_match_marks_the_synonym(index):
    hits = {h.id: h for h in index.search(SearchQuery(text="inflasi")).hits}
    assert hits[1].title_html == "<mark>Indeks</mark> <mark>Harga</mark> <mark>Konsumen</mark> Kota Bengkulu 2023"
    assert hits[2].title_html == "<mark>Inflasi</mark> Kota Padang 2023"
    assert "<mark>inflasi</mark>" in hits[11].snippet_html


@pytest.mark.parametrize("group", TOPIC_SYNONYMS, ids=lambda g: g[0])
def test_every_group_works_both_ways(tmp_path, group):
    docs = [doc(i, f"Laporan {expression.title()} 2023") for i, expression in enumerate(group, 1)]
    idx = SearchIndex(tmp_path / "search", PROTECTED)
    idx.rebuild(docs)
    try:
        for expression in group:
            assert set(ids(idx, expression)) == {d.id for d in docs}, expression
    finally:
        idx.close()


@pytest.mark.parametrize("word", sorted(BROADER_TOPICS))
def test_every_broad_word_finds_its_narrower_topics(tmp_path, word):
    docs = [doc(i, f"Laporan {topic.title()} 2023") for i, topic in enumerate(BROADER_TOPICS[word], 1)]
    idx = SearchIndex(tmp_path / "search", PROTECTED)
    idx.rebuild(docs)
    try:
        assert set(ids(idx, word)) == {d.id for d in docs}
    finally:
        idx.close()
