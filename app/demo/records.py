"""Catalogue records of the demo: offices, series, identifiers and the import CSV.

No ReportLab here: :func:`write_demo_files` imports :mod:`app.demo.pdfs` only when
it renders the PDFs.  The offices and series come from ``data/offices.yaml`` and
``data/series.yaml``; this module holds the rules that turn them into records.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable

from app.catalogue.identifiers import isbn13_check_digit, issn_check_digit
from app.demo.datafiles import load
from app.text import slugify

#: Header of the import CSV, in order.  Every record has exactly these keys.
CSV_COLUMNS = (
    "office", "title", "year", "catalogue_number", "publication_number", "issn", "isbn",
    "release_date", "subjects", "language", "abstract", "pages", "format",
    "shelf_location", "pdf",
)

#: Records produced by ``demo_records()`` without a count (15 per office).
DEFAULT_COUNT = 75

#: The fixed subject vocabulary used by the demo catalogue.
SUBJECTS: tuple[str, ...] = tuple(load("series")["subjects"])

#: The 17 industry categories of PDRB by industry, as (code, name).
INDUSTRIES: tuple[tuple[str, str], ...] = tuple(
    (str(code), name) for code, name in load("offices")["industries"]
)


# --------------------------------------------------------------------------
# Offices and their (synthetic, rounded) regional magnitudes
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Subunit:
    """A kecamatan (or, for a province, a kabupaten/kota)."""

    name: str
    area_km2: float
    population_2020: int
    growth: float  #: population growth, percent per year
    villages: int  #: desa/kelurahan, nagari or (province) kecamatan


@dataclass(frozen=True)
class DemoOffice:
    """One of the five offices, with the magnitudes its demo figures derive from."""

    slug: str
    code: str  #: BPS region code, 4 digits
    level: str  #: "kabupaten", "kota" or "provinsi"
    region: str  #: "Kabupaten Majene"
    short: str  #: "Majene"
    english: str  #: "Majene Regency"
    province: str
    seat: str  #: town where the office signs its forewords
    subunit_label: str  #: "Kecamatan" or "Kabupaten/Kota"
    village_label: str  #: "Desa/Kelurahan", "Nagari", "Kecamatan"
    location: str  #: "di Provinsi Sulawesi Barat"
    wider: str  #: the wider area the region is compared with
    subunits: tuple[Subunit, ...]
    tpt: float  #: typical open unemployment rate, %
    tpak: float  #: typical labour force participation rate, %
    poverty: float  #: typical poverty headcount, %
    hdi: float  #: human development index around 2023
    gdp_per_capita: float  #: million rupiah, current prices, 2023
    gdp_shares: tuple[float, ...]  #: shares of the 17 industry categories
    paddy_share: float  #: harvested paddy area as a share of land area
    estate_crops: tuple[str, ...]
    isbn_publishers: tuple[str, str]  #: 3-digit publisher codes under 602 and 623 (invented)

    @property
    def office_name(self) -> str:
        return f"Badan Pusat Statistik {self.region}"

    @property
    def is_province(self) -> bool:
        return self.level == "provinsi"

    @property
    def english_office(self) -> str:
        return f"BPS-Statistics of {self.english}"

    @property
    def subunit_lower(self) -> str:
        """"kecamatan" or "kabupaten/kota", as in running text."""
        return self.subunit_label.lower()


def _shares(weights: dict[str, float]) -> tuple[float, ...]:
    """Industry weights (missing ones weigh 1) normalised to shares, in industry order."""
    raw = [weights.get(code, 1.0) for code, _ in INDUSTRIES]
    total = sum(raw)
    return tuple(v / total for v in raw)


def _office(data: dict) -> DemoOffice:
    return DemoOffice(
        **{key: data[key] for key in (
            "slug", "code", "level", "region", "short", "english", "province", "seat",
            "subunit_label", "village_label", "location", "wider", "tpt", "tpak", "poverty",
            "hdi", "gdp_per_capita", "paddy_share")},
        subunits=tuple(Subunit(*row) for row in data["subunits"]),
        gdp_shares=_shares({str(k): v for k, v in data["gdp_shares"].items()}),
        estate_crops=tuple(data["estate_crops"]),
        isbn_publishers=tuple(data["isbn_publishers"]),
    )


OFFICES: tuple[DemoOffice, ...] = tuple(_office(o) for o in load("offices")["offices"])

_OFFICE_BY_SLUG = {o.slug: o for o in OFFICES}


def office_for(slug: object) -> DemoOffice | None:
    """The demo office with this slug, or None."""
    return _OFFICE_BY_SLUG.get(slug)  # type: ignore[call-overload]


def unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) for *parts* (independent of PYTHONHASHSEED)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


# --------------------------------------------------------------------------
# Publication series
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A publication series: what its records look like and what its PDF talks about."""

    key: str
    catalogue: str  #: 7-digit BPS catalogue number
    title: str  #: template, see data/series.yaml
    stem: str  #: file-name part, e.g. "dalam-angka"
    subjects: tuple[str, ...]
    years: tuple[int, int]  #: first and last publication year
    window: tuple[int, int, int, int]  #: release month/day from ... to
    levels: tuple[str, ...]  #: office levels that publish it
    rack: str
    topics: tuple[str, ...]  #: chapter plan of the PDF
    intro: str  #: the sentence that opens the PDF's "Sekilas Wilayah"
    abstract: tuple[str, ...]  #: first two sentences always, the rest optional
    title_by_level: tuple[tuple[str, str], ...] = ()
    english_title: str | None = None
    one_off: bool = False
    per_subunit: bool = False
    data_lag: int = 1  #: data year = publication year - data_lag
    issn: bool = True
    isbn: bool = True
    pages: tuple[int, int] = (4, 10)

    def title_for(self, office: DemoOffice, year: int, variant: str | None) -> str:
        """The catalogue title of this series' edition *year* (of kecamatan *variant*)."""
        template = dict(self.title_by_level).get(office.level, self.title)
        return template.format(region=office.region, english=office.english, kecamatan=variant or "",
                               year=year, y1=year - 1, y5=year - 5)


