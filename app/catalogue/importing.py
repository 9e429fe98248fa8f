"""Import publications from a CSV file (used by ``flask catalogue import``).

Rows are checked one by one: a bad row is reported with its line number and reason
and the good rows still go in.  Importing the same file again updates the rows it
created (key: office + publication number, or office + title + year).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalogue.identifiers import format_issn, valid_isbn, valid_issn
from app.catalogue.models import FORMATS, Publication
from app.catalogue.storage import PdfStore
from app.pdf import PdfError
from app.text import parse_int

COLUMNS = ("office", "title", "year", "catalogue_number", "publication_number", "issn", "isbn",
           "release_date", "subjects", "language", "abstract", "pages", "format",
           "shelf_location", "pdf")
REQUIRED = ("office", "title", "format")
BATCH = 200


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (line number, message) for rows that were not imported.
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: (line number, message) for rows imported without their softcopy.
    file_errors: list[tuple[int, str]] = field(default_factory=list)
    #: Files stored with a remark: active content removed, text not extracted.
    notes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.file_errors)


def _text(row: dict, key: str, limit: int) -> str | None:
    value = " ".join((row.get(key) or "").split())
    if len(value) > limit:
        raise RowError(f"{key}: longer than {limit} characters")
    return value or None


#: What library systems write in a language column (ISO 639-1 and -2, MARC, names in
#: Indonesian and English), mapped to the one code stored.
LANGUAGE_FORMS = {
    "id": "id", "in": "id", "ind": "id", "indonesia": "id", "indonesian": "id", "bahasa indonesia": "id",
    "b. indonesia": "id", "en": "en", "eng": "en", "english": "en", "inggris": "en", "bahasa inggris": "en",
}


def normalise_language(value: str) -> str | None:
    """One stored code for a language column: 'ind' → 'id', 'Inggris' → 'en', 'ind;eng' → 'id-en'.

    None when the value cannot be understood.
    """
    text = " ".join(str(value).strip().lower().split())
    if text in LANGUAGE_FORMS:
        return LANGUAGE_FORMS[text]
    parts = [p.strip() for p in re.split(r"\s*[-;/,+&]\s*|\s+dan\s+|\s+and\s+", text) if p.strip()]
    codes = [LANGUAGE_FORMS.get(p) for p in parts]
    if len(parts) == 2 and None not in codes and codes[0] != codes[1]:
        return "-".join(codes)
    return None


def parse_row(row: dict, offices: Iterable[str]) -> dict:
    """Check one CSV row and return the publication's fields (RowError if bad)."""
    for key in REQUIRED:
        if not (row.get(key) or "").strip():
            raise RowError(f"{key}: is required")
    office = row["office"].strip()
    if office not in offices:
        raise RowError(f"office: {office!r} is not a known office slug")
    fields: dict = {"office": office, "title": _text(row, "title", 500)}

    year = (row.get("year") or "").strip()
    if year:
        if not re.fullmatch(r"\d{4}", year) or not 1900 <= int(year) <= 2100:
            raise RowError(f"year: {year!r} is not a year")
    fields["year"] = int(year) if year else None

    fields["catalogue_number"] = _text(row, "catalogue_number", 40)
    fields["publication_number"] = _text(row, "publication_number", 40)
    issn = _text(row, "issn", 20)
    if issn and not valid_issn(issn):
        raise RowError(f"issn: {issn!r} is not a valid ISSN")
    fields["issn"] = format_issn(issn) if issn else None
    isbn = _text(row, "isbn", 20)
    if isbn and not valid_isbn(isbn):
        raise RowError(f"isbn: {isbn!r} is not a valid ISBN")
    fields["isbn"] = isbn

    released = (row.get("release_date") or "").strip()
    try:
        fields["release_date"] = date.fromisoformat(released) if released else None
    except ValueError:
        raise RowError(f"release_date: {released!r} is not a date YYYY-MM-DD") from None

    subjects = [" ".join(s.split()) for s in (row.get("subjects") or "").split(";")]
    fields["subjects"] = list(dict.fromkeys(s for s in subjects if s))
    if any(len(s) > 80 for s in fields["subjects"]):
        raise RowError("subjects: a subject is longer than 80 characters")
    language = normalise_language(row.get("language") or "id")
    if language is None:
        raise RowError(f"language: {row.get('language')!r} is not understood; use a code (id, en, ind, eng, "
                       f"id-en) or a name (Indonesia, Inggris, English), or two joined by '-' or ';'")
    fields["language"] = language
    fields["abstract"] = (row.get("abstract") or "").strip()
    if len(fields["abstract"]) > 10_000:
        raise RowError("abstract: longer than 10000 characters")
    pages = (row.get("pages") or "").strip()
    fields["pages"] = parse_int(pages, minimum=1, maximum=100_000) if pages else None
    if pages and fields["pages"] is None:
        raise RowError(f"pages: {pages!r} is not a page count")
    fmt = row["format"].strip().lower()
    if fmt not in FORMATS:
        raise RowError(f"format: {fmt!r} must be one of {', '.join(FORMATS)}")
    fields["format"] = fmt
    fields["shelf_location"] = _text(row, "shelf_location", 60)
    return fields


