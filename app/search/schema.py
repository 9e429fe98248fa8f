"""Index schema and document fields: what the index holds for a publication.

Callers build a :class:`PublicationDoc` from a database row; :func:`_doc_fields`
turns it into the fields of :func:`build_schema`.  The text and number helpers
here normalise a value the same way when it is indexed and when it is searched
(``2087-4234`` = ``20874234``; ``1102001.7601`` is also indexed as its series
``1102001``).

The fields used for matching carry no word positions; ``title_phrase`` and
``abstract_phrase`` are positional twins kept for quoted phrases only
(:mod:`app.search.planning` says why).  The index is written with
:func:`_codec`.

Schema versions
---------------
:data:`SCHEMA_VERSION` is written beside every index this code builds
(:mod:`app.search.store`); an index with another version (or none: built
before versions were recorded) still answers searches and takes writes, and
:meth:`~app.search.store.IndexStore.outdated` tells the caller to rebuild it.

* 1: the first schema.
* 2: the year and the release date are no longer indexed or stored (the year
  facet and the "newest" order read the ``sort_newest`` column), the sort
  title is a column only, and only the id, office, title, abstract and
  update time are stored: about a tenth fewer postings and a smaller index.
  Built by the bulk writer of :mod:`app.search.building`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time as dtime
from typing import Iterable

from whoosh import columns
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from app.analysis import build_analyzer, build_exact_analyzer

#: Facet values of the format facet (a ``both`` document counts for each).
FORMATS = ("softcopy", "hardcopy")

MAX_QUERY_CHARS = 256

#: Version of the schema and of what the index holds (see the module docstring).
SCHEMA_VERSION = 2

# Field boosts (index time, via ``field_boost``).
TITLE_BOOST = 3.0
TITLE_EXACT_BOOST = 5.0
SUBJECTS_BOOST = 2.0
NUMBERS_BOOST = 5.0
CONTENT_BOOST = 0.5


@dataclass(frozen=True)
class PublicationDoc:
    """One publication as indexed (built by the caller from the database row)."""

    id: int
    office: str  # office slug, e.g. "majenekab"
    office_name: str  # e.g. "BPS Kabupaten Majene" (searched in "all")
    title: str
    abstract: str = ""
    subjects: tuple[str, ...] = ()
    catalogue_number: str | None = None  # e.g. "1102001.7601"
    publication_number: str | None = None  # e.g. "76010.2401"
    issn: str | None = None  # e.g. "2087-4234"
    isbn: str | None = None  # e.g. "978-602-438-123-4"
    year: int | None = None
    release_date: date | None = None
    language: str = "id"
    format: str = "softcopy"  # softcopy | hardcopy | both
    content: str = ""  # text extracted from the PDF
    updated: datetime | None = None  # naive UTC, for staleness checks


# --------------------------------------------------------------------------- text helpers

_NUMBER_SEP = re.compile(r"[\s\-./_,:;]+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def _printable(text: str) -> str:
    """``text`` with control, format, surrogate and unassigned characters
    replaced by spaces."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else " " for ch in text)


def normalise_text(text: object) -> str:
    """The query text as searched: printable characters only, whitespace
    collapsed, at most :data:`MAX_QUERY_CHARS` characters.  Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _printable(text[: MAX_QUERY_CHARS * 8])
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


def normalise_number(text: str) -> str:
    """A number as indexed and searched: lower-case letters and digits only
    (``"2087-4234"`` → ``"20874234"``, ``"0215-213X"`` → ``"0215213x"``)."""
    return _NOT_ALNUM.sub("", text.lower())


def number_tokens(value: str | None, prefixes: bool = True) -> list[str]:
    """Index terms of one number: the whole number normalised and, with
    ``prefixes``, each leading run of its groups of at least four characters
    (``"1102001.7601"`` → ``1102001``, ``11020017601``: the series part of a
    catalogue number, the office part of a publication number)."""
    if not value:
        return []
    whole = normalise_number(value)
    out: list[str] = []
    if prefixes:
        acc = ""
        for group in _NUMBER_SEP.split(value.strip()):
            acc += normalise_number(group)
            if len(acc) >= 4 and acc not in out:
                out.append(acc)
    if whole and whole not in out:
        out.append(whole)
    return out


def title_sort_key(title: str) -> str:
    """Lower-case, accent-free, punctuation-free title for sorting."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_ALNUM.sub(" ", text.lower())
    return " ".join(text.split())


# --------------------------------------------------------------------------- schema

_NEWEST_ID_BITS = 32
_NEWEST_YEAR_BITS = 12
_NEWEST_DAY_BITS = 20


