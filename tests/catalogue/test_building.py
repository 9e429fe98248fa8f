"""The fast index build: what it writes is what Whoosh's own writer writes."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime

import pytest
from whoosh.filedb.filestore import FileStorage

from app.analysis import build_analyzer, build_exact_analyzer
from app.search import PublicationDoc, SearchIndex, SearchQuery, _doc_fields
from app.search import building
from app.search.schema import _codec
from app.search.terms import FastAnalyzer

PROTECTED = ["Majene", "Banggae", "Musi Banyuasin", "Sekayu", "Bengkulu", "Pasaman", "Bekasi"]

TEXTS = [
    "Keadaan Ketenagakerjaan Provinsi Bengkulu Agustus 2024",
    "yang dan di Statistik Perbankan, peternakan & pengangguran (SP2020) rumah-tangga",
    "Tingkat Pengangguran Terbuka: PDRB, IPM dan IHK Kabupaten Bekasi 1102001.7601",
    "İstanbul ÇAĞ straße ﷺ 統計 \u00a0\u200b Ⅻ ½ ０１２３ naïve",
    "",
    "dalam angka dalam angka yang yang",
    "menganggur menganggurkan penganggurannya perbankannya ketenagalistrikan rumahtangga",
]


def pub(id, office, title, *, abstract="", content="", subjects=(), fmt="softcopy", **kw):
    return PublicationDoc(id=id, office=office, office_name=f"BPS {office}", title=title, abstract=abstract,
                          subjects=tuple(subjects), year=2023, release_date=date(2023, 1 + id % 12, 1),
                          format=fmt, content=content, updated=datetime(2024, 6, 1, 8, 0, id % 60), **kw)


CATALOGUE = [
    pub(1, "majenekab", "Kabupaten Majene Dalam Angka 2024", subjects=["Statistik Umum"], fmt="both",
        abstract="Gambaran umum wilayah, penduduk dan pertanian.", catalogue_number="1102001.7605",
        publication_number="76050.2401", issn="2087-4234", isbn="978-602-438-123-4",
        content="Jumlah penduduk menurut kecamatan. Angkatan kerja dan pengangguran."),
    pub(2, "majenekab", "Kecamatan Banggae Dalam Angka 2023", abstract="Kecamatan Banggae: geografi."),
    pub(5, "musibanyuasinkab", "Produk Domestik Regional Bruto Kabupaten Musi Banyuasin 2019-2023",
        subjects=["Neraca Regional"]),
    pub(6, "bengkulu", "Keadaan Ketenagakerjaan Provinsi Bengkulu Agustus 2024", subjects=["Tenaga Kerja"],
        abstract="Angkatan kerja, penduduk bekerja dan tingkat pengangguran terbuka."),
    pub(10, "pasamankab", "Tingkat Pengangguran Terbuka Kabupaten Pasaman 2023", subjects=["Tenaga Kerja"],
        abstract="Penganggur menurut pendidikan dan umur.", fmt="hardcopy"),
    pub(13, "bekasikab", "Kabupaten Bekasi Dalam Angka 2024", abstract="Gambaran umum Kabupaten Bekasi."),
    pub(31, "majenekab", "Survei Upah <script>alert(1)</script> & Gaji Buruh 2022", subjects=["Upah"],
        abstract="Rata-rata <b>upah</b> buruh & karyawan per bulan."),
]


def more_docs(count: int) -> list[PublicationDoc]:
    """Varied documents: repeated words, numbers, expansions, odd characters."""
    words = " ".join(TEXTS).split() or ["kosong"]
    docs = []
    for i in range(count):
        text = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(5 + i % 40))
        docs.append(PublicationDoc(
            id=1000 + i, office=("majenekab", "bengkulu", "pasamankab")[i % 3], office_name="BPS Kabupaten X",
            title=f"Statistik {words[i % len(words)]} Jilid {i}", abstract=text[: 80 + i % 200],
            subjects=(("Pertanian",), ("Harga", "Inflasi"), ())[i % 3], year=2000 + i % 25,
            release_date=date(2000 + i % 25, 1 + i % 12, 1) if i % 5 else None,
            catalogue_number=f"{1101001 + i % 37}.{7601 + i}", issn="2087-4234" if i % 4 == 0 else None,
            format=("softcopy", "hardcopy", "both")[i % 3], content=(text + " ") * (1 + i % 6),
            updated=datetime(2024, 1, 1, i % 24, i % 60)))
    return docs


def whoosh_built(folder, schema, docs):
    """The index as Whoosh's own add_document and commit(optimize=True) write it."""
    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(schema)
    w = ix.writer(codec=_codec())
    for doc in docs:
        w.add_document(**_doc_fields(doc, schema))
    w.commit(optimize=True)
    return ix


