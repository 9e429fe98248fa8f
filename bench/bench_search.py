"""Benchmark of the catalogue search engine (app/search/); not a test.

Run from the project root::

    python -m bench.bench_search                 # 100,000 publications
    python -m bench.bench_search --count 20000 --queries 100

It generates a deterministic synthetic catalogue (``random.Random(seed)``) of
BPS-like publications over ~500 regions, with ~2 KB of pseudo PDF text each,
builds the index with :meth:`SearchIndex.rebuild` into a temporary directory,
then times :meth:`SearchIndex.search` (the whole call: matching, total, facet
counts, page, highlighting, "did you mean") for four kinds of query and prints
p50/p95 against the target, followed by a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from app.analysis import gazetteer
from app.search import PublicationDoc, SearchIndex, SearchQuery, clear_caches

TARGET_P95_MS = 50.0

#: Gazetteer words that are directions or generic parts of names, not a region.
_NOT_REGIONS = {
    "utara", "barat", "selatan", "timur", "tengah", "tenggara", "daya", "raya", "darussalam",
    "nanggroe", "dki", "di", "kepulauan", "laut", "besar", "kecil", "ulu", "ilir", "hulu", "hilir",
}

MONTHS = ["Februari", "Maret", "Agustus", "September"]

#: (title template, subjects, abstract topic words)
SERIES = [
    ("{kab} Dalam Angka {y}", ("Statistik Umum",), "geografi pemerintahan penduduk pendidikan kesehatan pertanian industri"),
    ("Kecamatan {kec} Dalam Angka {y}", ("Statistik Umum",), "kecamatan desa penduduk sarana pendidikan kesehatan"),
    ("Statistik Daerah {kab} {y}", ("Statistik Umum",), "indikator strategis daerah pembangunan ekonomi sosial"),
    ("Produk Domestik Regional Bruto {kab} Menurut Lapangan Usaha {y4}-{y}", ("Neraca Regional", "Ekonomi"), "pertumbuhan ekonomi lapangan usaha nilai tambah bruto"),
    ("Produk Domestik Regional Bruto {kab} Menurut Pengeluaran {y4}-{y}", ("Neraca Regional", "Ekonomi"), "konsumsi rumah tangga investasi pengeluaran pemerintah ekspor impor"),
    ("Keadaan Ketenagakerjaan {kab} {m} {y}", ("Tenaga Kerja",), "angkatan kerja penduduk bekerja pengangguran terbuka setengah menganggur"),
    ("Tingkat Pengangguran Terbuka {kab} {y}", ("Tenaga Kerja",), "pengangguran angkatan kerja pendidikan umur"),
    ("Indeks Pembangunan Manusia {kab} {y}", ("Pembangunan Manusia", "Sosial"), "umur harapan hidup rata rata lama sekolah pengeluaran per kapita"),
    ("Hasil Sensus Pertanian 2023 Tahap I {kab}", ("Pertanian", "Sensus"), "usaha pertanian rumah tangga petani gurem perusahaan pertanian"),
    ("Statistik Peternakan {kab} {y}", ("Peternakan", "Pertanian"), "populasi ternak sapi kambing ayam produksi daging telur"),
    ("Statistik Kesejahteraan Rakyat {kab} {y}", ("Kesejahteraan", "Sosial"), "kesehatan pendidikan perumahan konsumsi kemiskinan"),
    ("Profil Kemiskinan {kab} {m} {y}", ("Kemiskinan", "Sosial"), "penduduk miskin garis kemiskinan indeks kedalaman keparahan"),
    ("Inflasi dan Indeks Harga Konsumen {kab} {y}", ("Harga", "Inflasi"), "inflasi harga konsumen kelompok pengeluaran makanan"),
    ("Statistik Pendidikan {kab} {y}", ("Pendidikan", "Sosial"), "sekolah murid guru angka partisipasi melek huruf"),
    ("Proyeksi Penduduk {kab} 2020-2035", ("Kependudukan",), "proyeksi penduduk kelahiran kematian migrasi"),
    ("Statistik Kependudukan {kab} {y}", ("Kependudukan",), "jumlah penduduk kepadatan rasio jenis kelamin"),
    ("Statistik Perikanan {kab} {y}", ("Perikanan", "Pertanian"), "produksi ikan budidaya tangkap nelayan"),
    ("Luas Panen dan Produksi Padi {kab} {y}", ("Tanaman Pangan", "Pertanian"), "luas panen produktivitas padi beras gabah"),
    ("Statistik Pariwisata {kab} {y}", ("Pariwisata",), "wisatawan hotel tingkat penghunian kamar akomodasi"),
    ("Nilai Tukar Petani {kab} {y}", ("Harga", "Pertanian"), "harga diterima petani harga dibayar petani indeks"),
    ("Statistik Industri Besar dan Sedang {kab} {y}", ("Industri",), "perusahaan industri tenaga kerja output input"),
    ("Statistik Keuangan Daerah {kab} {y}", ("Keuangan", "Pemerintahan"), "pendapatan belanja daerah anggaran realisasi"),
    ("Statistik Transportasi {kab} {y}", ("Transportasi",), "kendaraan bermotor jalan angkutan penumpang barang"),
    ("Statistik Potensi Desa {kab} {y}", ("Potensi Desa",), "desa infrastruktur fasilitas lingkungan bencana"),
    ("Pengeluaran untuk Konsumsi Penduduk {kab} {y}", ("Konsumsi", "Kesejahteraan"), "konsumsi makanan bukan makanan rata rata per kapita"),
    ("Statistik Perbankan {kab} {y}", ("Keuangan",), "bank kredit dana pihak ketiga simpanan"),
    ("Statistik Hortikultura {kab} {y}", ("Hortikultura", "Pertanian"), "sayuran buah buahan tanaman hias biofarmaka"),
    ("Laporan Kinerja BPS {kab} {y}", ("Laporan Kinerja",), "kinerja sasaran strategis capaian anggaran"),
]

FILLER = (
    "data statistik survei sensus tabel grafik indikator persentase jumlah rata rata menurut "
    "kabupaten kota kecamatan desa tahun triwulan bulan laki perempuan umur kelompok wilayah "
    "perkotaan perdesaan sumber hasil metodologi konsep definisi sampel estimasi populasi "
    "pertumbuhan perubahan dibandingkan meningkat menurun sebesar persen ribu juta miliar rupiah "
    "ton hektar unit orang rumah tangga usaha perusahaan produksi nilai harga indeks pendapatan "
    "pengeluaran konsumsi kesehatan pendidikan penduduk tenaga kerja pengangguran kemiskinan "
    "pertanian peternakan perikanan kehutanan perkebunan industri perdagangan transportasi "
    "komunikasi keuangan pemerintahan sosial budaya agama pariwisata lingkungan hidup energi"
).split()

ONE_WORD = [
    "penduduk", "pertanian", "pengangguran", "inflasi", "kemiskinan", "peternakan", "pendidikan",
    "pariwisata", "perikanan", "industri", "transportasi", "ketenagakerjaan", "kependudukan",
    "ekonomi", "padi", "desa", "konsumsi", "keuangan", "hortikultura", "perbankan", "sensus",
    "menganggur", "petani", "wisatawan", "ternak", "pdrb", "ipm", "statistik", "kesejahteraan",
]
TOPIC_PAIRS = [
    "statistik pendidikan", "tenaga kerja", "sensus pertanian", "indeks pembangunan",
    "produk domestik", "harga konsumen", "profil kemiskinan", "luas panen", "potensi desa",
    "keadaan ketenagakerjaan", "nilai tukar", "industri besar", "dalam angka",
]


def regions(rng: random.Random) -> list[tuple[str, str, str]]:
    """~500 (slug, "Kabupaten X" / "Kota X", "BPS Kabupaten X") triples."""
    words = sorted(w for w in gazetteer() if w not in _NOT_REGIONS and len(w) > 3)
    out = []
    for w in words:
        kind = "Kota" if rng.random() < 0.2 else "Kabupaten"
        name = f"{kind} {w.capitalize()}"
        slug = w + ("kota" if kind == "Kota" else "kab")
        out.append((slug, name, f"BPS {name}"))
    return out[:500]


def catalogue(count: int, seed: int = 2024):
    """``count`` deterministic synthetic publications (a generator)."""
    rng = random.Random(seed)
    regs = regions(rng)
    kecamatan = [w.capitalize() for w in sorted(gazetteer()) if len(w) > 4]
    filler = FILLER
    for i in range(1, count + 1):
        slug, region, office_name = regs[rng.randrange(len(regs))]
        template, subjects, topic = SERIES[rng.randrange(len(SERIES))]
        y = rng.randint(2005, 2024)
        title = template.format(kab=region, kec=rng.choice(kecamatan), y=y, y4=y - 4, m=rng.choice(MONTHS))
        topic_words = topic.split()
        abstract = (
            f"Publikasi {title} memuat data {' '.join(rng.sample(topic_words, min(3, len(topic_words))))} "
            f"di {region}. Data bersumber dari survei dan sensus BPS serta instansi terkait. "
            f"Publikasi ini diharapkan bermanfaat bagi perencanaan pembangunan {region.split()[-1]}."
        )
        words = []
        size = 0
        while size < 2000:
            w = rng.choice(topic_words) if rng.random() < 0.3 else filler[int(rng.paretovariate(1.2)) % len(filler)]
            if rng.random() < 0.05:
                w = f"{rng.randint(1, 99)}.{rng.randint(100, 999)}"
            words.append(w)
            size += len(w) + 1
        content = " ".join(words)
        release = date(y, 1, 1) + timedelta(days=rng.randrange(365)) if rng.random() < 0.9 else None
        fmt = rng.choices(["softcopy", "hardcopy", "both"], [6, 1, 3])[0]
        code = f"{rng.randint(1101, 9999)}{rng.randint(0, 999):03d}"
        yield PublicationDoc(
            id=i, office=slug, office_name=office_name, title=title, abstract=abstract,
            subjects=subjects, catalogue_number=f"{code}.{rng.randint(1101, 9471)}",
            publication_number=f"{rng.randint(10000, 99999)}.{y % 100:02d}{rng.randint(1, 99):02d}",
            issn=f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None,
            isbn=f"978-602-{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(0, 9)}" if rng.random() < 0.3 else None,
            year=y, release_date=release, format=fmt, content=content,
            updated=datetime(2024, 1, 1) + timedelta(minutes=i),
        )


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one edit after the first letter (no-op edits retried)."""
    while True:
        i = rng.randrange(1, len(word))
        kind = rng.randrange(4)
        letter = rng.choice("aeiounrstk")
        if kind == 0:
            out = word[:i] + word[i + 1:]
        elif kind == 1:
            out = word[:i] + letter + word[i:]
        elif kind == 2:
            out = word[:i] + letter + word[i + 1:]
        elif i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            continue
        if out != word:
            return out