def _series(data: dict) -> Series:
    data = dict(data)
    for key in ("subjects", "years", "window", "levels", "topics", "abstract", "pages"):
        if key in data:
            data[key] = tuple(data[key])
    data["title_by_level"] = tuple(data.get("title_by_level", {}).items())
    return Series(**data)


SERIES: tuple[Series, ...] = tuple(_series(s) for s in load("series")["series"])
_SERIES_BY_KEY = {s.key: s for s in SERIES}
_ISSN_PREFIXES: tuple[str, ...] = tuple(load("series")["issn_prefixes"])


def series_for(record: dict) -> tuple[Series, str | None]:
    """The series of *record* and, for "Kecamatan X Dalam Angka", the kecamatan X."""
    title = str(record.get("title", ""))
    match = re.match(r"Kecamatan (.+?) Dalam Angka", title)
    if match:
        return next(s for s in SERIES if s.per_subunit), match.group(1)
    prefix = str(record.get("catalogue_number") or "").split(".")[0]
    for series in SERIES:
        if series.catalogue == prefix and not series.per_subunit:
            return series, None
    return _SERIES_BY_KEY["da"], None


def english_title(office: DemoOffice, year: int) -> str:
    """The English title of a Dalam Angka edition ("Majene Regency in Figures 2024")."""
    template = _SERIES_BY_KEY["da"].english_title or ""
    return template.format(english=office.english, year=year)


def _is_english_edition(office: DemoOffice, year: int) -> bool:
    """A few Dalam Angka editions are catalogued under their English (bilingual) title."""
    index = OFFICES.index(office)
    return 2017 <= year <= 2023 and (year + index) % 4 == 0


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    series: Series
    year: int
    variant: str | None  #: kecamatan name for "Kecamatan X Dalam Angka"

    @property
    def key(self) -> str:
        return f"{self.series.key}:{self.year}:{self.variant or ''}"


def _pool(office: DemoOffice) -> list[_Candidate]:
    """Every publication the office could hold, in a canonical order."""
    out = []
    for series in SERIES:
        if office.level not in series.levels:
            continue
        first, last = series.years
        variants: Iterable[str | None] = (
            [s.name for s in office.subunits] if series.per_subunit else [None]
        )
        for variant in variants:
            for year in range(first, last + 1):
                out.append(_Candidate(series, year, variant))
    return out


def max_records() -> int:
    """The largest ``count`` :func:`demo_records` accepts (about a thousand)."""
    sizes = [len(_pool(o)) for o in OFFICES]
    rounds = min(sizes)
    extra = 0
    while extra < len(OFFICES) - 1 and sizes[extra] > rounds:
        extra += 1
    return len(OFFICES) * rounds + extra