def resolve_pdf(name: str, pdf_dir: Path | None) -> Path:
    """The PDF a row names, which must lie inside --pdf-dir (RowError otherwise)."""
    if pdf_dir is None:
        raise RowError("pdf: a file is named but no --pdf-dir was given")
    if Path(name).is_absolute() or "\x00" in name:
        raise RowError(f"pdf: {name!r} must be a path relative to --pdf-dir")
    base = pdf_dir.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise RowError(f"pdf: {name!r} points outside --pdf-dir")
    if not path.is_file():
        raise RowError(f"pdf: {name!r} not found in --pdf-dir")
    return path


def find_existing(session: Session, fields: dict) -> Publication | None:
    query = select(Publication).where(Publication.office == fields["office"])
    if fields["publication_number"]:
        query = query.where(Publication.publication_number == fields["publication_number"])
    else:
        query = query.where(Publication.publication_number.is_(None),
                            Publication.title == fields["title"], Publication.year == fields["year"])
    return session.scalars(query.limit(1)).first()


def read_rows(source: Path) -> list[tuple[int, dict]]:
    """Rows of a UTF-8 CSV with their line numbers (RowError for a bad file)."""
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RowError(f"{source.name} is not UTF-8 (byte {exc.start}); save it as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RowError(f"header: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if None in row:
                row["__extra__"] = row.pop(None)
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise RowError(f"line {reader.line_num}: {exc}") from None
    return rows


def import_csv(session: Session, source: Path, *, offices: Iterable[str], store: PdfStore,
               pdf_dir: Path | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import a catalogue CSV; commit in batches; return what happened."""
    report = ImportReport()
    offices = set(offices)
    rows = read_rows(source)
    for done, (line, row) in enumerate(rows, 1):
        try:
            if row.get("__extra__"):
                raise RowError("more fields than columns in the header")
            fields = parse_row(row, offices)
            pdf_name = (row.get("pdf") or "").strip()
            pdf_path = resolve_pdf(pdf_name, pdf_dir) if pdf_name else None
        except RowError as exc:
            report.errors.append((line, str(exc)))
            continue
        if pdf_path is not None:
            try:
                info = store.put(pdf_path)
                fields.update(pdf_sha256=info.sha256, pdf_size=info.size, pdf_pages=info.page_count)
                if info.removed:
                    report.notes.append((line, f"pdf: {pdf_name!r}: active content removed: "
                                               f"{'; '.join(info.removed)}"))
                if not info.text_complete:
                    report.notes.append((line, f"pdf: {pdf_name!r}: text not indexed ({info.text_problem})"))
            except PdfError as exc:
                report.file_errors.append((line, f"pdf: {pdf_name!r} skipped: {exc}"))
        with session.no_autoflush:
            publication = find_existing(session, fields)
        if publication is None:
            session.add(Publication(**fields))
            report.created += 1
        else:
            changed = False
            for key, value in fields.items():
                if getattr(publication, key) != value:
                    setattr(publication, key, value)
                    changed = True
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        session.flush()
        if done % BATCH == 0:
            session.commit()
        if progress:
            progress(done, len(rows))
    session.commit()
    return report
