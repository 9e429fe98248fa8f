"""Demo catalogue for PST Perpustakaan: realistic records and matching PDFs.

This module is a plain engine (no Flask, no database).  It produces a BPS-like
catalogue for the five offices served by the application, in exactly the shape
the CSV importer reads, plus softcopies to go with it.

Public API
----------
* :func:`demo_records` -- a deterministic list of publication records (dicts
  with exactly the keys of :data:`CSV_COLUMNS`).
* :func:`render_pdf` -- the PDF of one record: a cover, "Kata Pengantar",
  "Daftar Isi" and chapters with Indonesian prose and bordered tables.
* :func:`write_demo_files` -- ``catalogue.csv`` plus ``pdf/<name>.pdf`` files in
  a folder, ready for ``flask catalogue import`` (use ``<folder>/pdf`` as the
  PDF directory: the ``pdf`` column holds names relative to it).
* :func:`isbn13_check_digit`, :func:`issn_check_digit`, :func:`valid_isbn13`,
  :func:`valid_issn` -- identifier helpers an importer can reuse.

Page counts
-----------
``demo_records`` chooses ``pages`` first (4-12) and :func:`render_pdf` renders
*exactly* ``record["pages"]`` pages: page 1 is the cover, page 2 holds the
foreword and the table of contents, and every further page is one chapter
section whose content is shrunk to fit when needed.  ``render_pdf`` checks the
final page count and raises ``RuntimeError`` if it ever differs.  The same holds
for any ``pages >= 3``, which the watermark benchmark uses for a 200-page file.

Honesty note
------------
Titles, identifiers and layout imitate BPS publications, but every figure in
the PDFs is synthetic (derived from rough, rounded regional magnitudes).  Each
cover and page footer says so, so a demo file cannot be mistaken for official
statistics.  Catalogue numbers, publication numbers, ISSNs and ISBNs are
well-formed (valid check digits) but invented.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable

from app.catalogue.identifiers import (  # noqa: F401  (re-exported for callers and tests)
    isbn13_check_digit,
    issn_check_digit,
    valid_isbn13,
    valid_issn,
)
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_COUNT",
    "OFFICES",
    "SUBJECTS",
    "DemoOffice",
    "Subunit",
    "demo_records",
    "fmt_id",
    "isbn13_check_digit",
    "issn_check_digit",
    "max_records",
    "render_pdf",
    "valid_isbn13",
    "valid_issn",
    "write_demo_files",
]

#: Header of the import CSV, in order.  Every record has exactly these keys.
CSV_COLUMNS = (
    "office", "title", "year", "catalogue_number", "publication_number", "issn", "isbn",
    "release_date", "subjects", "language", "abstract", "pages", "format",
    "shelf_location", "pdf",
)

#: Records produced by ``demo_records()`` without a count (15 per office).
DEFAULT_COUNT = 75

#: The fixed subject vocabulary used by the demo catalogue.
SUBJECTS = (
    "Statistik Dasar", "Geografi", "Kependudukan", "Ketenagakerjaan", "Pertanian",
    "Peternakan", "Pendapatan Regional", "Kemiskinan", "Pembangunan Manusia", "Harga",
    "Inflasi", "Keuangan", "Pariwisata", "Sosial", "Sensus",
)


# --------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------


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


def _shares(**values: float) -> tuple[float, ...]:
    keys = [c[0] for c in _INDUSTRIES]
    raw = [values.get(k, 1.0) for k in keys]
    total = sum(raw)
    return tuple(v / total for v in raw)


_INDUSTRIES = (
    ("A", "Pertanian, Kehutanan, dan Perikanan"),
    ("B", "Pertambangan dan Penggalian"),
    ("C", "Industri Pengolahan"),
    ("D", "Pengadaan Listrik dan Gas"),
    ("E", "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang"),
    ("F", "Konstruksi"),
    ("G", "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor"),
    ("H", "Transportasi dan Pergudangan"),
    ("I", "Penyediaan Akomodasi dan Makan Minum"),
    ("J", "Informasi dan Komunikasi"),
    ("K", "Jasa Keuangan dan Asuransi"),
    ("L", "Real Estat"),
    ("MN", "Jasa Perusahaan"),
    ("O", "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib"),
    ("P", "Jasa Pendidikan"),
    ("Q", "Jasa Kesehatan dan Kegiatan Sosial"),
    ("RSTU", "Jasa Lainnya"),
)

_S = Subunit
OFFICES: tuple[DemoOffice, ...] = (
    DemoOffice(
        slug="majenekab", code="7601", level="kabupaten", region="Kabupaten Majene",
        short="Majene", english="Majene Regency", province="Sulawesi Barat", seat="Majene",
        subunit_label="Kecamatan", village_label="Desa/Kelurahan",
        subunits=(
            _S("Banggae", 25.15, 45210, 1.28, 8),
            _S("Banggae Timur", 30.04, 33850, 1.61, 9),
            _S("Pamboang", 70.19, 22940, 1.12, 15),
            _S("Sendana", 82.24, 23760, 1.05, 14),
            _S("Tammerodo Sendana", 55.40, 11380, 0.97, 7),
            _S("Tubo Sendana", 87.60, 9620, 1.21, 7),
            _S("Malunda", 187.65, 19870, 1.34, 12),
            _S("Ulumanda", 409.57, 8240, 1.48, 8),
        ),
        tpt=3.4, tpak=68.5, poverty=14.6, hdi=67.6, gdp_per_capita=33.0,
        gdp_shares=_shares(A=38, B=1.2, C=4.5, D=0.1, E=0.1, F=9, G=10, H=2, I=1.2, J=3.5,
                           K=2.2, L=2.5, MN=0.3, O=12, P=8, Q=3.2, RSTU=1.5),
        paddy_share=0.045, estate_crops=("Kakao", "Kelapa", "Kopi", "Cengkeh"),
        isbn_publishers=("531", "760"),
    ),
    DemoOffice(
        slug="musibanyuasinkab", code="1606", level="kabupaten", region="Kabupaten Musi Banyuasin",
        short="Musi Banyuasin", english="Musi Banyuasin Regency", province="Sumatera Selatan",
        seat="Sekayu", subunit_label="Kecamatan", village_label="Desa/Kelurahan",
        subunits=(
            _S("Sekayu", 701.60, 93450, 1.62, 18),
            _S("Babat Toman", 1297.21, 47230, 1.08, 17),
            _S("Sungai Keruh", 567.35, 35890, 0.94, 21),
            _S("Lais", 575.80, 45120, 1.21, 20),
            _S("Bayung Lencir", 4517.46, 96310, 2.14, 23),
            _S("Sungai Lilin", 452.97, 55740, 1.73, 16),
            _S("Keluang", 455.14, 38260, 1.55, 14),
            _S("Lawang Wetan", 372.01, 26980, 0.88, 16),
            _S("Sanga Desa", 319.60, 31540, 0.91, 17),
            _S("Batanghari Leko", 1198.15, 27110, 1.36, 17),
            _S("Plakat Tinggi", 254.96, 24380, 1.02, 14),
            _S("Lalan", 1120.53, 34620, 1.47, 17),
            _S("Tungkal Jaya", 930.24, 44090, 1.88, 15),
            _S("Babat Supat", 460.59, 35460, 1.29, 16),
            _S("Jirak Jaya", 1041.39, 14030, 1.11, 12),
        ),
        tpt=4.6, tpak=67.0, poverty=15.5, hdi=69.6, gdp_per_capita=95.0,
        gdp_shares=_shares(A=18, B=42, C=8, D=0.1, E=0.05, F=7, G=7, H=1.5, I=0.6, J=1.5,
                           K=1.0, L=1.8, MN=0.2, O=3.2, P=2.6, Q=0.8, RSTU=0.6),
        paddy_share=0.03, estate_crops=("Kelapa Sawit", "Karet", "Kelapa", "Kopi"),
        isbn_publishers=("518", "160"),
    ),
    DemoOffice(
        slug="sawahluntokota", code="1373", level="kota", region="Kota Sawahlunto",
        short="Sawahlunto", english="Sawahlunto Municipality", province="Sumatera Barat",
        seat="Sawahlunto", subunit_label="Kecamatan", village_label="Desa/Kelurahan",
        subunits=(
            _S("Silungkang", 32.93, 11320, 0.85, 5),
            _S("Lembah Segar", 77.87, 12580, 0.78, 11),
            _S("Barangin", 88.02, 21160, 0.96, 11),
            _S("Talawi", 74.63, 20080, 0.73, 10),
        ),
        tpt=2.4, tpak=69.0, poverty=2.3, hdi=73.6, gdp_per_capita=52.0,
        gdp_shares=_shares(A=12, B=8, C=7, D=0.2, E=0.1, F=14, G=14, H=5, I=2.5, J=4,
                           K=3, L=4, MN=0.5, O=12, P=7, Q=3.5, RSTU=2),
        paddy_share=0.09, estate_crops=("Karet", "Kakao", "Kelapa", "Kopi"),
        isbn_publishers=("540", "137"),
    ),
    DemoOffice(
        slug="bengkulu", code="1700", level="provinsi", region="Provinsi Bengkulu",
        short="Bengkulu", english="Bengkulu Province", province="Bengkulu", seat="Bengkulu",
        subunit_label="Kabupaten/Kota", village_label="Kecamatan",
        subunits=(
            _S("Bengkulu Selatan", 1185.70, 166500, 1.12, 11),
            _S("Rejang Lebong", 1639.98, 276650, 1.26, 15),
            _S("Bengkulu Utara", 4324.60, 296520, 1.41, 19),
            _S("Kaur", 2363.00, 126580, 1.18, 15),
            _S("Seluma", 2400.44, 207880, 1.33, 14),
            _S("Mukomuko", 4036.70, 190500, 1.72, 15),
            _S("Lebong", 1929.24, 106290, 1.09, 13),
            _S("Kepahiang", 664.80, 149740, 1.30, 8),
            _S("Bengkulu Tengah", 1223.94, 115800, 1.51, 10),
            _S("Kota Bengkulu", 151.70, 373590, 1.64, 9),
        ),
        tpt=3.4, tpak=70.5, poverty=14.3, hdi=72.2, gdp_per_capita=42.0,
        gdp_shares=_shares(A=28, B=4, C=5.5, D=0.1, E=0.1, F=8, G=14, H=5, I=1.2, J=4,
                           K=3, L=3.5, MN=0.4, O=9, P=6.5, Q=2, RSTU=1.2),
        paddy_share=0.02, estate_crops=("Kelapa Sawit", "Karet", "Kopi", "Kelapa"),
        isbn_publishers=("842", "170"),
    ),
    DemoOffice(
        slug="pasamankab", code="1309", level="kabupaten", region="Kabupaten Pasaman",
        short="Pasaman", english="Pasaman Regency", province="Sumatera Barat",
        seat="Lubuk Sikaping", subunit_label="Kecamatan", village_label="Nagari",
        subunits=(
            _S("Bonjol", 194.36, 24120, 0.94, 4),
            _S("Lubuk Sikaping", 359.45, 46310, 1.18, 4),
            _S("Panti", 346.67, 37720, 1.06, 4),
            _S("Mapat Tunggul", 488.38, 9380, 1.21, 2),
            _S("Duo Koto", 410.18, 27740, 0.89, 2),
            _S("Tigo Nagari", 361.88, 30240, 1.11, 3),
            _S("Rao", 219.60, 22510, 1.03, 2),
            _S("Mapat Tunggul Selatan", 336.78, 8620, 1.27, 2),
            _S("Simpang Alahan Mati", 105.19, 12840, 0.92, 2),
            _S("Padang Gelugur", 150.88, 26380, 1.24, 2),
            _S("Rao Utara", 459.65, 16990, 1.08, 3),
            _S("Rao Selatan", 130.27, 21230, 1.15, 3),
        ),
        tpt=4.8, tpak=69.5, poverty=7.0, hdi=67.9, gdp_per_capita=31.0,
        gdp_shares=_shares(A=44, B=1.5, C=5, D=0.1, E=0.05, F=8, G=13, H=3, I=0.8, J=3,
                           K=2, L=2.5, MN=0.3, O=7, P=5, Q=2, RSTU=1),
        paddy_share=0.055, estate_crops=("Kelapa Sawit", "Karet", "Gambir", "Kakao"),
        isbn_publishers=("621", "130"),
    ),
)
del _S

_OFFICE_BY_SLUG = {o.slug: o for o in OFFICES}

_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")


def fmt_id(value: float, decimals: int = 0) -> str:
    """Indonesian number format: ``fmt_id(12345.678, 2) == "12.345,68"``."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0,00"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _date_id(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _u(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) for *parts* (independent of PYTHONHASHSEED)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --------------------------------------------------------------------------
# Publication series
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    key: str
    catalogue: str  #: 7-digit BPS catalogue number
    title: Callable[[DemoOffice, int, str | None], str]
    stem: str  #: file-name part, e.g. "dalam-angka"
    subjects: tuple[str, ...]
    years: tuple[int, int]  #: first and last publication year
    window: tuple[int, int, int, int]  #: release month/day from ... to
    levels: tuple[str, ...]  #: office levels that publish it
    rack: str
    topics: tuple[str, ...]  #: chapter plan after the overview chapter
    abstract: tuple[str, ...]  #: first two sentences always, the rest optional
    data_lag: int = 1  #: data year = publication year - data_lag
    issn: bool = True
    isbn: bool = True
    pages: tuple[int, int] = (4, 10)


_ALL = ("kabupaten", "kota", "provinsi")
_LOCAL = ("kabupaten", "kota")


_SERIES: tuple[_Series, ...] = (
    _Series(
        "da", "1102001", lambda o, y, v: f"{o.region} Dalam Angka {y}", "dalam-angka",
        ("Statistik Dasar", "Geografi", "Kependudukan"), (2010, 2025), (2, 20, 2, 28), _ALL, "A",
        ("geografi", "penduduk", "naker", "sosial", "pertanian", "peternakan", "harga",
         "pdrb_lu", "pariwisata"),
        ('Publikasi "{title}" menyajikan data dan informasi statistik {W} yang dihimpun dari '
         "sensus, survei, dan catatan administrasi instansi pemerintah.",
         "Cakupannya meliputi geografi dan iklim, pemerintahan, penduduk dan ketenagakerjaan, "
         "sosial dan kesejahteraan, pertanian, harga, serta pendapatan regional.",
         "Sebagian besar data menggambarkan keadaan tahun {dy} dan disajikan menurut {sub}.",
         "Publikasi ini diharapkan menjadi rujukan bagi perencana pembangunan, peneliti, "
         "mahasiswa, dan masyarakat umum.",
         "Judul tabel dan catatan teknis disajikan dalam dua bahasa, Indonesia dan Inggris."),
        pages=(7, 12),
    ),
    _Series(
        "kec_da", "1102001", lambda o, y, v: f"Kecamatan {v} Dalam Angka {y}", "dalam-angka",
        ("Statistik Dasar", "Geografi"), (2018, 2024), (9, 20, 10, 15), _LOCAL, "A",
        ("geografi", "penduduk", "sosial", "pertanian", "peternakan"),
        ('Publikasi "{title}" memuat gambaran umum Kecamatan {k}, {W}, berdasarkan data tahun {dy}.',
         "Isinya mencakup keadaan geografi, pemerintahan desa/kelurahan, penduduk, pendidikan, "
         "kesehatan, serta produksi pertanian dan peternakan di kecamatan tersebut.",
         "Data dihimpun dari kantor camat, kantor desa/kelurahan, dan unit kerja di tingkat kecamatan.",
         "Publikasi ini berguna bagi perencanaan pembangunan di tingkat kecamatan dan desa."),
        issn=False, pages=(4, 8),
    ),
    _Series(
        "statda", "1101002", lambda o, y, v: f"Statistik Daerah {o.region} {y}", "statistik-daerah",
        ("Statistik Dasar",), (2013, 2024), (9, 1, 11, 30), _ALL, "A",
        ("penduduk", "naker", "ipm", "kemiskinan", "pertanian", "pdrb_lu", "harga"),
        ('"{title}" merupakan publikasi ringkas yang menggambarkan perkembangan pembangunan {W} '
         "melalui indikator-indikator terpilih.",
         "Ulasan singkat disajikan untuk kependudukan, ketenagakerjaan, pendidikan, kesehatan, "
         "kemiskinan, pertanian, dan perekonomian daerah.",
         "Setiap indikator dibandingkan dengan keadaan tahun sebelumnya agar arah perubahan mudah dibaca.",
         "Bahasa dan grafiknya dibuat sederhana sehingga mudah dipahami pembaca umum."),
    ),
    _Series(
        "pdrb_lu", "9302008",
        lambda o, y, v: f"Produk Domestik Regional Bruto {o.region} Menurut Lapangan Usaha {y - 5}–{y - 1}",
        "pdrb-lapangan-usaha", ("Pendapatan Regional",), (2012, 2025), (3, 15, 4, 30), _ALL, "C",
        ("pdrb_lu", "pdrb_pg", "penduduk"),
        ("Publikasi ini menyajikan Produk Domestik Regional Bruto (PDRB) {W} menurut lapangan usaha "
         "periode {y5}–{dy}, atas dasar harga berlaku dan atas dasar harga konstan 2010.",
         "Selain nilai tambah setiap lapangan usaha, disajikan pula struktur ekonomi, laju "
         "pertumbuhan, dan indeks implisit.",
         "Penghitungan mengikuti 17 kategori lapangan usaha sesuai Klasifikasi Baku Lapangan Usaha Indonesia.",
         "Angka tahun {dy} bersifat sangat sementara, sedangkan angka tahun sebelumnya dapat direvisi."),
    ),
    _Series(
        "pdrb_pg", "9302024",
        lambda o, y, v: f"Produk Domestik Regional Bruto {o.region} Menurut Pengeluaran {y - 5}–{y - 1}",
        "pdrb-pengeluaran", ("Pendapatan Regional", "Keuangan"), (2012, 2025), (4, 15, 5, 31), _ALL, "C",
        ("pdrb_pg", "pdrb_lu", "penduduk"),
        ("Publikasi ini memuat PDRB {W} menurut komponen pengeluaran tahun {y5}–{dy}, baik atas "
         "dasar harga berlaku maupun atas dasar harga konstan 2010.",
         "Komponen yang dibahas adalah konsumsi rumah tangga, konsumsi lembaga nonprofit, konsumsi "
         "pemerintah, pembentukan modal tetap bruto, perubahan inventori, dan ekspor neto.",
         "Uraian dilengkapi struktur dan laju pertumbuhan setiap komponen.",
         'Data ini dapat dipakai untuk menilai peran "permintaan domestik" dalam perekonomian daerah.'),
    ),
    _Series(
        "sakernas", "2303003",
        lambda o, y, v: (f"Keadaan Ketenagakerjaan {o.region} Agustus {y}" if o.is_province
                         else f"Keadaan Angkatan Kerja {o.region} Agustus {y}"),
        "keadaan-angkatan-kerja-agustus", ("Ketenagakerjaan", "Kependudukan"), (2012, 2024),
        (11, 5, 12, 20), _ALL, "B", ("naker", "penduduk", "sosial"),
        ('Publikasi "{title}" menyajikan kondisi ketenagakerjaan {W} berdasarkan hasil Survei '
         "Angkatan Kerja Nasional (Sakernas) Agustus {dy}.",
         "Indikator utama yang dibahas meliputi tingkat partisipasi angkatan kerja, tingkat "
         "pengangguran terbuka, status pekerjaan, dan lapangan pekerjaan utama.",
         "Data disajikan menurut jenis kelamin, kelompok umur, dan pendidikan tertinggi yang ditamatkan.",
         "Estimasi menggunakan penimbang hasil proyeksi penduduk terbaru."),
        data_lag=0,
    ),
    _Series(
        "ipm", "4102002", lambda o, y, v: f"Indeks Pembangunan Manusia {o.region} {y - 1}",
        "indeks-pembangunan-manusia", ("Pembangunan Manusia", "Sosial"), (2012, 2025),
        (5, 10, 7, 31), _ALL, "F", ("ipm", "sosial", "penduduk"),
        ("Publikasi ini membahas capaian Indeks Pembangunan Manusia (IPM) {W} tahun {dy} beserta "
         "komponen penyusunnya.",
         "IPM dihitung dari umur harapan hidup saat lahir, harapan lama sekolah, rata-rata lama "
         "sekolah, dan pengeluaran per kapita yang disesuaikan.",
         "Perbandingan dengan wilayah lain di {wider} turut disajikan.",
         "Status pembangunan manusia dikelompokkan menjadi rendah, sedang, tinggi, dan sangat tinggi."),
    ),
    _Series(
        "st2023", "5107001", lambda o, y, v: f"Hasil Sensus Pertanian 2023 Tahap I {o.region}",
        "hasil-st2023-tahap-i", ("Pertanian", "Sensus"), (2023, 2023), (12, 4, 12, 18), _ALL, "E",
        ("pertanian", "peternakan", "penduduk"),
        ("Publikasi ini menyajikan hasil pencacahan lengkap Sensus Pertanian 2023 (ST2023) Tahap I di {W}.",
         "Informasi yang disajikan meliputi jumlah usaha pertanian perorangan, perusahaan pertanian "
         "berbadan hukum, dan usaha pertanian lainnya menurut subsektor dan {sub}.",
         "Data ST2023 menjadi dasar kerangka sampel survei pertanian hingga sepuluh tahun mendatang.",
         "Hasil ini juga memuat jumlah petani milenial yang berumur 19 sampai 39 tahun."),
        issn=False, data_lag=0,
    ),
    _Series(
        "sp2020", "2101040", lambda o, y, v: f"Hasil Sensus Penduduk 2020 {o.region}",
        "hasil-sensus-penduduk-2020", ("Kependudukan", "Sensus"), (2021, 2021), (6, 1, 8, 31), _ALL, "B",
        ("penduduk", "geografi", "sosial"),
        ("Publikasi ini memuat hasil Sensus Penduduk 2020 (SP2020) {W} yang dilaksanakan dengan "
         "metode kombinasi.",
         "Data yang disajikan meliputi jumlah, sebaran, dan komposisi penduduk menurut {sub}, jenis "
         "kelamin, dan kelompok umur.",
         "SP2020 memanfaatkan data administrasi kependudukan sebagai data dasar untuk pertama kalinya.",
         "Pencacahan dilakukan secara daring pada Februari–Maret 2020 dan wawancara pada September 2020."),
        issn=False,
    ),
    _Series(
        "proyeksi", "2101018",
        lambda o, y, v: f"Proyeksi Penduduk {o.region} 2020–2035 Hasil Sensus Penduduk 2020",
        "proyeksi-penduduk-2020-2035", ("Kependudukan",), (2023, 2023), (8, 1, 10, 31), _ALL, "B",
        ("penduduk", "geografi"),
        ("Publikasi ini menyajikan hasil proyeksi penduduk {W} tahun 2020–2035 yang disusun "
         "berdasarkan hasil Sensus Penduduk 2020.",
         "Proyeksi disajikan menurut jenis kelamin dan kelompok umur, beserta asumsi fertilitas, "
         "mortalitas, dan migrasi yang digunakan.",
         "Angka proyeksi ini menjadi acuan perencanaan pembangunan daerah."),
        issn=False,
    ),
    _Series(
        "kemiskinan", "3205007", lambda o, y, v: f"Profil Kemiskinan {o.region} Maret {y}",
        "profil-kemiskinan-maret", ("Kemiskinan", "Sosial"), (2013, 2024), (7, 15, 8, 31), _ALL, "F",
        ("kemiskinan", "naker", "sosial"),
        ('Publikasi "{title}" menyajikan perkembangan jumlah dan persentase penduduk miskin {W} '
         "berdasarkan Survei Sosial Ekonomi Nasional (Susenas) Maret {dy}.",
         "Selain itu dibahas garis kemiskinan, indeks kedalaman kemiskinan, dan indeks keparahan kemiskinan.",
         "Penduduk miskin adalah penduduk dengan rata-rata pengeluaran per kapita per bulan di bawah "
         "garis kemiskinan.",
         'Konsep yang digunakan adalah kemampuan memenuhi kebutuhan dasar ("basic needs approach").'),
        data_lag=0,
    ),
    _Series(
        "kesra", "4101002", lambda o, y, v: f"Statistik Kesejahteraan Rakyat {o.region} {y}",
        "statistik-kesejahteraan-rakyat", ("Sosial", "Kemiskinan", "Pembangunan Manusia"),
        (2012, 2024), (11, 1, 12, 20), _ALL, "F", ("sosial", "kemiskinan", "ipm", "naker"),
        ("Publikasi ini menggambarkan tingkat kesejahteraan rakyat {W} tahun {dy} berdasarkan hasil Susenas.",
         "Aspek yang diulas meliputi kependudukan, kesehatan, pendidikan, perumahan, pola konsumsi, "
         "dan kemiskinan.",
         "Beberapa indikator dibandingkan dengan angka provinsi dan nasional.",
         "Publikasi ini menjadi bahan evaluasi program perlindungan sosial di daerah."),
        data_lag=0,
    ),
    _Series(
        "indikator", "9199017", lambda o, y, v: f"Indikator Ekonomi {o.region} {y}",
        "indikator-ekonomi", ("Pendapatan Regional", "Harga", "Keuangan"), (2014, 2024),
        (10, 1, 12, 15), _ALL, "C", ("pdrb_lu", "harga", "naker"),
        ('Publikasi "{title}" merangkum indikator ekonomi utama {W}, antara lain pertumbuhan '
         "ekonomi, harga, ketenagakerjaan, dan perbankan.",
         "Data disajikan dalam tabel dan grafik sehingga perkembangan ekonomi daerah dapat diikuti "
         "secara ringkas.",
         "Sebagian indikator disajikan secara triwulanan."),
    ),
    _Series(
        "harga_produsen", "7203003", lambda o, y, v: f"Statistik Harga Produsen {o.region} {y}",
        "statistik-harga-produsen", ("Harga", "Pertanian"), (2015, 2024), (9, 1, 11, 30), _ALL, "D",
        ("harga", "pertanian"),
        ("Publikasi ini memuat rata-rata harga produsen komoditas pertanian dan nonpertanian di {W} "
         "tahun {dy}.",
         "Harga dikumpulkan setiap bulan melalui Survei Harga Produsen di {sub} terpilih.",
         "Komoditas yang dicakup antara lain gabah, jagung, cabai merah, bawang merah, dan kelapa sawit.",
         "Data harga produsen menjadi bahan penghitungan Nilai Tukar Petani dan PDRB."),
    ),
    _Series(
        "ihk", "7101002", lambda o, y, v: f"Inflasi dan Indeks Harga Konsumen {o.region} {y - 1}",
        "inflasi-dan-ihk", ("Harga", "Inflasi"), (2012, 2025), (2, 1, 4, 15), ("provinsi",), "D",
        ("inflasi", "harga"),
        ("Publikasi ini menyajikan perkembangan Indeks Harga Konsumen (IHK) dan inflasi di {W} "
         "sepanjang tahun {dy}.",
         "Inflasi disajikan secara bulanan (month-to-month), tahun kalender, dan tahunan "
         "(year-on-year) menurut kelompok pengeluaran.",
         "Komoditas penyumbang inflasi terbesar pada tahun tersebut juga diuraikan."),
    ),
    _Series(
        "peternakan", "5104004", lambda o, y, v: f"Statistik Peternakan {o.region} {y}",
        "statistik-peternakan", ("Peternakan", "Pertanian"), (2014, 2024), (10, 1, 12, 15), _ALL, "E",
        ("peternakan", "pertanian"),
        ('Publikasi "{title}" menyajikan data populasi ternak serta produksi daging, telur, dan susu di {W}.',
         "Populasi disajikan menurut jenis ternak dan {sub}, meliputi sapi potong, kerbau, kambing, "
         "ayam kampung, dan itik.",
         "Sumber data berasal dari laporan dinas yang membidangi fungsi peternakan serta hasil survei BPS."),
    ),
    _Series(
        "perbankan", "8201002", lambda o, y, v: f"Statistik Perbankan {o.region} {y}",
        "statistik-perbankan", ("Keuangan",), (2012, 2024), (8, 1, 10, 31), ("provinsi",), "C",
        ("perbankan", "pdrb_lu"),
        ("Publikasi ini memuat data perbankan {W} tahun {dy}, meliputi jumlah kantor bank, "
         "penghimpunan dana pihak ketiga, dan penyaluran kredit.",
         "Data bersumber dari laporan bank umum dan bank perekonomian rakyat yang beroperasi di wilayah tersebut.",
         "Kredit disajikan menurut jenis penggunaan, yaitu modal kerja, investasi, dan konsumsi."),
    ),
    _Series(
        "tpt", "2302009", lambda o, y, v: f"Analisis Tingkat Pengangguran Terbuka {o.region} {y}",
        "analisis-tingkat-pengangguran-terbuka", ("Ketenagakerjaan",), (2016, 2024), (12, 1, 12, 22),
        _ALL, "B", ("naker", "penduduk"),
        ("Publikasi ini menganalisis tingkat pengangguran terbuka (TPT) {W} tahun {dy} berdasarkan hasil Sakernas.",
         "Analisis mencakup karakteristik penganggur menurut umur, jenis kelamin, pendidikan, dan "
         "daerah tempat tinggal.",
         "Penganggur mencakup penduduk yang mencari pekerjaan, mempersiapkan usaha, merasa tidak "
         "mungkin mendapat pekerjaan, atau sudah diterima bekerja tetapi belum mulai bekerja."),
        data_lag=0,
    ),
    _Series(
        "pariwisata", "8401002", lambda o, y, v: f"Statistik Pariwisata {o.region} {y}",
        "statistik-pariwisata", ("Pariwisata",), (2014, 2024), (9, 15, 11, 30), _ALL, "G",
        ("pariwisata", "geografi"),
        ('Publikasi "{title}" menyajikan data usaha akomodasi, tingkat penghunian kamar, dan jumlah tamu di {W} '
         "tahun {dy}.",
         "Data bersumber dari Survei Volume Kegiatan Usaha Akomodasi dan pendataan objek daya tarik wisata.",
         "Disajikan pula rata-rata lama menginap tamu nusantara dan mancanegara."),
    ),
    _Series(
        "penduduk", "2101017", lambda o, y, v: f"Statistik Penduduk {o.region} {y}",
        "statistik-penduduk", ("Kependudukan", "Statistik Dasar"), (2012, 2024), (6, 1, 8, 31), _ALL, "B",
        ("penduduk", "geografi", "naker"),
        ("Publikasi ini menyajikan statistik penduduk {W} tahun {dy}, meliputi jumlah, pertumbuhan, "
         "kepadatan, dan komposisi penduduk.",
         "Angka penduduk merupakan hasil proyeksi yang bersumber dari Sensus Penduduk 2020.",
         "Data disajikan menurut {sub} dan jenis kelamin."),
        data_lag=0,
    ),
)
_SERIES_BY_KEY = {s.key: s for s in _SERIES}
_ISSN_PREFIXES = ("0215", "2086", "2087", "2088", "2301", "2302", "2355", "2406", "2442",
                  "2443", "2502", "2527", "2579", "2614", "2620", "2721", "2745", "2797")
_ONE_OFF = ("st2023", "sp2020", "proyeksi")


def _english_title(office: DemoOffice, year: int) -> str:
    return f"{office.english} in Figures {year}"


def _is_english_edition(office: DemoOffice, year: int) -> bool:
    """A few Dalam Angka editions are catalogued under their English (bilingual) title."""
    index = OFFICES.index(office)
    return 2017 <= year <= 2023 and (year + index) % 4 == 0


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    series: _Series
    year: int
    variant: str | None  #: kecamatan name for "Kecamatan X Dalam Angka"

    @property
    def key(self) -> str:
        return f"{self.series.key}:{self.year}:{self.variant or ''}"


def _pool(office: DemoOffice) -> list[_Candidate]:
    """Every publication the office could hold, in a canonical order."""
    out = []
    for series in _SERIES:
        if office.level not in series.levels:
            continue
        first, last = series.years
        variants: Iterable[str | None] = (
            [s.name for s in office.subunits] if series.key == "kec_da" else [None]
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


def _release_date(rng: random.Random, series: _Series, year: int) -> date:
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
    if s.key in _ONE_OFF:
        return 1.0
    if s.key == "kec_da":
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
    data_year = cand.year - s.data_lag
    sub = "kabupaten/kota" if office.is_province else "kecamatan"
    wider = "Pulau Sumatera" if office.is_province else f"Provinsi {office.province}"
    fields = {
        "title": title, "W": office.region, "dy": data_year, "y5": cand.year - 5,
        "sub": sub, "k": cand.variant or "", "wider": wider,
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
        if not cand.series.isbn or cand.year < 2014 or _u(seed, office.slug, cand.key, "isbn") < 0.25:
            continue
        group = "602" if cand.year < 2019 else "623"
        publisher = office.isbn_publishers[0 if group == "602" else 1]
        isbn_counter[group] += 1
        title_no = isbn_counter[group] + int(_u(office.slug, group) * 300)
        body = f"978{group}{publisher}{title_no:03d}"
        check = isbn13_check_digit(body)
        info[cand.key]["isbn"] = f"978-{group}-{publisher}-{title_no:03d}-{check}"

    ranked = sorted(
        pool,
        key=lambda c: (_priority(office, c, old_da_year) + info[c.key]["rng"].random(), c.key),
    )
    records = []
    for cand in ranked[:n]:
        records.append(_make_record(office, cand, info[cand.key], seed))
    return records


def _issn_for(office: DemoOffice, series: _Series) -> str:
    prefix = _ISSN_PREFIXES[int(_u("issn-prefix", office.slug, series.key) * len(_ISSN_PREFIXES))]
    middle = int(_u("issn", office.slug, series.key) * 1000)
    body = f"{prefix}{middle:03d}"
    return f"{prefix}-{middle:03d}{issn_check_digit(body)}"


def _make_record(office: DemoOffice, cand: _Candidate, meta: dict, seed: int) -> dict:
    s, year = cand.series, cand.year
    rng = random.Random(f"{seed}:{office.slug}:{cand.key}:record")
    english = s.key == "da" and _is_english_edition(office, year)
    title = _english_title(office, year) if english else s.title(office, year, cand.variant)
    fmt = _format(rng, cand)
    pages = rng.randint(*s.pages)
    if s.key == "kec_da":
        stem = f"kecamatan-{_slugify(cand.variant or '')}-dalam-angka"
    elif english:
        stem = f"{_slugify(office.english)}-in-figures"
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
# Synthetic regional figures (stable per office and year)
# --------------------------------------------------------------------------


def _population(office: DemoOffice, su: Subunit, year: int) -> int:
    base = su.population_2020 * (1 + su.growth / 100) ** (year - 2020)
    return round(base * (1 + (_u("pop", office.slug, su.name, year) - 0.5) * 0.004))


def _total_population(office: DemoOffice, year: int) -> int:
    return sum(_population(office, su, year) for su in office.subunits)


def _sex_ratio(office: DemoOffice, su: Subunit, year: int) -> float:
    return 97.5 + 5.5 * _u("sexratio", office.slug, su.name) + 0.3 * _u("sr", su.name, year)


def _labour(office: DemoOffice, year: int) -> dict[str, float]:
    pop15 = _total_population(office, year) * 0.712
    tpak = office.tpak + (_u("tpak", office.slug, year) - 0.5) * 3
    shock = {2020: 1.3, 2021: 0.7}.get(year, 0.0)
    tpt = max(0.8, office.tpt + (_u("tpt", office.slug, year) - 0.5) * 0.8 + shock - 0.06 * (year - 2020))
    ak = pop15 * tpak / 100
    unemployed = ak * tpt / 100
    return {"pop15": pop15, "ak": ak, "bekerja": ak - unemployed, "penganggur": unemployed,
            "bak": pop15 - ak, "tpak": tpak, "tpt": tpt}


def _gdp_total(office: DemoOffice, year: int) -> float:
    """Current-price GRDP in billion rupiah."""
    base = office.gdp_per_capita * _total_population(office, 2023) / 1000
    return base * 1.078 ** (year - 2023) * (1 + (_u("gdp", office.slug, year) - 0.5) * 0.02)


def _gdp_by_industry(office: DemoOffice, year: int) -> list[float]:
    total = _gdp_total(office, year)
    raw = [share * (1 + (_u("gdpi", office.slug, i, year) - 0.5) * 0.08)
           for i, share in enumerate(office.gdp_shares)]
    norm = sum(raw)
    return [total * r / norm for r in raw]


def _paddy(office: DemoOffice, su: Subunit, year: int) -> tuple[float, float, float]:
    """Harvested area (ha), production (ton), productivity (ku/ha)."""
    share = office.paddy_share * (0.3 + 1.4 * _u("paddy", office.slug, su.name))
    area = su.area_km2 * 100 * share * (1 + (_u("pa", su.name, year) - 0.5) * 0.1)
    productivity = 42 + 12 * _u("pq", office.slug, su.name) + (_u("pqy", su.name, year) - 0.5) * 3
    return area, area * productivity / 10, productivity


def _hdi(office: DemoOffice, year: int) -> dict[str, float]:
    t = year - 2023
    return {
        "uhh": 67.0 + (office.hdi - 66) * 0.35 + 0.18 * t,
        "hls": 12.6 + (office.hdi - 66) * 0.12 + 0.08 * t,
        "rls": 7.6 + (office.hdi - 66) * 0.25 + 0.1 * t,
        "ppk": 9800 + (office.hdi - 66) * 420 + 240 * t,
        "ipm": office.hdi + 0.55 * t + (_u("ipm", office.slug, year) - 0.5) * 0.1,
    }


# --------------------------------------------------------------------------
# PDF rendering
# --------------------------------------------------------------------------

_BLUE = colors.HexColor("#0b4f8a")
_ORANGE = colors.HexColor("#e58a1f")
_GRID = colors.HexColor("#7d8a96")
_HEAD_BG = colors.HexColor("#dbe7f3")
_TOTAL_BG = colors.HexColor("#f1f4f7")

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=13.2,
                       alignment=TA_JUSTIFY, spaceAfter=5)
_H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=15, leading=19,
                     textColor=_BLUE, spaceAfter=8)
_H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11, leading=14,
                     textColor=_BLUE, spaceBefore=4, spaceAfter=5)
