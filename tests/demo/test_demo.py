"""The demo catalogue engine: records, identifiers, CSV and PDFs (the app/demo/ package)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import demo
from app.demo import (
    CSV_COLUMNS,
    OFFICES,
    SUBJECTS,
    demo_records,
    fmt_id,
    isbn13_check_digit,
    issn_check_digit,
    render_pdf,
    valid_isbn13,
    valid_issn,
    write_demo_files,
)
from tests.helpers import OFFICES_DIR

SLUGS = [o.slug for o in OFFICES]
HEADER = ("office,title,year,catalogue_number,publication_number,issn,isbn,release_date,"
          "subjects,language,abstract,pages,format,shelf_location,pdf")


#: Words the chapters of every publication of a series contain (its first two topics,
#: which even the shortest PDF of the series has).
TOPIC_WORDS = {
    "1102001": ("jumlah penduduk", "tingkat pengangguran terbuka", "produksi padi"),  # Dalam Angka
    "kecamatan": ("jumlah desa/kelurahan", "jumlah penduduk"),
    "1101002": ("jumlah penduduk", "tingkat pengangguran terbuka"),  # Statistik Daerah
    "9302008": ("lapangan usaha", "laju pertumbuhan", "distribusi pdrb"),
    "9302024": ("konsumsi rumah tangga", "pembentukan modal tetap bruto", "pdrb per kapita"),
    "2303003": ("tingkat partisipasi angkatan kerja", "tingkat pengangguran terbuka", "pendidikan"),
    "4102002": ("indeks pembangunan manusia", "harapan lama sekolah", "puskesmas"),
    "5107001": ("usaha pertanian perorangan", "sensus pertanian 2023", "produksi padi"),
    "2101040": ("jumlah penduduk", "kepadatan penduduk", "kelompok umur"),
    "2101018": ("laju pertumbuhan", "2035", "kelompok umur"),
    "3205007": ("garis kemiskinan", "rumah tangga miskin"),
    "4101002": ("puskesmas", "air minum layak"),
    "9199017": ("lapangan usaha", "inflasi"),  # Indikator Ekonomi
    "7203003": ("harga produsen", "inflasi"),
    "7101002": ("inflasi", "indeks harga konsumen", "andil"),
    "5104004": ("populasi", "produksi daging"),
    "8201002": ("dana pihak ketiga", "kredit konsumsi"),
    "2302009": ("tingkat pengangguran terbuka", "pendidikan tertinggi"),
    "8401002": ("usaha akomodasi", "tingkat penghunian kamar"),
    "2101017": ("jumlah penduduk", "kepadatan penduduk", "kelompok umur"),
}

#: Topic words and what a record's title or abstract must announce for its PDF to use
#: them: everyday words of one topic must not match every demo publication.
TOPIC_RULES = {
    "padi": r"pertanian",
    "ternak": r"pertanian|ternak",
    "inflasi": r"harga|inflasi|ekonomi",
    "pengangguran": r"ketenagakerjaan|pengangguran|angkatan kerja",
    "miskin": r"miskin",
    "kepadatan penduduk": r"penduduk",
    "kredit": r"perbankan|kredit",
}


@pytest.fixture(scope="module")
def default_texts(default_records):
    """(record, lower-cased PDF text) of every default demo publication with a PDF."""
    return [(r, _text(render_pdf(r)).lower()) for r in default_records if r["pdf"]]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _kind(record: dict) -> str:
    """The series of a record: its catalogue number, or "kecamatan" for Kecamatan X Dalam Angka."""
    return "kecamatan" if record["title"].startswith("Kecamatan ") else record["catalogue_number"][:7]


def _sample(records: list[dict]) -> list[dict]:
    """One softcopy per series (catalogue number), and at least one per office."""
    picked, seen = [], set()
    for r in records:
        kind = _kind(r)
        if r["pdf"] and (kind not in seen or r["office"] not in {p["office"] for p in picked}):
            seen.add(kind)
            picked.append(r)
    return picked


# ------------------------------------------------------------------ records


def test_records_are_deterministic_per_seed(default_records):
    assert demo_records() == default_records
    assert demo_records(seed=2024) == default_records
    other = demo_records(seed=7)
    assert other != default_records
    assert demo_records(seed=7) == other


def test_default_catalogue_is_balanced_and_varied(default_records):
    assert 60 <= len(default_records) <= 90
    per_office = Counter(r["office"] for r in default_records)
    assert set(per_office) == set(SLUGS)
    assert max(per_office.values()) - min(per_office.values()) <= 1

    formats = Counter(r["format"] for r in default_records)
    assert formats["both"] > len(default_records) / 2
    assert formats["hardcopy"] >= 3 and formats["softcopy"] >= 3
    languages = Counter(r["language"] for r in default_records)
    assert 0 < languages["id-en"] <= len(default_records) // 5
    assert all("in Figures" in r["title"] for r in default_records if r["language"] == "id-en")

    titles = {r["title"] for r in default_records}
    assert "Kabupaten Majene Dalam Angka 2024" in titles
    assert "Provinsi Bengkulu Dalam Angka 2024" in titles
    assert any(t.startswith("Kecamatan ") for t in titles)
    # old editions are hardcopy only
    assert all(r["format"] == "hardcopy" for r in default_records if r["year"] <= 2015)


def test_count_cycles_offices_and_keeps_identifiers():
    seven = demo_records(7)
    assert [r["office"] for r in seven] == [SLUGS[i % 5] for i in range(7)]
    started = time.perf_counter()
    many = demo_records(200)
    assert time.perf_counter() - started < 2.0
    assert len(many) == 200
    assert Counter(r["office"] for r in many) == {slug: 40 for slug in SLUGS}
    assert [r["office"] for r in many] == [SLUGS[i % 5] for i in range(200)]
    # a record does not change with the requested count
    assert many[:7] == seven
    assert demo_records(0) == []
    assert len(demo_records(1)) == 1


def test_count_is_validated():
    with pytest.raises(ValueError):
        demo_records(-1)
    assert len(demo_records(demo.max_records())) == demo.max_records()
    with pytest.raises(ValueError):
        demo_records(demo.max_records() + 1)
    with pytest.raises(TypeError):
        demo_records("7")  # type: ignore[arg-type]
    assert demo.max_records() >= 1000


def test_keys_and_file_names_are_unique():
    records = demo_records(500)
    keys = [(r["office"], r["publication_number"]) for r in records]
    assert len(set(keys)) == len(keys)
    names = [r["pdf"] for r in records if r["pdf"]]
    assert len(set(names)) == len(names)
    assert len({(r["office"], r["title"]) for r in records}) == len(records)


def test_identifier_formats(default_records):
    codes = {o.slug: o.code for o in OFFICES}
    for r in demo_records(300):
        code = codes[r["office"]]
        assert re.fullmatch(rf"\d{{7}}\.{code}", r["catalogue_number"])
        assert re.fullmatch(rf"{code}\d\.{r['year'] % 100:02d}\d\d", r["publication_number"])
        if r["issn"] is not None:
            assert re.fullmatch(r"\d{4}-\d{3}[\dX]", r["issn"]) and valid_issn(r["issn"])
        if r["isbn"] is not None:
            assert re.fullmatch(r"978-6(02|23)-\d{3}-\d{3}-\d", r["isbn"]) and valid_isbn13(r["isbn"])
        if r["pdf"] is not None:
            assert re.fullmatch(rf"{code}-{r['year']}-[a-z0-9-]+\.pdf", r["pdf"])
    assert sum(r["issn"] is not None for r in default_records) > 30
    assert sum(r["isbn"] is not None for r in default_records) > 30
    isbns = [r["isbn"] for r in demo_records(500) if r["isbn"]]
    assert len(set(isbns)) == len(isbns)
    # an ISSN identifies one serial: the same office and catalogue number every year
    serials: dict[str, set] = {}
    for r in demo_records(500):
        if r["issn"]:
            serials.setdefault(r["issn"], set()).add((r["office"], r["catalogue_number"]))
    assert all(len(v) == 1 for v in serials.values())
    assert "7601-2024-dalam-angka.pdf" in {r["pdf"] for r in default_records}


def test_check_digit_helpers():
    assert issn_check_digit("0378595") == "5"  # ISSN 0378-5955
    assert issn_check_digit("0317-847") == "1"  # ISSN 0317-8471
    assert issn_check_digit("2434561") == "X"  # ISSN 2434-561X
    assert isbn13_check_digit("978030640615") == "7"  # ISBN 978-0-306-40615-7
    assert isbn13_check_digit("978-602-438-123") == isbn13_check_digit("978602438123")
    with pytest.raises(ValueError):
        issn_check_digit("12345")
    with pytest.raises(ValueError):
        isbn13_check_digit("97860243812x")

    assert valid_issn("0378-5955") and valid_issn("03785955") and valid_issn("2434-561x")
    assert not valid_issn("0378-5956") and not valid_issn("0378-595") and not valid_issn("")
    assert not valid_issn(None)  # type: ignore[arg-type]
    assert valid_isbn13("978-0-306-40615-7") and valid_isbn13("9780306406157")
    assert valid_isbn13("978 0 306 40615 7")
    assert not valid_isbn13("978-0-306-40615-8")
    assert not valid_isbn13("977-0-306-40615-7")  # not a Bookland prefix
    assert not valid_isbn13("0-306-40615-2")  # ISBN-10 is not an ISBN-13
    assert not valid_isbn13("978-0-306-40615-7X")
    assert not valid_isbn13(None)  # type: ignore[arg-type]


def test_field_types_and_values(default_records):
    for r in demo_records(300):
        assert tuple(r) == CSV_COLUMNS
        assert r["office"] in SLUGS
        assert isinstance(r["title"], str) and r["title"].strip() == r["title"] and r["title"]
        assert type(r["year"]) is int and 2010 <= r["year"] <= 2025
        assert type(r["release_date"]) is date and not isinstance(r["release_date"], datetime)
        assert r["release_date"].year == r["year"] and r["release_date"].weekday() < 5
        for key in ("catalogue_number", "publication_number", "abstract", "language", "format"):
            assert isinstance(r[key], str) and r[key]
        for key in ("issn", "isbn", "shelf_location", "pdf"):
            assert r[key] is None or isinstance(r[key], str)
        assert isinstance(r["subjects"], list) and 1 <= len(r["subjects"]) <= 3
        assert all(s in SUBJECTS for s in r["subjects"]) and len(set(r["subjects"])) == len(r["subjects"])
        assert r["language"] in ("id", "id-en")
        assert type(r["pages"]) is int and 4 <= r["pages"] <= 12
        assert r["format"] in ("softcopy", "hardcopy", "both")
        if r["format"] == "softcopy":
            assert r["shelf_location"] is None and r["pdf"]
        else:
            assert re.fullmatch(r"Rak [A-Z]-\d\d", r["shelf_location"])
        assert (r["pdf"] is None) == (r["format"] == "hardcopy")
        sentences = re.findall(r"[.!?](?=\s|$)", r["abstract"])
        assert 2 <= len(sentences) <= 4, r["abstract"]
        if "Dalam Angka" in r["title"] and not r["title"].startswith("Kecamatan"):
            assert r["release_date"].month == 2 and r["release_date"].day >= 19
    assert any('"' in r["abstract"] and "," in r["abstract"] for r in default_records)


def test_records_are_fresh_dicts():
    first = demo_records(3)
    first[0]["title"] = "changed"
    first[0]["subjects"].append("x")
    again = demo_records(3)
    assert again[0]["title"] != "changed" and "x" not in again[0]["subjects"]


def test_fmt_id():
    assert fmt_id(12345.678, 2) == "12.345,68"
    assert fmt_id(947.84, 2) == "947,84"
    assert fmt_id(1234567) == "1.234.567"
    assert fmt_id(-0.001, 2) == "0,00" and fmt_id(-1.5, 1) == "-1,5"


# ------------------------------------------------------------------ CSV


def _parse(row: dict) -> dict:
    def none(value: str) -> str | None:
        return value or None

    return {
        "office": row["office"], "title": row["title"], "year": int(row["year"]),
        "catalogue_number": row["catalogue_number"], "publication_number": row["publication_number"],
        "issn": none(row["issn"]), "isbn": none(row["isbn"]),
        "release_date": date.fromisoformat(row["release_date"]),
        "subjects": row["subjects"].split(";"), "language": row["language"],
        "abstract": row["abstract"], "pages": int(row["pages"]), "format": row["format"],
        "shelf_location": none(row["shelf_location"]), "pdf": none(row["pdf"]),
    }


def test_csv_round_trip_and_pdf_files(tmp_path):
    path = write_demo_files(tmp_path / "out", count=15)
    assert path == tmp_path / "out" / "catalogue.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == HEADER
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        rows = list(reader)
    records = demo_records(15)
    assert [_parse(row) for row in rows] == records
    assert any('"' in r["abstract"] for r in records)  # quoting was exercised

    pdf_dir = tmp_path / "out" / "pdf"
    expected = {r["pdf"] for r in records if r["pdf"]}
    assert {p.name for p in pdf_dir.iterdir()} == expected
    for record in records:
        if record["pdf"]:
            reader = PdfReader(pdf_dir / record["pdf"])
            assert len(reader.pages) == record["pages"]


def test_csv_empty_fields_for_none(tmp_path):
    path = write_demo_files(tmp_path, count=0)
    assert path.read_text(encoding="utf-8").splitlines() == [HEADER]
    records = demo_records(100)
    hardcopy = next(r for r in records if r["format"] == "hardcopy")
    index = records.index(hardcopy)
    # rebuild a CSV line exactly like write_demo_files does, without rendering PDFs
    line = io.StringIO()
    csv.writer(line).writerow([demo.records._csv_value(k, hardcopy[k]) for k in CSV_COLUMNS])
    row = next(csv.DictReader(io.StringIO(HEADER + "\r\n" + line.getvalue())))
    assert row["pdf"] == "" and _parse(row) == records[index]


# ------------------------------------------------------------------ PDFs


def test_pdfs_match_records(default_records):
    sample = _sample(demo_records(200))
    assert len(sample) >= 18 and {r["office"] for r in sample} == set(SLUGS)
    for record in sample:
        pdf = render_pdf(record)
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == record["pages"]
        assert reader.metadata.title == record["title"]
        text = _text(pdf)
        office = next(o for o in OFFICES if o.slug == record["office"])
        assert record["title"] in text
        assert office.office_name in text
        assert record["catalogue_number"] in text and record["publication_number"] in text
        for ident in ("issn", "isbn"):
            if record[ident]:
                assert record[ident] in text
        assert "Kata Pengantar" in text and "Daftar Isi" in text
        # words only in the body: every subunit name and its area from the overview table
        for su in office.subunits:
            assert su.name in text
        assert fmt_id(office.subunits[-1].area_km2, 2) in text
        assert fmt_id(sum(su.area_km2 for su in office.subunits), 2) in text
        # the short overview every publication has, then words of its own chapters only
        lowered = text.lower()
        for words in ("luas wilayah", *TOPIC_WORDS[_kind(record)]):
            assert words in lowered, (words, record["title"])


def test_pdf_is_deterministic_and_has_tables():
    record = demo_records(1)[0]
    assert record["title"] == "Kabupaten Majene Dalam Angka 2024"
    first, second = render_pdf(record), render_pdf(record)
    assert first == second
    text = _text(first)
    assert "Badan Pusat Statistik Kabupaten Majene" in text
    assert "Tabel 1.1" in text and "Banggae Timur" in text and "Ulumanda" in text
    assert "947,84" in text and "25,15" in text  # total area and Banggae's area
    assert "Majene Regency in Figures 2024" in text  # bilingual subtitle of Dalam Angka
    changed = dict(record, publication_number="76010.2499")
    assert render_pdf(changed) != first


def test_kecamatan_publication_describes_its_kecamatan():
    record = next(r for r in demo_records(300)
                  if r["title"].startswith("Kecamatan ") and r["pdf"])
    name = re.match(r"Kecamatan (.+?) Dalam Angka", record["title"]).group(1)
    text = _text(render_pdf(record))
    assert f"Kecamatan {name} merupakan salah satu dari" in text


@pytest.mark.parametrize("pages", [3, 4, 7, 12, 30])
def test_render_exact_page_count(pages):
    record = dict(demo_records(2)[1], pages=pages)
    pdf = render_pdf(record)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    assert f"Halaman {pages} dari {pages}" in _text(pdf)


def test_render_rejects_bad_records():
    record = demo_records(1)[0]
    with pytest.raises(ValueError):
        render_pdf(dict(record, pages=2))
    with pytest.raises(ValueError):
        render_pdf(dict(record, pages="8"))
    with pytest.raises(ValueError):
        render_pdf(dict(record, office="nowhere"))


def test_demo_module_stays_a_plain_engine():
    package = Path(demo.__file__).parent
    for path in package.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(flask|sqlalchemy|app\.extensions)", source, re.M), path
        # ReportLab is drawn in one module only
        uses_reportlab = re.search(r"^\s*(from|import)\s+reportlab", source, re.M)
        assert bool(uses_reportlab) == (path.name == "pdfs.py"), path
    app_dir = package.parent
    for path in app_dir.rglob("*.py"):
        if package not in path.parents:
            assert not re.search(r"^\s*(from|import)\s+reportlab", path.read_text(encoding="utf-8"), re.M), path
    assert not (app_dir / "catalogue" / "demo.py").exists()


def test_records_do_not_load_reportlab():
    code = ("import sys, app.demo as d; d.demo_records(20); d.max_records(); "
            "assert 'reportlab' not in sys.modules, 'reportlab imported'")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                            cwd=OFFICES_DIR.parent, timeout=120)
    assert result.returncode == 0, result.stderr


def test_data_lives_in_data_files():
    data = Path(demo.__file__).parent / "data"
    assert {p.name for p in data.glob("*.yaml")} >= {"offices.yaml", "series.yaml", "chapters.yaml",
                                                      "texts.yaml"}
    profiles = OFFICES_DIR
    assert {o.slug for o in OFFICES} <= {p.stem for p in profiles.glob("*.yaml")}
    assert "Ulumanda" in (data / "offices.yaml").read_text(encoding="utf-8")
    assert "Pembangunan Manusia" in (data / "series.yaml").read_text(encoding="utf-8")
    for path in Path(demo.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "Ulumanda" not in source and "Produksi padi" not in source, path


def test_every_chapter_page_builds_for_every_office():
    from app.demo import chapters
    from app.demo.records import SERIES

    assert {t for s in SERIES for t in s.topics} == set(chapters.TOPICS)
    records = demo_records(demo.max_records())
    for office in OFFICES:
        for series in SERIES:
            if office.level not in series.levels:
                continue
            record = next(r for r in records
                          if r["office"] == office.slug and chapters.context(r).series == series)
            ctx = chapters.context(record)
            for topic in series.topics:
                for v in range(4):
                    page = chapters.chapter_page(ctx, topic, v)
                    assert page.paragraphs and page.caption and page.source
                    assert len(page.widths) == len(page.header) and page.rows
                    assert all(len(row) == len(page.header) for row in page.rows)
                    assert "{" not in " ".join([*page.paragraphs, page.caption, *page.header])


def test_pdf_text_stays_on_its_topic(default_texts):
    """A publication's chapters are about its own series: no shared overview chapter."""
    assert len(default_texts) >= 60
    for word, announced in TOPIC_RULES.items():
        using = [(r, text) for r, text in default_texts if word in text]
        assert using, word  # the rule is not vacuous ...
        assert len(using) < len(default_texts), word  # ... and the word is no longer everywhere
        for record, _ in using:
            meta = f"{record['title']} {record['abstract']}".lower()
            assert re.search(announced, meta), (word, record["title"])
    # the little all publications share is the region and its subunits, not any topic
    majene = [text for r, text in default_texts if r["office"] == "majenekab"]
    assert all("ulumanda (409,57 km²)" in text for text in majene)
    shared = set.intersection(*(set(re.findall(r"[a-z]+", text)) for _, text in default_texts))
    assert not shared & {"padi", "pertanian", "penduduk", "inflasi", "pengangguran", "ternak", "miskin"}


def test_price_publication_talks_about_prices_not_paddy():
    record = next(r for r in demo_records(300) if r["title"].startswith("Inflasi dan Indeks Harga Konsumen"))
    text = _text(render_pdf(dict(record, pages=8))).lower()
    assert "inflasi" in text and "indeks harga konsumen" in text and "andil" in text
    for word in ("padi", "pertanian", "penduduk", "pengangguran", "ternak"):
        assert word not in text, word