def queries(kind: str, n: int, rng: random.Random, region_words: list[str]) -> list[SearchQuery]:
    out = []
    for _ in range(n):
        if kind == "one word":
            text = rng.choice(ONE_WORD + region_words[:40])
            out.append(SearchQuery(text=text))
        elif kind == "two words":
            text = rng.choice(TOPIC_PAIRS) if rng.random() < 0.4 else f"{rng.choice(ONE_WORD)} {rng.choice(region_words)}"
            out.append(SearchQuery(text=text))
        elif kind == "faceted":
            text = rng.choice(TOPIC_PAIRS) if rng.random() < 0.4 else f"{rng.choice(ONE_WORD)} {rng.choice(region_words)}"
            out.append(SearchQuery(text=text, years=(rng.randint(2005, 2024),)))
        elif kind == "misspelt":
            word = rng.choice([w for w in ONE_WORD if len(w) > 5] + [w for w in region_words if len(w) > 5])
            out.append(SearchQuery(text=typo(word, rng)))
        else:  # pragma: no cover
            raise ValueError(kind)
    return out


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def dir_size(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="publications to index")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (reused if it exists)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    regs = regions(random.Random(args.seed))
    region_words = [name.split()[-1].lower() for _, name, _ in regs]
    protected = [name for _, name, _ in regs]

    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
    index = SearchIndex(tmp / "search", protected)
    try:
        if index.exists() and args.keep:
            build_s = float("nan")
            print(f"reusing index in {tmp}")
        else:
            print(f"building {args.count:,} publications in {tmp} ...", flush=True)
            start = time.perf_counter()
            last = [start]

            def progress(n: int) -> None:
                if time.perf_counter() - last[0] > 15:
                    last[0] = time.perf_counter()
                    print(f"  {n:,} documents, {last[0] - start:.0f} s", flush=True)

            index.rebuild(catalogue(args.count, args.seed), progress, progress_every=1000)
            build_s = time.perf_counter() - start
        size_mb = dir_size(Path(os.path.realpath(tmp / "search"))) / 1e6
        docs = index.doc_count()
        print(f"build time: {build_s:.1f} s")
        print(f"index size: {size_mb:.1f} MB")
        print(f"documents:  {docs:,}")
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")

        # Warm up: open the searcher, build the per-segment caches.
        for q in queries("two words", 30, random.Random(1), region_words):
            index.search(q)
        index.search(SearchQuery(sort="newest"))
        index.search(SearchQuery(sort="title"))

        rows = []
        kinds = ("one word", "two words", "faceted", "misspelt")
        all_queries = {kind: queries(kind, args.queries, rng, region_words) for kind in kinds}
        for kind in kinds:
            qs = all_queries[kind]
            times = []
            totals = []
            suggested = 0
            for q in qs:
                t0 = time.perf_counter()
                res = index.search(q)
                times.append((time.perf_counter() - t0) * 1000)
                totals.append(res.total)
                suggested += res.suggestion is not None
            p50, p95 = percentile(times, 50), percentile(times, 95)
            verdict = "PASS" if p95 <= TARGET_P95_MS else "FAIL"
            extra = f", suggestion on {suggested}/{len(qs)}" if kind == "misspelt" else ""
            print(f"{kind:10s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(times):6.1f} ms  "
                  f"median hits {statistics.median(totals):,.0f}{extra}  target p95 <= {TARGET_P95_MS:.0f} ms: {verdict}")
            rows.append([kind, p50, p95, verdict, statistics.median(totals)])

        # The same queries with no term bitset cached, each term read from the
        # postings again: the worst case, a query whose words nobody asked for
        # since the process started (facet bitsets and sort orders stay cached).
        for row, kind in zip(rows, kinds):
            cold = []
            for q in all_queries[kind][: max(20, args.queries // 2)]:
                clear_caches(terms_only=True)
                t0 = time.perf_counter()
                index.search(q)
                cold.append((time.perf_counter() - t0) * 1000)
            c50, c95 = percentile(cold, 50), percentile(cold, 95)
            print(f"{kind:10s} cold terms: p50 {c50:6.1f} ms  p95 {c95:6.1f} ms  max {max(cold):6.1f} ms")
            row.extend([c50, c95])

        extra_rows = []
        for label, q in (("browse all, newest", SearchQuery()),
                         ("browse all, by title", SearchQuery(sort="title")),
                         ("browse, year + format facets", SearchQuery(years=(2020,), formats=("hardcopy",)))):
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                index.search(q)
                times.append((time.perf_counter() - t0) * 1000)
            extra_rows.append((label, percentile(times, 50), percentile(times, 95)))
            print(f"{label:30s} p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms")

        print()
        print(f"Search benchmark: {docs:,} synthetic publications, build {build_s:.0f} s, "
              f"index {size_mb:.0f} MB on disk (Python {platform.python_version()}, {os.cpu_count()} CPUs).")
        print()
        print("| query | p50 (ms) | p95 (ms) | target p95 | result | p50 / p95 cold terms (ms) | median hits |")
        print("|---|---:|---:|---:|---|---:|---:|")
        for kind, p50, p95, verdict, hits, c50, c95 in rows:
            print(f"| {kind} | {p50:.1f} | {p95:.1f} | ≤ {TARGET_P95_MS:.0f} | {verdict} | {c50:.1f} / {c95:.1f} | {hits:,.0f} |")
        for label, p50, p95 in extra_rows:
            print(f"| {label} | {p50:.1f} | {p95:.1f} | – | – | – | – |")
        return 0 if all(r[3] == "PASS" for r in rows) else 1
    finally:
        index.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