_CAPTION = ParagraphStyle("caption", fontName="Helvetica-Bold", fontSize=8.8, leading=11,
                          spaceBefore=6, spaceAfter=4)
_SOURCE = ParagraphStyle("source", fontName="Helvetica-Oblique", fontSize=7.5, leading=9.5,
                         spaceBefore=3, spaceAfter=6)
_HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=7.8, leading=9.4,
                       alignment=TA_CENTER)
_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.8, leading=9.4, alignment=TA_LEFT)
_COVER_TITLE = ParagraphStyle("cover", fontName="Helvetica-Bold", fontSize=25, leading=31,
                              textColor=_BLUE, spaceAfter=10)
_COVER_SUB = ParagraphStyle("coversub", fontName="Helvetica-Oblique", fontSize=13, leading=17,
                            textColor=colors.HexColor("#3b4a58"), spaceAfter=16)
_COVER_OFFICE = ParagraphStyle("coveroffice", fontName="Helvetica-Bold", fontSize=14, leading=18,
                               textColor=_BLUE)
_SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=8.5, leading=11)
_NOTE = ParagraphStyle("note", fontName="Helvetica-Oblique", fontSize=7.5, leading=9.5,
                       textColor=colors.HexColor("#555555"))

_DISCLAIMER = ("Publikasi contoh untuk demonstrasi PST Perpustakaan: semua angka bersifat sintetis "
               "dan bukan statistik resmi BPS.")

