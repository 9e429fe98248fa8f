"""Demo catalogue for PST Perpustakaan: realistic records and matching PDFs.

A plain engine (no Flask, no database).  It produces a BPS-like catalogue for the
five offices served by the application, in exactly the shape the CSV importer
reads, plus softcopies to go with it.  The CLI (app/catalogue/cli.py) loads it.

Public API
----------
* :func:`demo_records` -- a deterministic list of publication records (dicts
  with exactly the keys of :data:`CSV_COLUMNS`).
* :func:`render_pdf` -- the PDF of one record: a cover, "Kata Pengantar",
  "Daftar Isi", a short "Sekilas Wilayah", and chapters on the topics of the
  record's series, with Indonesian prose and bordered tables.
* :func:`write_demo_files` -- ``catalogue.csv`` plus ``pdf/<name>.pdf`` files in
  a folder, ready for ``flask catalogue import`` (use ``<folder>/pdf`` as the
  PDF directory: the ``pdf`` column holds names relative to it).
* :func:`isbn13_check_digit`, :func:`issn_check_digit`, :func:`valid_isbn13`,
  :func:`valid_issn` -- identifier helpers an importer can reuse.

Layout
------
``records`` (offices, series, identifiers, CSV), ``figures`` (synthetic numbers),
``chapters`` (what each topic's pages say) and ``pdfs`` (ReportLab layout, the only
module that imports ReportLab, loaded on the first :func:`render_pdf`).  The data --
offices, series, subjects, chapter texts, cover texts -- live in ``data/*.yaml``.

Page counts
-----------
``demo_records`` chooses ``pages`` first (4-12) and :func:`render_pdf` renders
*exactly* ``record["pages"]`` pages: page 1 is the cover, page 2 holds the
front matter, and every further page is one chapter section whose content is
shrunk to fit when needed.  ``render_pdf`` checks the final page count and
raises ``RuntimeError`` if it ever differs.  The same holds for any
``pages >= 3``, which the watermark benchmark uses for a 200-page file.

Honesty note
------------
Titles, identifiers and layout imitate BPS publications, but every figure in
the PDFs is synthetic (derived from rough, rounded regional magnitudes).  Each
cover and page footer says so, so a demo file cannot be mistaken for official
statistics.  Catalogue numbers, publication numbers, ISSNs and ISBNs are
well-formed (valid check digits) but invented.
"""

from __future__ import annotations

from app.catalogue.identifiers import isbn13_check_digit, issn_check_digit, valid_isbn13, valid_issn
from app.demo.figures import fmt_id
from app.demo.records import (
    CSV_COLUMNS,
    DEFAULT_COUNT,
    OFFICES,
    SUBJECTS,
    DemoOffice,
    Subunit,
    demo_records,
    max_records,
    write_demo_files,
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


def render_pdf(record: dict) -> bytes:
    """Render *record* as a PDF of exactly ``record["pages"]`` pages (>= 3); see :mod:`app.demo.pdfs`."""
    # Imported here so that records, CSV and identifiers work without loading ReportLab.
    from app.demo.pdfs import render_pdf as render

    return render(record)