def _newest_key(doc: PublicationDoc) -> int:
    """Release date, then year, then id, packed in one unsigned 64-bit int."""
    day = doc.release_date.toordinal() if doc.release_date else 0
    year = doc.year if doc.year and 0 < doc.year < (1 << _NEWEST_YEAR_BITS) else 0
    ident = doc.id if 0 <= doc.id < (1 << _NEWEST_ID_BITS) else 0
    day = min(day, (1 << _NEWEST_DAY_BITS) - 1)
    return (day << (_NEWEST_ID_BITS + _NEWEST_YEAR_BITS)) | (year << _NEWEST_ID_BITS) | ident


def _codec() -> W3Codec:
    """Whoosh's codec with 512-posting blocks (128 by default): measured ~40%
    faster to read whole posting lists, and a smaller index.  (Whoosh-Reloaded
    2.7.5 cannot inline short posting lists in the term dictionary: its
    ``inlinelimit`` above 1 raises AttributeError at commit.)"""
    return W3Codec(blocklimit=512)


def build_schema(protected_words: Iterable[str] = ()) -> Schema:
    """The index schema.  The analyzers are pickled into the index by reference
    to :mod:`app.analysis` (keep that module path stable)."""
    analyzer = build_analyzer(protected_words)
    exact = build_exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        office=ID(stored=True),
        office_name=TEXT(analyzer=analyzer, phrase=False),
        # Matching fields carry no word positions: decoding positions made
        # reading a posting list ~4x slower; phrases use the *_phrase fields.
        title=TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST, spelling=True, phrase=False),
        title_exact=TEXT(analyzer=exact, field_boost=TITLE_EXACT_BOOST, phrase=False),
        title_sort=COLUMN(columns.VarBytesColumn()),  # the "title" order; never searched
        abstract=TEXT(analyzer=analyzer, stored=True, spelling=True, phrase=False),
        title_phrase=TEXT(analyzer=analyzer),  # with positions, for "quoted phrases"
        abstract_phrase=TEXT(analyzer=analyzer),
        subjects=KEYWORD(commas=True, lowercase=False),
        subjects_text=TEXT(analyzer=analyzer, field_boost=SUBJECTS_BOOST, phrase=False),
        numbers=KEYWORD(field_boost=NUMBERS_BOOST, scorable=True),
        format=KEYWORD(),
        language=ID(),
        # no positions: ~1.3x smaller index, postings ~7x faster to read
        content=TEXT(analyzer=analyzer, field_boost=CONTENT_BOOST, phrase=False),
        updated=STORED(),
        # release date, year and id packed in one number: the "newest" order
        # and the year facet come from this one column
        sort_newest=COLUMN(columns.NumericColumn("Q", default=0)),
    )


def _doc_fields(doc: PublicationDoc, schema: Schema | None = None) -> dict:
    """The fields of ``doc`` for ``add_document``, shaped for ``schema`` (by
    default the current one; an index built with an older schema version
    keeps taking writes until it is rebuilt)."""
    subjects = [" ".join(s.replace(",", " ").split()) for s in doc.subjects]
    subjects = [s for s in dict.fromkeys(subjects) if s]
    numbers: list[str] = []
    for value, prefixes in ((doc.catalogue_number, True), (doc.publication_number, True),
                            (doc.issn, False), (doc.isbn, False)):
        for tok in number_tokens(value, prefixes):
            if tok not in numbers:
                numbers.append(tok)
    fmt = (doc.format or "softcopy").lower()
    formats = "softcopy hardcopy" if fmt == "both" else fmt
    title_sort = title_sort_key(doc.title or "")
    fields: dict = {
        "id": str(int(doc.id)),
        "office": doc.office or "",
        "office_name": doc.office_name or "",
        "title": doc.title or "",
        "title_exact": doc.title or "",
        "title_phrase": doc.title or "",
        "title_sort": title_sort.encode("utf-8"),
        "abstract": doc.abstract or "",
        "abstract_phrase": doc.abstract or "",
        "subjects": ",".join(subjects),
        "subjects_text": " ; ".join(subjects),
        "numbers": " ".join(numbers),
        "format": formats,
        "language": doc.language or "",
        "content": doc.content or "",
        "sort_newest": _newest_key(doc),
        "updated": doc.updated,
    }
    if schema is not None:
        names = set(schema.names())
        if "year" in names:  # schema version 1 indexed these
            fields["year"] = doc.year
            fields["release"] = datetime.combine(doc.release_date, dtime()) if doc.release_date else None
        if "title_sort" in names and not isinstance(schema["title_sort"], COLUMN):
            fields["title_sort"] = title_sort  # version 1: an ID field, text
        fields = {k: v for k, v in fields.items() if k in names}
    return {k: v for k, v in fields.items() if v is not None and v != ""}