_TOPIC_TITLES = {
    "umum": "Gambaran Umum Wilayah",
    "geografi": "Geografi dan Iklim",
    "penduduk": "Penduduk",
    "naker": "Ketenagakerjaan",
    "sosial": "Pendidikan dan Kesehatan",
    "pertanian": "Pertanian",
    "peternakan": "Peternakan",
    "harga": "Harga",
    "inflasi": "Inflasi dan Indeks Harga Konsumen",
    "pdrb_lu": "PDRB Menurut Lapangan Usaha",
    "pdrb_pg": "PDRB Menurut Pengeluaran",
    "ipm": "Pembangunan Manusia",
    "kemiskinan": "Kemiskinan",
    "pariwisata": "Pariwisata",
    "perbankan": "Perbankan",
}


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class _Ctx:
    record: dict
    office: DemoOffice
    series: _Series
    kecamatan: str | None
    year: int
    data_year: int
    rng: random.Random

    @property
    def w(self) -> str:
        return self.office.region

    @property
    def sub(self) -> str:
        return self.office.subunit_label

    @property
    def sub_lower(self) -> str:
        return "kabupaten/kota" if self.office.is_province else "kecamatan"

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


def _series_for(record: dict) -> tuple[_Series, str | None]:
    title = str(record.get("title", ""))
    match = re.match(r"Kecamatan (.+?) Dalam Angka", title)
    if match:
        return _SERIES_BY_KEY["kec_da"], match.group(1)
    prefix = str(record.get("catalogue_number") or "").split(".")[0]
    for series in _SERIES:
        if series.catalogue == prefix and series.key != "kec_da":
            return series, None
    return _SERIES_BY_KEY["da"], None