def contents(reader) -> dict:
    """Every term with its term statistics and postings, stored fields, lengths, columns."""
    out: dict = {"terms": {}}
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        m = reader.postings(fieldname, text)
        postings = []
        while m.is_active():
            # A spelling word's posting value is never read: Whoosh writes
            # whatever value its previous posting had, the bulk writer 1.
            value = None if fieldname.startswith("spell_") else m.value()
            postings.append((m.id(), m.weight(), value))
            m.next()
        out["terms"][(fieldname, text)] = (
            info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(),
            info.min_id(), info.max_id(), postings)
    out["stored"] = list(reader.all_stored_fields())
    n = reader.doc_count_all()
    for fieldname in reader.schema.scorable_names():
        out[("lengths", fieldname)] = ([reader.doc_field_length(d, fieldname) for d in range(n)],
                                       reader.field_length(fieldname))
    for fieldname in ("sort_newest", "title_sort"):
        out[("column", fieldname)] = list(reader.column_reader(fieldname))
    return out


@pytest.fixture(scope="module")
def docs():
    return CATALOGUE + more_docs(700)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, docs):
    folder = tmp_path_factory.mktemp("reference")
    schema = SearchIndex(folder / "unused", PROTECTED).schema()
    with whoosh_built(folder / "whoosh", schema, docs).reader() as r:
        return contents(r)


def test_the_bulk_build_writes_what_whoosh_writes(tmp_path, docs, reference):
    idx = SearchIndex(tmp_path / "search", PROTECTED, build_procs=1)
    idx.rebuild(docs)
    with FileStorage(os.path.realpath(idx.path)).open_index().reader() as r:
        built = contents(r)
    assert built.keys() == reference.keys()
    assert built["terms"].keys() == reference["terms"].keys()
    for key, value in reference["terms"].items():
        assert built["terms"][key] == value, key
    for key in reference:
        assert built[key] == reference[key], key
    assert idx.last_build.documents == len(docs) and idx.last_build.workers == 0
    idx.close()


def test_the_parallel_build_writes_the_same(tmp_path, monkeypatch, docs, reference):
    monkeypatch.setattr(building, "PARALLEL_ABOVE", 100)
    monkeypatch.setattr(building, "CHUNK", 64)
    seen = []
    idx = SearchIndex(tmp_path / "search", PROTECTED, build_procs=2)
    assert idx.rebuild(iter(docs), seen.append, progress_every=200) == len(docs)
    assert seen == [200, 400, 600, len(docs)]
    assert idx.last_build.workers == 2 and idx.last_build.analysis_cpu > 0
    with FileStorage(os.path.realpath(idx.path)).open_index().reader() as r:
        assert contents(r) == reference
    assert [h.id for h in idx.search(SearchQuery(text="upah gaji", field="title")).hits] == [31]
    idx.close()


def test_analysing_processes_run_below_the_calling_one():
    """The calling process reads and writes every chunk in order: it must not wait for a
    CPU behind the workers it feeds (a 100k build took 85-96 s at equal priority, 74 s so)."""
    import pickle

    from app.search.schema import build_schema

    with building._context().Pool(1, initializer=building._init_worker,
                                  initargs=(pickle.dumps(build_schema(PROTECTED)),)) as pool:
        assert pool.apply(os.nice, (0,)) == min(19, os.nice(0) + building.WORKER_NICENESS)


def test_a_failing_parallel_build_keeps_the_old_index(tmp_path, monkeypatch, docs):
    monkeypatch.setattr(building, "PARALLEL_ABOVE", 100)
    monkeypatch.setattr(building, "CHUNK", 64)
    idx = SearchIndex(tmp_path / "search", PROTECTED, build_procs=2)
    idx.rebuild(CATALOGUE)

    def broken():
        yield from docs[:500]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        idx.rebuild(broken())
    assert idx.doc_count() == len(CATALOGUE)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("search-")] == [os.path.basename(
        os.path.realpath(idx.path))]
    idx.close()


def test_later_writes_go_to_the_bulk_built_index(tmp_path, docs):
    idx = SearchIndex(tmp_path / "search", PROTECTED)
    idx.rebuild(docs[:40])
    idx.add([replace(docs[0], title="Kabupaten Majene Dalam Angka 2024 Edisi Revisi")])
    idx.remove([2])
    assert [h.id for h in idx.search(SearchQuery(text="revisi")).hits] == [1]
    assert idx.doc_count() == 39
    idx.close()


@pytest.mark.parametrize("analyzer", [build_analyzer(PROTECTED), build_exact_analyzer()], ids=["stemming", "exact"])
@pytest.mark.parametrize("text", TEXTS)
def test_the_fast_analyzer_gives_the_analyzers_terms(analyzer, text):
    fast = FastAnalyzer.of(analyzer)
    words = fast.findall(text)
    tokens = [(t.text, t.pos) for t in analyzer(text, positions=True)]  # Whoosh reuses one Token
    assert list(fast.terms(words)) == [text for text, _ in tokens]
    if tokens:
        assert fast.first_position(words) == tokens[0][1]
    assert fast.spell_words(words) == sorted({t.text for t in analyzer(text, no_morph=True)})