def _release_date(rng: random.Random, series: Series, year: int) -> date:
    m1, d1, m2, d2 = series.window
    start, end = date(year, m1, d1), date(year, m2, d2)
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    while day.weekday() >= 5:  # releases happen on working days
        day -= timedelta(days=1)
    return day


def _priority(office: DemoOffice, cand: _Candidate, old_da_year: int) -> float:
    """Lower comes first: recent flagship publications, then the long tail."""
    s, y = cand.series, cand.year
    if s.key == "da":
        if y >= 2024:
            return 0.0
        if _is_english_edition(office, y):
            return 0.5
        if y == old_da_year:
            return 0.3  # an old, hardcopy-only edition
        if y >= 2020:
            return 1.3
        return 2.5 + 0.1 * (2020 - y)
    if s.one_off:
        return 1.0
    if s.per_subunit:
        return 1.4 if y == 2023 else 3.0 + 0.2 * abs(2023 - y)
    latest = min(s.years[1], 2024)
    if y == latest:
        return 1.2
    return 1.8 + 0.3 * abs(latest - y)


def _format(rng: random.Random, cand: _Candidate) -> str:
    y, r = cand.year, rng.random()
    if y <= 2015:
        return "hardcopy"
    if y <= 2017:
        return "hardcopy" if r < 0.5 else "both"
    if y >= 2020 and cand.series.key != "da" and r < 0.18:
        return "softcopy"
    return "both"


def _abstract(rng: random.Random, office: DemoOffice, cand: _Candidate, title: str) -> str:
    s = cand.series
    fields = {
        "title": title, "region": office.region, "data_year": cand.year - s.data_lag,
        "y5": cand.year - 5, "sub": office.subunit_lower, "kecamatan": cand.variant or "",
        "wider": office.wider,
    }
    sentences = list(s.abstract[:2])
    optional = list(s.abstract[2:])
    rng.shuffle(optional)
    sentences += optional[: rng.randint(0, min(2, len(optional)))]
    return " ".join(sentence.format(**fields) for sentence in sentences)


def _office_records(office: DemoOffice, n: int, seed: int) -> list[dict]:
    pool = _pool(office)
    if n > len(pool):
        raise ValueError(f"at most {max_records()} demo records are available")
    rng_office = random.Random(f"{seed}:{office.slug}:office")
    old_da_year = rng_office.randint(2011, 2015)

    info: dict[str, dict] = {}
    for cand in pool:
        rng = random.Random(f"{seed}:{office.slug}:{cand.key}")
        info[cand.key] = {"rng": rng, "release": _release_date(rng, cand.series, cand.year)}

    # Publication numbers follow release order within a year; ISBNs too, per prefix.
    by_year: dict[int, list[_Candidate]] = {}
    for cand in pool:
        by_year.setdefault(cand.year, []).append(cand)
    for year, cands in by_year.items():
        cands.sort(key=lambda c: (info[c.key]["release"], c.key))
        for seq, cand in enumerate(cands, start=1):
            info[cand.key]["pubno"] = f"{office.code}0.{year % 100:02d}{seq:02d}"
    isbn_counter = {"602": 0, "623": 0}
    for cand in sorted(pool, key=lambda c: (info[c.key]["release"], c.key)):
        if not cand.series.isbn or cand.year < 2014 or unit(seed, office.slug, cand.key, "isbn") < 0.25:
            continue
        group = "602" if cand.year < 2019 else "623"
        publisher = office.isbn_publishers[0 if group == "602" else 1]
        isbn_counter[group] += 1
        title_no = isbn_counter[group] + int(unit(office.slug, group) * 300)
        body = f"978{group}{publisher}{title_no:03d}"
        check = isbn13_check_digit(body)
        info[cand.key]["isbn"] = f"978-{group}-{publisher}-{title_no:03d}-{check}"

    ranked = sorted(
        pool,
        key=lambda c: (_priority(office, c, old_da_year) + info[c.key]["rng"].random(), c.key),
    )
    return [_make_record(office, cand, info[cand.key], seed) for cand in ranked[:n]]


def _issn_for(office: DemoOffice, series: Series) -> str:
    prefix = _ISSN_PREFIXES[int(unit("issn-prefix", office.slug, series.key) * len(_ISSN_PREFIXES))]
    middle = int(unit("issn", office.slug, series.key) * 1000)
    body = f"{prefix}{middle:03d}"
    return f"{prefix}-{middle:03d}{issn_check_digit(body)}"