def _table(header: list[str], rows: list[list[object]], widths: list[float], *,
           total: bool = False, wrap_labels: bool = False) -> Table:
    """A bordered table: wrapped bold header, left label column, right-aligned numbers."""
    data: list[list[object]] = [[Paragraph(_esc(h), _HEAD) for h in header]]
    for row in rows:
        label = Paragraph(_esc(row[0]), _CELL) if wrap_labels else str(row[0])
        data.append([label, *[str(c) for c in row[1:]]])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
        ("BOX", (0, 0), (-1, -1), 0.9, _BLUE),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, _BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 7.8, 9.4),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if total:
        style += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7.8, 9.4),
                  ("BACKGROUND", (0, -1), (-1, -1), _TOTAL_BG)]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _caption(ctx: _Ctx, number: str, text: str) -> Paragraph:
    return Paragraph(f"Tabel {number}&nbsp;&nbsp;{_esc(text)}", _CAPTION)


def _source(ctx: _Ctx, what: str) -> Paragraph:
    return Paragraph(f"Sumber: {_esc(what)} (angka ilustrasi)", _SOURCE)


def _subunit_rows(ctx: _Ctx, cells: Callable[[Subunit], list[object]],
                  total: list[object] | None) -> list[list[object]]:
    rows: list[list[object]] = [[su.name, *cells(su)] for su in ctx.office.subunits]
    if total is not None:
        rows.append([ctx.w, *total])
    return rows


# Each topic renderer returns flowables for one page: (heading, prose, table...).
# ``v`` is the page's index within its chapter; it selects the table kind and,
# after all kinds were shown, steps back one data year.


