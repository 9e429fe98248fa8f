"""Shared test data: catalogue rows and the CSV/import helpers every feature's tests use.

Fixtures live in conftest.py files; plain data and helpers live here, so no test module
imports another.
"""

from __future__ import annotations

import csv
from pathlib import Path

from app.catalogue.importing import COLUMNS

#: Four publications of two offices: softcopy, hardcopy and both, with and without numbers.
ROWS = [
    dict(office="majenekab", title="Kabupaten Majene Dalam Angka 2024", year="2024",
         catalogue_number="1102001.7601", publication_number="76010.2401", issn="2087-4235",
         isbn="978-602-438-123-3", release_date="2024-02-28", subjects="Statistik Dasar;Kependudukan",
         language="id", abstract="Publikasi tahunan berisi data kependudukan, pertanian dan ekonomi Kabupaten Majene.",
         pages="312", format="both", shelf_location="Rak A-01", pdf="majene-2024.pdf"),
    dict(office="majenekab", title="Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023", year="2023",
         catalogue_number="2303003.7601", publication_number="76010.2310", issn="", isbn="",
         release_date="2023-11-30", subjects="Ketenagakerjaan", language="id",
         abstract="Tingkat pengangguran terbuka dan angkatan kerja hasil Sakernas.", pages="60",
         format="softcopy", shelf_location="", pdf="sakernas-2023.pdf"),
    dict(office="majenekab", title="Statistik Peternakan Kabupaten Majene 2019", year="2019",
         catalogue_number="5104001.7601", publication_number="", issn="", isbn="", release_date="",
         subjects="Peternakan", language="id", abstract="Populasi ternak sapi, kambing dan unggas.",
         pages="40", format="hardcopy", shelf_location="Rak C-07", pdf=""),
    dict(office="sawahluntokota", title="Kota Sawahlunto Dalam Angka 2024", year="2024",
         catalogue_number="1102001.1373", publication_number="13730.2401", issn="", isbn="",
         release_date="2024-02-28", subjects="Statistik Dasar", language="id",
         abstract="Data statistik Kota Sawahlunto: penduduk, pariwisata dan pertambangan.", pages="280",
         format="both", shelf_location="Rak 1", pdf="sawahlunto-2024.pdf"),
]


def write_csv(path: Path, rows, columns=COLUMNS) -> Path:
    """A catalogue CSV with these rows (missing columns left empty)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(app, csv_path: Path, pdf_dir: Path | None = None):
    """`flask catalogue import` on a CSV; returns the click result."""
    args = ["catalogue", "import", str(csv_path)] + (["--pdf-dir", str(pdf_dir)] if pdf_dir else [])
    return app.test_cli_runner().invoke(args=args)


def import_rows(app, folder: Path, rows, pdf_dir: Path | None = None) -> None:
    """Import rows through the real CLI; fails the test if the import does."""
    result = run_import(app, write_csv(Path(folder) / "katalog.csv", rows), pdf_dir)
    assert result.exit_code == 0, result.output