def _make_record(office: DemoOffice, cand: _Candidate, meta: dict, seed: int) -> dict:
    s, year = cand.series, cand.year
    rng = random.Random(f"{seed}:{office.slug}:{cand.key}:record")
    english = s.key == "da" and _is_english_edition(office, year)
    title = english_title(office, year) if english else s.title_for(office, year, cand.variant)
    fmt = _format(rng, cand)
    pages = rng.randint(*s.pages)
    if s.per_subunit:
        stem = f"kecamatan-{slugify(cand.variant or '', limit=200)}-{s.stem}"
    elif english:
        stem = f"{slugify(office.english, limit=200)}-in-figures"
    else:
        stem = s.stem
    subjects = list(s.subjects[: max(1, min(len(s.subjects), rng.randint(1, 3)))])
    shelf = None
    if fmt != "softcopy":
        shelf = f"Rak {s.rack}-{(year - 2010) % 12 + 1:02d}"
    return {
        "office": office.slug,
        "title": title,
        "year": year,
        "catalogue_number": f"{s.catalogue}.{office.code}",
        "publication_number": meta["pubno"],
        "issn": _issn_for(office, s) if s.issn else None,
        "isbn": meta.get("isbn"),
        "release_date": meta["release"],
        "subjects": subjects,
        "language": "id-en" if english else "id",
        "abstract": _abstract(rng, office, cand, title),
        "pages": pages,
        "format": fmt,
        "shelf_location": shelf,
        "pdf": f"{office.code}-{year}-{stem}.pdf" if fmt != "hardcopy" else None,
    }


def demo_records(count: int | None = None, seed: int = 2024) -> list[dict]:
    """A deterministic demo catalogue for the five offices.

    Without *count*, :data:`DEFAULT_COUNT` (75) records, 15 per office.  With
    *count*, exactly *count* records; record ``i`` belongs to office
    ``OFFICES[i % 5]`` (offices cycle).  Records with lower index are the more
    prominent publications (recent "Dalam Angka" editions, censuses...), so a
    small count still gives a representative mix.  The same (count, seed)
    always gives the same list; a record's identifiers (publication number,
    ISBN, release date) do not depend on *count*.

    Each record is a fresh dict with exactly the keys of :data:`CSV_COLUMNS`;
    ``(office, publication_number)`` is unique.  Raises ValueError for a
    negative count or one above :func:`max_records`.
    """
    if count is None:
        count = DEFAULT_COUNT
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("count must be an int or None")
    if count < 0:
        raise ValueError("count must not be negative")
    if count > max_records():
        raise ValueError(f"at most {max_records()} demo records are available")
    per_office = [count // len(OFFICES) + (1 if i < count % len(OFFICES) else 0)
                  for i in range(len(OFFICES))]
    lists = [_office_records(office, n, seed) for office, n in zip(OFFICES, per_office)]
    return [lists[i % len(OFFICES)][i // len(OFFICES)] for i in range(count)]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def _csv_value(key: str, value: object) -> str:
    if value is None:
        return ""
    if key == "subjects":
        return ";".join(value)  # type: ignore[arg-type]
    if key == "release_date":
        return value.isoformat()  # type: ignore[union-attr]
    return str(value)


def write_demo_files(folder: Path, count: int | None = None, seed: int = 2024) -> Path:
    """Write ``folder/catalogue.csv`` and ``folder/pdf/*.pdf``; return the CSV path.

    The CSV is UTF-8 (no BOM) with the header :data:`CSV_COLUMNS`; subjects
    are joined with ``";"``, dates are ISO, ``None`` is an empty field.  One
    PDF is rendered for every record whose ``pdf`` is set (softcopy or both),
    under ``folder/pdf/`` -- pass that directory as the importer's PDF folder.
    """
    folder = Path(folder)
    pdf_dir = folder / "pdf"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    records = demo_records(count, seed)
    csv_path = folder / "catalogue.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            writer.writerow([_csv_value(key, record[key]) for key in CSV_COLUMNS])
    if any(record["pdf"] for record in records):
        from app.demo.pdfs import render_pdf  # ReportLab only when there is a PDF to draw

        for record in records:
            if record["pdf"]:
                (pdf_dir / record["pdf"]).write_bytes(render_pdf(record))
    return csv_path