def _topic_umum(ctx: _Ctx, number: str, v: int) -> list:
    o, y = ctx.office, ctx.data_year - v
    names = [su.name for su in o.subunits]
    area = sum(su.area_km2 for su in o.subunits)
    pop, pop_prev = _total_population(o, y), _total_population(o, y - 1)
    growth = (pop / pop_prev - 1) * 100
    density = pop / area
    lab = _labour(o, y)
    paddy = sum(_paddy(o, su, y)[1] for su in o.subunits)
    largest = max(o.subunits, key=lambda su: su.area_km2)
    densest = max(o.subunits, key=lambda su: _population(o, su, y) / su.area_km2)
    listing = ", ".join(names[:-1]) + f", dan {names[-1]}"
    where = "di pesisir barat daya Pulau Sumatera" if o.is_province else f"di Provinsi {_esc(o.province)}"
    flow = []
    if ctx.kecamatan:
        su = next(s for s in o.subunits if s.name == ctx.kecamatan)
        kpop = _population(o, su, y)
        flow.append(Paragraph(
            f"Kecamatan {_esc(su.name)} merupakan salah satu dari {len(names)} kecamatan di {_esc(ctx.w)}. "
            f"Luas wilayah Kecamatan {_esc(su.name)} tercatat {fmt_id(su.area_km2, 2)} km² atau "
            f"{fmt_id(su.area_km2 / area * 100, 2)} persen dari luas kabupaten, terbagi atas "
            f"{su.villages} {o.village_label.lower()}. Jumlah penduduk pada tahun {y} sebanyak "
            f"{fmt_id(kpop)} jiwa dengan kepadatan penduduk {fmt_id(kpop / su.area_km2, 1)} jiwa per km² "
            f"dan laju pertumbuhan {fmt_id(su.growth, 2)} persen per tahun.", _BODY))
    flow.append(Paragraph(
        f"{_esc(ctx.w)} terletak {where} dengan luas wilayah "
        f"{fmt_id(area, 2)} km². Secara administratif wilayah ini terdiri atas {len(names)} "
        f"{ctx.sub_lower}, yaitu {_esc(listing)}. {_esc(ctx.sub)} terluas adalah {_esc(largest.name)} "
        f"({fmt_id(largest.area_km2, 2)} km²), sedangkan yang terpadat penduduknya adalah "
        f"{_esc(densest.name)}.", _BODY))
    flow.append(Paragraph(
        f"Jumlah penduduk {_esc(ctx.w)} tahun {y} mencapai {fmt_id(pop)} jiwa, dengan laju pertumbuhan "
        f"penduduk {fmt_id(growth, 2)} persen dibandingkan tahun sebelumnya dan kepadatan penduduk "
        f"{fmt_id(density, 1)} jiwa per km². "
        + ctx.pick(
            f"Tingkat pengangguran terbuka (TPT) Agustus {y} sebesar {fmt_id(lab['tpt'], 2)} persen, "
            f"sementara produksi padi mencapai {fmt_id(paddy)} ton gabah kering giling.",
            f"Pada Agustus {y}, tingkat pengangguran terbuka tercatat {fmt_id(lab['tpt'], 2)} persen; "
            f"di sektor pertanian, produksi padi sebanyak {fmt_id(paddy)} ton.",
        ), _BODY))
    flow.append(_caption(ctx, number, f"Luas Wilayah, Jumlah Penduduk, dan Kepadatan Penduduk menurut "
                                      f"{ctx.sub} di {ctx.w}, {y}"))
    rows = _subunit_rows(
        ctx,
        lambda su: [fmt_id(su.area_km2, 2), su.villages, fmt_id(_population(o, su, y)),
                    fmt_id(_population(o, su, y) / su.area_km2, 1)],
        [fmt_id(area, 2), sum(su.villages for su in o.subunits), fmt_id(pop), fmt_id(density, 1)],
    )
    flow.append(_table([ctx.sub, "Luas (km²)", f"Jumlah {o.village_label}", "Jumlah Penduduk (jiwa)",
                        "Kepadatan (jiwa/km²)"], rows, [48 * mm, 26 * mm, 30 * mm, 34 * mm, 32 * mm],
                       total=True))
    flow.append(_source(ctx, "Proyeksi Penduduk hasil SP2020 dan data administrasi wilayah"))
    return flow


def _topic_geografi(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v // 2
    area = sum(su.area_km2 for su in o.subunits)
    if v % 2 == 0:
        heights = {su.name: int(5 + 900 * _u("alt", o.slug, su.name)) for su in o.subunits}
        flow = [Paragraph(
            f"Luas wilayah setiap {ctx.sub_lower} di {_esc(ctx.w)} sangat beragam. Tabel berikut menyajikan "
            f"luas wilayah, persentasenya terhadap luas {_esc(ctx.w)}, ketinggian ibu kota {ctx.sub_lower} dari "
            f"permukaan laut, serta jumlah {o.village_label.lower()} pada tahun {y}.", _BODY)]
        rows = _subunit_rows(
            ctx,
            lambda su: [fmt_id(su.area_km2, 2), fmt_id(su.area_km2 / area * 100, 2),
                        fmt_id(heights[su.name]), su.villages],
            [fmt_id(area, 2), "100,00", "-", sum(su.villages for su in o.subunits)],
        )
        return flow + [
            _caption(ctx, number, f"Luas Wilayah dan Jumlah {o.village_label} menurut {ctx.sub}, {y}"),
            _table([ctx.sub, "Luas (km²)", "Persentase (%)", "Ketinggian (m dpl)", f"Jumlah {o.village_label}"],
                   rows, [52 * mm, 28 * mm, 28 * mm, 30 * mm, 32 * mm], total=True),
            _source(ctx, "Peraturan Menteri Dalam Negeri tentang kode dan data wilayah administrasi"),
        ]
    rows = []
    for m, month in enumerate(_MONTHS):
        wet = 0.5 + 0.5 * abs(6.5 - m) / 5.5
        rain = 90 + 310 * wet * (0.6 + 0.8 * _u("rain", o.slug, y, m))
        rows.append([month, fmt_id(25.6 + 1.8 * _u("temp", o.slug, y, m), 1),
                     fmt_id(78 + 10 * _u("hum", o.slug, y, m), 1), fmt_id(rain, 1),
                     int(8 + 16 * wet * _u("hh", o.slug, y, m))])
    return [
        Paragraph(f"Iklim {_esc(ctx.w)} tergolong tropis basah dengan musim hujan yang umumnya berlangsung "
                  f"antara Oktober dan April. Data berikut berasal dari stasiun pengamatan cuaca terdekat "
                  f"dan memperlihatkan suhu, kelembapan, serta curah hujan bulanan tahun {y}.", _BODY),
        _caption(ctx, number, f"Suhu Udara, Kelembapan, Curah Hujan, dan Hari Hujan menurut Bulan, {y}"),
        _table(["Bulan", "Suhu Rata-rata (°C)", "Kelembapan (%)", "Curah Hujan (mm)", "Hari Hujan"],
               rows, [40 * mm, 32 * mm, 32 * mm, 32 * mm, 32 * mm]),
        _source(ctx, "Badan Meteorologi, Klimatologi, dan Geofisika"),
    ]


def _topic_penduduk(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v // 2
    pop = _total_population(o, y)
    if v % 2 == 0:
        flow = [Paragraph(
            f"Jumlah penduduk {_esc(ctx.w)} tahun {y} sebanyak {fmt_id(pop)} jiwa. Laju pertumbuhan "
            f"penduduk per tahun selama periode 2020–{y} berbeda antar{ctx.sub_lower}, dipengaruhi oleh "
            f"kelahiran, kematian, dan migrasi. Kepadatan penduduk tertinggi dijumpai di pusat pemerintahan "
            f"dan perdagangan.", _BODY)]
        rows = _subunit_rows(
            ctx,
            lambda su: [fmt_id(_population(o, su, y)), fmt_id(su.growth, 2),
                        fmt_id(_population(o, su, y) / pop * 100, 2),
                        fmt_id(_population(o, su, y) / su.area_km2, 1),
                        fmt_id(_sex_ratio(o, su, y), 1)],
            [fmt_id(pop), fmt_id((pop / _total_population(o, y - 1) - 1) * 100, 2), "100,00",
             fmt_id(pop / sum(su.area_km2 for su in o.subunits), 1), "-"],
        )
        return flow + [
            _caption(ctx, number, f"Jumlah Penduduk, Laju Pertumbuhan, Distribusi, Kepadatan, dan Rasio Jenis "
                                  f"Kelamin menurut {ctx.sub}, {y}"),
            _table([ctx.sub, "Jumlah Penduduk (jiwa)", "Laju Pertumbuhan per Tahun (%)", "Persentase Penduduk",
                    "Kepadatan Penduduk (jiwa/km²)", "Rasio Jenis Kelamin"], rows,
                   [44 * mm, 26 * mm, 26 * mm, 24 * mm, 26 * mm, 24 * mm], total=True),
            _source(ctx, "Proyeksi Penduduk Indonesia 2020–2050 hasil SP2020"),
        ]

    def split(su: Subunit) -> tuple[int, int]:
        p = _population(o, su, y)
        r = _sex_ratio(o, su, y)
        male = round(p * r / (100 + r))
        return male, p - male

    totals = [sum(split(su)[0] for su in o.subunits), sum(split(su)[1] for su in o.subunits)]
    rows = _subunit_rows(
        ctx, lambda su: [fmt_id(split(su)[0]), fmt_id(split(su)[1]), fmt_id(sum(split(su))),
                         fmt_id(split(su)[0] / split(su)[1] * 100, 1)],
        [fmt_id(totals[0]), fmt_id(totals[1]), fmt_id(sum(totals)), fmt_id(totals[0] / totals[1] * 100, 1)],
    )
    return [
        Paragraph(f"Komposisi penduduk menurut jenis kelamin ditunjukkan oleh rasio jenis kelamin, yaitu "
                  f"banyaknya penduduk laki-laki per 100 penduduk perempuan. Pada tahun {y}, rasio jenis "
                  f"kelamin {_esc(ctx.w)} sebesar {fmt_id(totals[0] / totals[1] * 100, 1)}.", _BODY),
        _caption(ctx, number, f"Penduduk menurut {ctx.sub} dan Jenis Kelamin di {ctx.w}, {y}"),
        _table([ctx.sub, "Laki-laki", "Perempuan", "Jumlah", "Rasio Jenis Kelamin"], rows,
               [52 * mm, 30 * mm, 30 * mm, 30 * mm, 28 * mm], total=True),
        _source(ctx, "Proyeksi Penduduk Indonesia 2020–2050 hasil SP2020"),
    ]


def _topic_naker(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v // 2
    years = [y - 2, y - 1, y]
    labs = [_labour(o, yy) for yy in years]
    lab = labs[-1]
    if v % 2 == 0:
        rows = [
            ["Penduduk Usia Kerja (15+)", *[fmt_id(x["pop15"]) for x in labs]],
            ["Angkatan Kerja", *[fmt_id(x["ak"]) for x in labs]],
            ["   Bekerja", *[fmt_id(x["bekerja"]) for x in labs]],
            ["   Pengangguran", *[fmt_id(x["penganggur"]) for x in labs]],
            ["Bukan Angkatan Kerja", *[fmt_id(x["bak"]) for x in labs]],
            ["Tingkat Partisipasi Angkatan Kerja (%)", *[fmt_id(x["tpak"], 2) for x in labs]],
            ["Tingkat Pengangguran Terbuka (%)", *[fmt_id(x["tpt"], 2) for x in labs]],
        ]
        trend = "turun" if labs[-1]["tpt"] < labs[-2]["tpt"] else "naik"
        return [
            Paragraph(f"Hasil Sakernas Agustus {y} menunjukkan tingkat partisipasi angkatan kerja {_esc(ctx.w)} "
                      f"sebesar {fmt_id(lab['tpak'], 2)} persen. Tingkat pengangguran terbuka {trend} menjadi "
                      f"{fmt_id(lab['tpt'], 2)} persen dari {fmt_id(labs[-2]['tpt'], 2)} persen pada Agustus "
                      f"{y - 1}. Jumlah penduduk yang bekerja tercatat {fmt_id(lab['bekerja'])} orang.", _BODY),
            _caption(ctx, number, f"Penduduk Berumur 15 Tahun ke Atas menurut Jenis Kegiatan, Agustus {y - 2}–{y}"),
            _table(["Jenis Kegiatan", *[f"Agustus {yy}" for yy in years]], rows,
                   [70 * mm, 33 * mm, 33 * mm, 33 * mm], wrap_labels=True),
            _source(ctx, f"Survei Angkatan Kerja Nasional (Sakernas) Agustus {y - 2}–{y}"),
        ]
    sectors = [("Pertanian, Kehutanan, dan Perikanan", 0.42), ("Industri Pengolahan", 0.07),
               ("Perdagangan", 0.16), ("Konstruksi", 0.06), ("Jasa Pendidikan dan Kesehatan", 0.09),
               ("Administrasi Pemerintahan", 0.06), ("Transportasi dan Pergudangan", 0.04),
               ("Lainnya", 0.10)]
    rows, tm, tf = [], 0, 0
    for name, share in sectors:
        n = lab["bekerja"] * share * (0.8 + 0.4 * _u("sec", o.slug, name, y))
        male = n * (0.52 + 0.25 * _u("secm", name))
        rows.append([name, fmt_id(male), fmt_id(n - male), fmt_id(n)])
        tm, tf = tm + male, tf + n - male
    rows.append(["Jumlah", fmt_id(tm), fmt_id(tf), fmt_id(tm + tf)])
    return [
        Paragraph(f"Sebagian besar penduduk {_esc(ctx.w)} yang bekerja masih bertumpu pada lapangan usaha "
                  f"pertanian, kehutanan, dan perikanan, diikuti perdagangan dan jasa. Tingkat pengangguran "
                  f"terbuka Agustus {y} sebesar {fmt_id(lab['tpt'], 2)} persen.", _BODY),
        _caption(ctx, number, f"Penduduk Berumur 15 Tahun ke Atas yang Bekerja menurut Lapangan Pekerjaan Utama "
                              f"dan Jenis Kelamin, Agustus {y}"),
        _table(["Lapangan Pekerjaan Utama", "Laki-laki", "Perempuan", "Jumlah"], rows,
               [70 * mm, 33 * mm, 33 * mm, 33 * mm], total=True, wrap_labels=True),
        _source(ctx, f"Sakernas Agustus {y}"),
    ]


def _topic_sosial(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    scale = 0.35 if o.is_province else 1.0

    def facilities(su: Subunit) -> list[int]:
        p = _population(o, su, y) * scale
        return [max(1, round(p / 620 * (0.8 + 0.4 * _u("sd", su.name)))),
                max(1, round(p / 2100 * (0.8 + 0.4 * _u("smp", su.name)))),
                max(1, round(p / 5200 * (0.7 + 0.6 * _u("sma", su.name)))),
                max(1, round(p / 16000 * (0.8 + 0.5 * _u("pkm", su.name)))),
                max(2, round(p / 420 * (0.8 + 0.4 * _u("pos", su.name))))]

    cols = [facilities(su) for su in o.subunits]
    totals = [sum(c[i] for c in cols) for i in range(5)]
    rows = [[su.name, *c] for su, c in zip(o.subunits, cols)] + [[ctx.w, *totals]]
    return [
        Paragraph(f"Ketersediaan fasilitas pendidikan dan kesehatan merupakan salah satu ukuran pemerataan "
                  f"pembangunan. Pada tahun {y} di {_esc(ctx.w)} terdapat {fmt_id(totals[0])} sekolah dasar, "
                  f"{fmt_id(totals[1])} SMP sederajat, dan {fmt_id(totals[2])} SMA/SMK sederajat, serta "
                  f"{fmt_id(totals[3])} puskesmas yang didukung {fmt_id(totals[4])} posyandu.", _BODY),
        _caption(ctx, number, f"Jumlah Sekolah, Puskesmas, dan Posyandu menurut {ctx.sub}, {y}"),
        _table([ctx.sub, "SD/MI", "SMP/MTs", "SMA/SMK/MA", "Puskesmas", "Posyandu"], rows,
               [50 * mm, 24 * mm, 24 * mm, 26 * mm, 22 * mm, 24 * mm], total=True),
        _source(ctx, "Dinas Pendidikan dan Dinas Kesehatan"),
    ]


def _topic_pertanian(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v // 2
    if v % 2 == 0:
        data = {su.name: _paddy(o, su, y) for su in o.subunits}
        corn = {su.name: data[su.name][0] * (0.3 + 0.9 * _u("corn", su.name, y)) * 5.1 for su in o.subunits}
        area = sum(d[0] for d in data.values())
        prod = sum(d[1] for d in data.values())
        rows = _subunit_rows(
            ctx,
            lambda su: [fmt_id(data[su.name][0], 1), fmt_id(data[su.name][1], 1), fmt_id(data[su.name][2], 2),
                        fmt_id(corn[su.name], 1)],
            [fmt_id(area, 1), fmt_id(prod, 1), fmt_id(prod / area * 10, 2), fmt_id(sum(corn.values()), 1)],
        )
        top = max(o.subunits, key=lambda su: data[su.name][1])
        return [
            Paragraph(f"Produksi padi {_esc(ctx.w)} tahun {y} sebesar {fmt_id(prod)} ton gabah kering giling "
                      f"(GKG) dari luas panen {fmt_id(area)} hektare. {_esc(ctx.sub)} {_esc(top.name)} menjadi "
                      f"penghasil padi terbesar. Produktivitas rata-rata mencapai {fmt_id(prod / area * 10, 2)} "
                      f"kuintal per hektare.", _BODY),
            _caption(ctx, number, f"Luas Panen, Produksi, dan Produktivitas Padi serta Produksi Jagung menurut "
                                  f"{ctx.sub}, {y}"),
            _table([ctx.sub, "Luas Panen Padi (ha)", "Produksi Padi (ton GKG)", "Produktivitas (ku/ha)",
                    "Produksi Jagung (ton)"], rows, [50 * mm, 30 * mm, 32 * mm, 28 * mm, 30 * mm], total=True),
            _source(ctx, "Survei Kerangka Sampel Area (KSA) dan Survei Ubinan"),
        ]
    crops = o.estate_crops
    rows = _subunit_rows(
        ctx,
        lambda su: [fmt_id(su.area_km2 * (0.5 + 6 * _u("est", o.slug, su.name, c)) * (1 + 0.02 * (y - 2020)), 1)
                    for c in crops],
        None,
    )
    return [
        Paragraph(f"Subsektor perkebunan memberikan sumbangan penting bagi pendapatan rumah tangga petani di "
                  f"{_esc(ctx.w)}. Komoditas utamanya adalah {_esc(', '.join(crops[:-1]).lower())}, dan "
                  f"{_esc(crops[-1].lower())}.", _BODY),
        _caption(ctx, number, f"Produksi Tanaman Perkebunan Rakyat menurut {ctx.sub} dan Jenis Tanaman (ton), {y}"),
        _table([ctx.sub, *crops], rows, [50 * mm, 30 * mm, 30 * mm, 30 * mm, 30 * mm]),
        _source(ctx, "Dinas yang membidangi perkebunan"),
    ]


def _topic_peternakan(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    kinds = [("Sapi Potong", 0.05), ("Kerbau", 0.012), ("Kambing", 0.09), ("Ayam Kampung", 1.6), ("Itik", 0.2)]

    def heads(su: Subunit) -> list[int]:
        p = _population(o, su, y)
        return [round(p * f * (0.4 + 1.2 * _u("ternak", o.slug, su.name, k))) for k, f in kinds]

    cols = [heads(su) for su in o.subunits]
    totals = [sum(c[i] for c in cols) for i in range(len(kinds))]
    rows = [[su.name, *[fmt_id(x) for x in c]] for su, c in zip(o.subunits, cols)]
    rows.append([ctx.w, *[fmt_id(t) for t in totals]])
    return [
        Paragraph(f"Populasi sapi potong di {_esc(ctx.w)} pada tahun {y} tercatat {fmt_id(totals[0])} ekor, "
                  f"kambing {fmt_id(totals[2])} ekor, dan ayam kampung {fmt_id(totals[3])} ekor. Usaha ternak "
                  f"umumnya dikelola rumah tangga sebagai usaha sampingan di samping tanaman pangan.", _BODY),
        _caption(ctx, number, f"Populasi Ternak menurut {ctx.sub} dan Jenis Ternak (ekor), {y}"),
        _table([ctx.sub, *[k for k, _ in kinds]], rows,
               [48 * mm, 24 * mm, 22 * mm, 24 * mm, 28 * mm, 24 * mm], total=True),
        _source(ctx, "Dinas yang membidangi fungsi peternakan"),
    ]


def _topic_harga(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    items = [("Gabah Kering Panen (Rp/kg)", 4300), ("Beras Medium (Rp/kg)", 10200), ("Jagung Pipilan (Rp/kg)", 4100),
             ("Cabai Merah (Rp/kg)", 36000), ("Bawang Merah (Rp/kg)", 31000), ("Telur Ayam Ras (Rp/kg)", 25500),
             ("Daging Sapi (Rp/kg)", 125000), ("Minyak Goreng (Rp/liter)", 15500), ("Gula Pasir (Rp/kg)", 14200)]
    rows = []
    for name, base in items:
        vals = [base * 1.045 ** (yy - 2023) * (0.9 + 0.2 * _u("harga", o.slug, name, yy)) for yy in (y - 2, y - 1, y)]
        rows.append([name, *[fmt_id(round(x, -1)) for x in vals], fmt_id((vals[2] / vals[1] - 1) * 100, 2)])
    return [
        Paragraph(f"Perkembangan harga komoditas pangan di {_esc(ctx.w)} dipantau setiap bulan melalui survei harga "
                  f"produsen dan harga konsumen. Tabel berikut memuat rata-rata harga tahunan beberapa komoditas "
                  f"penting serta perubahannya pada tahun {y}.", _BODY),
        _caption(ctx, number, f"Rata-rata Harga Komoditas Terpilih, {y - 2}–{y}"),
        _table(["Komoditas", str(y - 2), str(y - 1), str(y), f"Perubahan {y} (%)"], rows,
               [62 * mm, 26 * mm, 26 * mm, 26 * mm, 28 * mm], wrap_labels=True),
        _source(ctx, "Survei Harga Produsen dan Survei Harga Konsumen"),
    ]


def _topic_inflasi(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    ihk_prev = 100 * 1.028 ** (y - 2022)
    rows, ihk, start = [], ihk_prev, ihk_prev
    for m, month in enumerate(_MONTHS):
        mtm = (_u("mtm", o.slug, y, m) - 0.35) * 0.9
        new = ihk * (1 + mtm / 100)
        yoy = 2.2 + (_u("yoy", o.slug, y, m) - 0.5) * 2.0
        rows.append([month, fmt_id(new, 2), fmt_id(mtm, 2), fmt_id((new / start - 1) * 100, 2), fmt_id(yoy, 2)])
        ihk = new
    return [
        Paragraph(f"Sepanjang tahun {y}, inflasi tahun kalender di {_esc(ctx.w)} tercatat "
                  f"{fmt_id((ihk / start - 1) * 100, 2)} persen. Inflasi bulanan tertinggi umumnya terjadi "
                  f"menjelang hari besar keagamaan dan awal tahun ajaran baru.", _BODY),
        _caption(ctx, number, f"Indeks Harga Konsumen dan Inflasi menurut Bulan (2022=100), {y}"),
        _table(["Bulan", "IHK", "Inflasi m-to-m (%)", "Inflasi y-to-d (%)", "Inflasi y-on-y (%)"], rows,
               [40 * mm, 30 * mm, 32 * mm, 32 * mm, 32 * mm]),
        _source(ctx, "Survei Harga Konsumen"),
    ]


def _topic_pdrb_lu(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v // 2
    years = list(range(y - 4, y + 1))
    values = {yy: _gdp_by_industry(o, yy) for yy in years}
    labels = [f"{code} {name}" if len(code) == 1 else f"{','.join(code)} {name}" for code, name in _INDUSTRIES]
    if v % 2 == 0:
        rows = [[labels[i], *[fmt_id(values[yy][i], 2) for yy in years]] for i in range(len(_INDUSTRIES))]
        rows.append(["Produk Domestik Regional Bruto", *[fmt_id(sum(values[yy]), 2) for yy in years]])
        growth = (sum(values[y]) / sum(values[y - 1]) - 1) * 100 - 3.4
        return [
            Paragraph(f"Perekonomian {_esc(ctx.w)} tahun {y} yang diukur dengan PDRB atas dasar harga berlaku "
                      f"mencapai Rp{fmt_id(sum(values[y]), 2)} miliar, dengan laju pertumbuhan ekonomi sekitar "
                      f"{fmt_id(growth, 2)} persen.", _BODY),
            _caption(ctx, number, f"PDRB Atas Dasar Harga Berlaku menurut Lapangan Usaha (miliar rupiah), "
                                  f"{years[0]}–{y}"),
            _table(["Lapangan Usaha", *map(str, years)], rows,
                   [68 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm], total=True, wrap_labels=True),
            _source(ctx, "Penghitungan PDRB"),
        ]
    rows = []
    for i in range(len(_INDUSTRIES)):
        rates = []
        for yy in years:
            base = 4.8 + (_u("gr", o.slug, i, yy) - 0.5) * 6
            rates.append(base - (7.5 if yy == 2020 else 0))
        rows.append([labels[i], *[fmt_id(r, 2) for r in rates]])
    return [
        Paragraph(f"Laju pertumbuhan PDRB atas dasar harga konstan 2010 menggambarkan pertumbuhan riil setiap "
                  f"lapangan usaha di {_esc(ctx.w)}, bebas dari pengaruh perubahan harga.", _BODY),
        _caption(ctx, number, f"Laju Pertumbuhan PDRB Atas Dasar Harga Konstan 2010 menurut Lapangan Usaha (persen), "
                              f"{years[0]}–{y}"),
        _table(["Lapangan Usaha", *map(str, years)], rows,
               [68 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm], wrap_labels=True),
        _source(ctx, "Penghitungan PDRB"),
    ]


def _topic_pdrb_pg(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    years = list(range(y - 4, y + 1))
    comps = [("Pengeluaran Konsumsi Rumah Tangga", 0.58), ("Pengeluaran Konsumsi LNPRT", 0.012),
             ("Pengeluaran Konsumsi Pemerintah", 0.14), ("Pembentukan Modal Tetap Bruto", 0.31),
             ("Perubahan Inventori", 0.006), ("Ekspor Neto", -0.048)]
    rows = []
    for name, share in comps:
        rows.append([name, *[fmt_id(_gdp_total(o, yy) * share * (0.95 + 0.1 * _u("pg", o.slug, name, yy)), 2)
                             for yy in years]])
    rows.append(["Produk Domestik Regional Bruto", *[fmt_id(_gdp_total(o, yy), 2) for yy in years]])
    return [
        Paragraph(f"Dari sisi pengeluaran, konsumsi rumah tangga masih menjadi komponen terbesar PDRB "
                  f"{_esc(ctx.w)}, disusul pembentukan modal tetap bruto dan konsumsi pemerintah.", _BODY),
        _caption(ctx, number, f"PDRB Atas Dasar Harga Berlaku menurut Pengeluaran (miliar rupiah), {years[0]}–{y}"),
        _table(["Komponen Pengeluaran", *map(str, years)], rows,
               [68 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm], total=True, wrap_labels=True),
        _source(ctx, "Penghitungan PDRB menurut pengeluaran"),
    ]


def _topic_ipm(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    years = list(range(y - 4, y + 1))
    data = [_hdi(o, yy) for yy in years]
    rows = [
        ["Umur Harapan Hidup saat Lahir (tahun)", *[fmt_id(d["uhh"], 2) for d in data]],
        ["Harapan Lama Sekolah (tahun)", *[fmt_id(d["hls"], 2) for d in data]],
        ["Rata-rata Lama Sekolah (tahun)", *[fmt_id(d["rls"], 2) for d in data]],
        ["Pengeluaran per Kapita Disesuaikan (ribu rupiah)", *[fmt_id(d["ppk"]) for d in data]],
        ["Indeks Pembangunan Manusia", *[fmt_id(d["ipm"], 2) for d in data]],
    ]
    status = "tinggi" if data[-1]["ipm"] >= 70 else "sedang"
    return [
        Paragraph(f"Indeks Pembangunan Manusia (IPM) {_esc(ctx.w)} tahun {y} mencapai {fmt_id(data[-1]['ipm'], 2)} "
                  f"dan termasuk kategori {status}. Peningkatan IPM didorong oleh seluruh dimensi, yaitu umur "
                  f"panjang dan hidup sehat, pengetahuan, serta standar hidup layak.", _BODY),
        _caption(ctx, number, f"Komponen Indeks Pembangunan Manusia, {years[0]}–{y}"),
        _table(["Komponen", *map(str, years)], rows,
               [68 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm], wrap_labels=True),
        _source(ctx, "Penghitungan IPM metode baru"),
    ]


def _topic_kemiskinan(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    years = list(range(y - 4, y + 1))
    rows = []
    for yy in years:
        p0 = o.poverty * (1 - 0.02 * (yy - 2022)) + (0.4 if yy in (2020, 2021) else 0) \
            + (_u("p0", o.slug, yy) - 0.5) * 0.3
        line = 520000 * 1.055 ** (yy - 2023) * (0.9 + 0.2 * _u("gk", o.slug))
        poor = _total_population(o, yy) * p0 / 100 / 1000
        rows.append([str(yy), fmt_id(line), fmt_id(poor, 2), fmt_id(p0, 2),
                     fmt_id(p0 * 0.16, 2), fmt_id(p0 * 0.038, 2)])
    return [
        Paragraph(f"Persentase penduduk miskin {_esc(ctx.w)} pada Maret {y} sebesar {rows[-1][3]} persen dengan "
                  f"garis kemiskinan Rp{rows[-1][1]} per kapita per bulan. Indeks kedalaman dan keparahan "
                  f"kemiskinan menunjukkan jarak rata-rata pengeluaran penduduk miskin terhadap garis "
                  f"kemiskinan.", _BODY),
        _caption(ctx, number, f"Garis Kemiskinan, Jumlah dan Persentase Penduduk Miskin, serta Indeks Kedalaman (P1) "
                              f"dan Keparahan (P2) Kemiskinan, Maret {years[0]}–{y}"),
        _table(["Tahun", "Garis Kemiskinan (Rp/kapita/bulan)", "Penduduk Miskin (ribu jiwa)",
                "Persentase (P0)", "P1", "P2"], rows, [24 * mm, 38 * mm, 32 * mm, 28 * mm, 24 * mm, 24 * mm]),
        _source(ctx, "Survei Sosial Ekonomi Nasional (Susenas) Maret"),
    ]


def _topic_pariwisata(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    recovery = 0.45 if y == 2020 else 0.7 if y == 2021 else 1.0

    def row(su: Subunit) -> list[int]:
        p = _population(o, su, y)
        hotels = max(0, round(p / 6000 * (0.2 + 1.6 * _u("hotel", o.slug, su.name))))
        rooms = hotels * (8 + int(30 * _u("room", su.name)))
        return [hotels, rooms, round(rooms * 1.6), round(rooms * 365 * 0.32 * 1.4 * recovery)]

    cols = [row(su) for su in o.subunits]
    totals = [sum(c[i] for c in cols) for i in range(4)]
    rows = [[su.name, *[fmt_id(x) for x in c]] for su, c in zip(o.subunits, cols)]
    rows.append([ctx.w, *[fmt_id(t) for t in totals]])
    return [
        Paragraph(f"Pada tahun {y} terdapat {fmt_id(totals[0])} usaha akomodasi di {_esc(ctx.w)} dengan "
                  f"{fmt_id(totals[1])} kamar. Jumlah tamu yang menginap tercatat {fmt_id(totals[3])} orang, "
                  f"sebagian besar merupakan wisatawan nusantara.", _BODY),
        _caption(ctx, number, f"Jumlah Usaha Akomodasi, Kamar, Tempat Tidur, dan Tamu menurut {ctx.sub}, {y}"),
        _table([ctx.sub, "Usaha Akomodasi", "Kamar", "Tempat Tidur", "Tamu (orang)"], rows,
               [52 * mm, 30 * mm, 28 * mm, 30 * mm, 30 * mm], total=True),
        _source(ctx, "Survei Volume Kegiatan Usaha Akomodasi"),
    ]


def _topic_perbankan(ctx: _Ctx, number: str, v: int) -> list:
    o = ctx.office
    y = ctx.data_year - v
    years = list(range(y - 4, y + 1))
    rows = []
    for yy in years:
        gdp = _gdp_total(o, yy)
        dpk = gdp * 0.36 * (0.95 + 0.1 * _u("dpk", o.slug, yy))
        credit = gdp * 0.52 * (0.95 + 0.1 * _u("kredit", o.slug, yy))
        offices = round(_total_population(o, yy) / 9000 * (0.95 + 0.1 * _u("kantor", o.slug, yy)))
        rows.append([str(yy), fmt_id(offices), fmt_id(dpk, 2), fmt_id(credit, 2), fmt_id(credit / dpk * 100, 2)])
    return [
        Paragraph(f"Penyaluran kredit perbankan di {_esc(ctx.w)} tahun {y} mencapai Rp{rows[-1][3]} miliar, "
                  f"sementara dana pihak ketiga yang dihimpun sebesar Rp{rows[-1][2]} miliar. Rasio kredit "
                  f"terhadap simpanan (LDR) yang tinggi menunjukkan peran bank sebagai penyalur dana.", _BODY),
        _caption(ctx, number, f"Jumlah Kantor Bank, Dana Pihak Ketiga, Kredit, dan LDR, {years[0]}–{y}"),
        _table(["Tahun", "Kantor Bank", "Dana Pihak Ketiga (miliar Rp)", "Kredit (miliar Rp)", "LDR (%)"], rows,
               [28 * mm, 28 * mm, 42 * mm, 38 * mm, 28 * mm]),
        _source(ctx, "Otoritas Jasa Keuangan dan Bank Indonesia"),
    ]


_TOPICS: dict[str, Callable[[_Ctx, str, int], list]] = {
    "umum": _topic_umum, "geografi": _topic_geografi, "penduduk": _topic_penduduk, "naker": _topic_naker,
    "sosial": _topic_sosial, "pertanian": _topic_pertanian, "peternakan": _topic_peternakan,
    "harga": _topic_harga, "inflasi": _topic_inflasi, "pdrb_lu": _topic_pdrb_lu, "pdrb_pg": _topic_pdrb_pg,
    "ipm": _topic_ipm, "kemiskinan": _topic_kemiskinan, "pariwisata": _topic_pariwisata,
    "perbankan": _topic_perbankan,
}


def _chapter_plan(series: _Series, chapter_pages: int) -> list[tuple[str, int, int]]:
    """(topic, first page index, page count) per chapter, covering *chapter_pages* pages."""
    topics = ["umum", *series.topics][:chapter_pages]
    base, extra = divmod(chapter_pages, len(topics))
    plan, start = [], 0
    for i, topic in enumerate(topics):
        size = base + (1 if i < extra else 0)
        plan.append((topic, start, size))
        start += size
    return plan


def _cover(ctx: _Ctx, pages: int) -> list:
    r, o = ctx.record, ctx.office
    flow: list = [Spacer(1, 22 * mm),
                  Paragraph("BADAN PUSAT STATISTIK", ParagraphStyle("k", parent=_SMALL, fontName="Helvetica-Bold",
                                                                    fontSize=10, textColor=_ORANGE)),
                  Spacer(1, 8 * mm),
                  Paragraph(_esc(r["title"]), _COVER_TITLE)]
    if ctx.series.key == "da":
        year = r["year"]
        other = (f"{o.region} Dalam Angka {year}" if r.get("language") == "id-en" else _english_title(o, year))
        flow.append(Paragraph(_esc(other), _COVER_SUB))
    else:
        flow.append(Spacer(1, 10 * mm))
    ident = [["Katalog / Catalogue", r.get("catalogue_number") or "-"],
             ["Nomor Publikasi / Publication Number", r.get("publication_number") or "-"]]
    if r.get("issn"):
        ident.append(["ISSN", r["issn"]])
    if r.get("isbn"):
        ident.append(["ISBN", r["isbn"]])
    released = r.get("release_date")
    if isinstance(released, date):
        ident.append(["Tanggal Rilis / Release Date", _date_id(released)])
    ident.append(["Jumlah Halaman / Pages", f"{pages} halaman"])
    table = Table(ident, colWidths=[70 * mm, 80 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (0, -1), "Helvetica", 9.5),
                               ("FONT", (1, 0), (1, -1), "Helvetica-Bold", 9.5),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, _GRID),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [table, Spacer(1, 36 * mm),
             Paragraph(_esc(o.office_name), _COVER_OFFICE),
             Paragraph(_esc(o.english_office), _SMALL),
             Spacer(1, 10 * mm),
             Paragraph(_esc(_DISCLAIMER), _NOTE)]
    return flow


def _front_matter(ctx: _Ctx, toc: list[tuple[str, str]]) -> list:
    r, o = ctx.record, ctx.office
    released = r.get("release_date")
    when = f"{_MONTHS[released.month - 1]} {released.year}" if isinstance(released, date) else str(ctx.year)
    flow = [
        Paragraph("Kata Pengantar", _H1),
        Paragraph(
            f"Publikasi <i>{_esc(r['title'])}</i> diterbitkan oleh {_esc(o.office_name)} untuk memenuhi kebutuhan "
            f"data dan informasi statistik bagi pemerintah daerah, dunia usaha, akademisi, dan masyarakat umum. "
            + ctx.pick(
                "Data yang disajikan bersumber dari sensus, survei, serta data administrasi instansi terkait.",
                "Penyusunan publikasi ini memanfaatkan hasil kegiatan statistik BPS dan data sektoral dari "
                "organisasi perangkat daerah.",
            ), _BODY),
        Paragraph(
            "Kami menyampaikan terima kasih kepada semua pihak yang telah membantu penyusunan publikasi ini. "
            "Kritik dan saran untuk penyempurnaan edisi berikutnya sangat kami harapkan.", _BODY),
        Paragraph(f"{_esc(o.seat)}, {when}<br/>Kepala {_esc(o.office_name)}",
                  ParagraphStyle("sign", parent=_BODY, alignment=TA_LEFT, leftIndent=95 * mm, spaceBefore=6)),
        Spacer(1, 8 * mm),
        Paragraph("Daftar Isi", _H1),
    ]
    table = Table([[label, pages] for label, pages in toc], colWidths=[150 * mm, 20 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d0d8")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow.append(table)
    return flow


def _context(record: dict) -> _Ctx:
    office = _OFFICE_BY_SLUG.get(record.get("office"))  # type: ignore[arg-type]
    if office is None:
        raise ValueError(f"unknown office {record.get('office')!r}")
    series, kecamatan = _series_for(record)
    if kecamatan and kecamatan not in {su.name for su in office.subunits}:
        kecamatan = None
    year = int(record.get("year") or 2024)
    key = f"{record.get('office')}|{record.get('publication_number')}|{record.get('title')}|{year}"
    return _Ctx(record, office, series, kecamatan, year, year - series.data_lag, random.Random(key))


def render_pdf(record: dict) -> bytes:
    """Render *record* as a PDF of exactly ``record["pages"]`` pages (>= 3) and return its bytes.

    Page 1 is the cover (title, office name, identifiers), page 2 the "Kata
    Pengantar" and "Daftar Isi", and each further page one chapter section with
    prose and a bordered table of figures per kecamatan (or kabupaten/kota).
    The output is byte-for-byte deterministic for a given record.  Figures
    are synthetic; see the module docstring.
    """
    pages = record.get("pages")
    if isinstance(pages, bool) or not isinstance(pages, int) or pages < 3:
        raise ValueError("record['pages'] must be an int >= 3")
    ctx = _context(record)
    plan = _chapter_plan(ctx.series, pages - 2)

    toc = [("Kata Pengantar", "2"), ("Daftar Isi", "2")]
    for number, (topic, start, size) in enumerate(plan, start=1):
        span = f"{start + 3}" if size == 1 else f"{start + 3}–{start + 2 + size}"
        toc.append((f"Bab {number}  {_TOPIC_TITLES[topic]}", span))

    buffer = io.BytesIO()
    margin_x, top, bottom = 20 * mm, 22 * mm, 24 * mm
    width, height = A4
    frame_w, frame_h = width - 2 * margin_x, height - top - bottom
    counter = {"pages": 0}
    running = record["title"] if len(record["title"]) <= 90 else record["title"][:87] + "..."

    def on_cover(canvas, doc):  # noqa: ANN001 - reportlab callback
        counter["pages"] += 1
        canvas.saveState()
        canvas.setFillColor(_BLUE)
        canvas.rect(0, height - 16 * mm, width, 16 * mm, stroke=0, fill=1)
        canvas.setFillColor(_ORANGE)
        canvas.rect(0, 0, width, 10 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def on_page(canvas, doc):  # noqa: ANN001 - reportlab callback
        counter["pages"] += 1
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#3b4a58"))
        canvas.drawString(margin_x, height - 13 * mm, running)
        canvas.drawRightString(width - margin_x, height - 13 * mm, ctx.office.office_name)
        canvas.setStrokeColor(_BLUE)
        canvas.setLineWidth(0.6)
        canvas.line(margin_x, height - 15 * mm, width - margin_x, height - 15 * mm)
        canvas.line(margin_x, 20 * mm, width - margin_x, 20 * mm)
        canvas.setFont("Helvetica-Oblique", 6.5)
        canvas.drawString(margin_x, 16.5 * mm, _DISCLAIMER)
        canvas.setFont("Helvetica", 7.5)
        canvas.drawRightString(width - margin_x, 16.5 * mm, f"Halaman {doc.page} dari {pages}")
        canvas.restoreState()

    def frame(ident: str) -> Frame:
        return Frame(margin_x, bottom, frame_w, frame_h, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0, id=ident)

    doc = BaseDocTemplate(
        buffer, pagesize=A4, invariant=1,
        leftMargin=margin_x, rightMargin=margin_x, topMargin=top, bottomMargin=bottom,
        title=record["title"], author=ctx.office.office_name,
        subject=", ".join(record.get("subjects") or []) or ctx.series.stem,
        creator="PST Perpustakaan (publikasi contoh)",
        keywords=", ".join([*(record.get("subjects") or []), "publikasi contoh"]),
        pageTemplates=[PageTemplate("cover", [frame("c")], onPage=on_cover),
                       PageTemplate("body", [frame("b")], onPage=on_page)],
    )

    def fit(content: list) -> KeepInFrame:
        return KeepInFrame(frame_w, frame_h - 1, content, mode="shrink")

    story: list = [fit(_cover(ctx, pages)), NextPageTemplate("body"), PageBreak(),
                   fit(_front_matter(ctx, toc))]
    for number, (topic, start, size) in enumerate(plan, start=1):
        for v in range(size):
            content: list = []
            if v == 0:
                content.append(Paragraph(f"Bab {number}&nbsp;&nbsp;{_esc(_TOPIC_TITLES[topic])}", _H1))
            else:
                content.append(Paragraph(f"{number}.{v + 1}&nbsp;&nbsp;{_esc(_TOPIC_TITLES[topic])} (lanjutan)", _H2))
            content += _TOPICS[topic](ctx, f"{number}.{v + 1}", v)
            story += [PageBreak(), fit(content)]
    doc.build(story)
    if counter["pages"] != pages:  # pragma: no cover - guarded by KeepInFrame
        raise RuntimeError(f"rendered {counter['pages']} pages instead of {pages}")
    return buffer.getvalue()


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
    for record in records:
        if record["pdf"]:
            (pdf_dir / record["pdf"]).write_bytes(render_pdf(record))
    return csv_path
