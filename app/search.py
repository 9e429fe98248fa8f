"""The catalogue search engine: a Whoosh index of publications (no Flask here).

Everything Whoosh-specific lives in this module, so the engine can be swapped
if a deployment outgrows it.  The callers build :class:`PublicationDoc` objects
from database rows, hand them to :class:`SearchIndex` and ask it
:class:`SearchQuery` objects; they get :class:`SearchResults` back.

On disk
-------
``path`` (e.g. ``instance/search``) is a *symlink* to a versioned directory
beside it, ``<name>-<UTC timestamp>-<pid>``, holding one Whoosh index.
:meth:`SearchIndex.rebuild` and :meth:`SearchIndex.create` write a fresh
versioned directory, then swap the link atomically (a temporary symlink moved
over ``path`` with :func:`os.replace`) and delete the older directories.
Readers that still hold files of an old directory keep working (POSIX keeps
unlinked files alive while open).  Every search checks both the link target and
:meth:`whoosh.searching.Searcher.up_to_date`, so a switch or a commit made by
another process is seen by the next search (one ``readlink`` and one
``listdir``: a few microseconds).  A plain directory at ``path`` (not a link)
is used as it is, and turned into a versioned directory plus link by the next
rebuild.  POSIX only (symlinks, ``flock``).

Concurrency (several worker processes, several threads each)
-----------------------------------------------------------
* Readers: one Whoosh searcher per thread and per :class:`SearchIndex`, reopened
  when the index changed.  ``Searcher.refresh()`` is never called (it keeps
  stale segments in the Whoosh forks after 2.7.4).
* Writers: Whoosh's own write lock, taken with ``ix.writer(timeout=…, delay=…)``;
  one writer and one commit per :meth:`~SearchIndex.add` /
  :meth:`~SearchIndex.remove` call.  A lock that cannot be had in time raises
  :class:`IndexBusy`.  After taking the lock a writer checks that the link still
  points at the directory it locked (a rebuild may have switched meanwhile) and
  retries on the new one.
* Rebuilds are serialised by a lock file beside ``path``.  The switch itself
  happens while holding the write lock of the old index, so no write is half
  done in a directory that is being retired.  Writes that other processes
  committed to the old index *while* the rebuild ran are replayed: deletions
  directly, additions/updates through the optional ``refetch`` callable (the
  content of a document is not stored in the index, so it cannot be copied);
  without ``refetch`` their ids are left in :attr:`SearchIndex.missed_by_rebuild`
  and logged, and :meth:`SearchIndex.stored_versions` lets the caller catch up.

Query language (never raises, whatever the input)
-------------------------------------------------
The text is normalised: control and other non-printing characters removed,
whitespace collapsed, at most 256 characters, at most 24 words/phrases.
``"quoted phrases"`` are phrases (an unbalanced quote is ignored); the query
syntax characters ``* ? ~ ^ : ( ) [ ] { } \\`` are dropped; ``AND``, ``OR``,
``NOT`` are ordinary words; there are no wildcards.  Every remaining word must
match (AND), in any of the fields chosen (OR across fields).  A word that
analyses to several terms (``PDRB`` → produk domestik regional bruto,
``SP2020`` → sp 2020) needs all of them in the same field.  Words that analyse
to nothing (stopwords, punctuation, emoji) are dropped; **a query whose words
are all dropped finds nothing** (it does not list the whole catalogue).  Only
an empty text lists everything (subject to office and facet filters), newest
first unless another sort is asked for.

Quoted phrases need their words adjacent and in order in the title or the
abstract (checked on the positional twins ``title_phrase``/``abstract_phrase``),
and only all their words in the subjects and the PDF text.  Word positions are
what makes a posting list slow to read (about 7× slower, measured), so the
fields used for matching have none, and the PDF text has none at all (with
them the index was 287 MB instead of 215 MB at 100k publications).  When a
phrase's words co-occur in more than :data:`PHRASE_VERIFY_LIMIT` documents,
their order is not checked (Whoosh checks positions in Python).

Field choice ``number`` matches catalogue number, publication number, ISSN and
ISBN, ignoring spaces, hyphens, dots and slashes (``2087-4234`` =
``20874234`` = ``2087 4234``), and the leading groups of catalogue and
publication numbers (``1102001`` finds the whole ``1102001.xxxx`` series,
``76050`` every ``76050.xxxx``); several numbers in the text are alternatives
(OR).  In the ``all`` choice a word that looks like a number is also tried as
a number.

Relevance
---------
Each part (word or phrase) has an idf, ``1 + ln(N / documents matching it)``;
a document scores, for each part and each field the part matches in, the field
weight (:data:`FIELD_WEIGHTS`: the word as typed in the title 5, a number 5,
its stem in the title 3, subjects 2, abstract and office name 1, PDF text 0.5)
times that idf.  Equal scores are ordered newest first.  This is coarser than
BM25 (term frequency and length are ignored) but, on 100k publications,
Whoosh's BM25 needed 100-600 ms for queries matching thousands of documents:
its matchers step through every posting in Python.  :meth:`SearchIndex.search`
computes the page with a best-first search over bitsets instead (see below),
at a cost that does not grow with the number of matches.

How it is computed
------------------
Whoosh stores and analyses; matching, counting, facets, sorting and ranking
work on bitsets (Python ints, bit *d* = document *d*): one per term, read from
the posting blocks directly and cached per segment in a bounded LRU
(:data:`TERM_CACHE_BYTES`), one per facet value, and two sort orders per index
generation, all shared by the threads of a process.  AND, OR, NOT and counting
run in C over N/8 bytes (about 1 µs at 100k documents).  Facet counts follow
the usual drill-down rule: the counts of one facet apply the text query and
every *other* active facet filter.
"""

from __future__ import annotations

import contextlib
import errno
import heapq
import html
import itertools
import logging
import math
import os
import re
import shutil
import threading
import time
import unicodedata
import weakref
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from datetime import date, datetime, time as dtime
from pathlib import Path
from typing import Callable, Iterable, Sequence

from whoosh import columns, highlight
from whoosh.codec.whoosh3 import W3Codec
from whoosh import query as wq
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.util.filelock import try_for

from app.analysis import build_analyzer, build_exact_analyzer

__all__ = [
    "FIELDS",
    "FORMATS",
    "SORTS",
    "Hit",
    "IndexBusy",
    "PublicationDoc",
    "SearchIndex",
    "SearchQuery",
    "SearchResults",
    "build_schema",
    "normalise_number",
    "normalise_text",
]

log = logging.getLogger(__name__)

#: Field choices of :attr:`SearchQuery.field`.
FIELDS = ("all", "title", "subject", "number")
#: Sort choices of :attr:`SearchQuery.sort`.
SORTS = ("relevance", "newest", "title")
#: Facet values of the format facet (a ``both`` document counts for each).
FORMATS = ("softcopy", "hardcopy")

MAX_QUERY_CHARS = 256
MAX_QUERY_PARTS = 24
MAX_PER_PAGE = 100
SNIPPET_CHARS = 200
#: Above this many candidate documents a phrase is not position-checked in a
#: field (see the module docstring).
PHRASE_VERIFY_LIMIT = 5_000
#: Facet counting goes document by document when the documents (or the
#: documents left out) number at most values × index size × this.
FEW_DOCS_FACTOR = 0.00017
#: "Did you mean" is tried when a query finds fewer documents than this.
SUGGEST_BELOW = 3

# Field boosts (index time, via ``field_boost``).
TITLE_BOOST = 3.0
TITLE_EXACT_BOOST = 5.0
SUBJECTS_BOOST = 2.0
NUMBERS_BOOST = 5.0
CONTENT_BOOST = 0.5


# --------------------------------------------------------------------------- public types


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


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for.  :meth:`SearchIndex.search` normalises it."""

    text: str = ""
    field: str = "all"  # all | title | subject | number
    office: str | None = None  # one office slug, None = all offices
    years: tuple[int, ...] = ()
    subjects: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # "softcopy" / "hardcopy"
    sort: str = "relevance"  # relevance | newest | title
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    """One result.  ``title_html`` and ``snippet_html`` are HTML-safe: user text
    escaped, matched words wrapped in ``<mark>…</mark>``; the snippet comes from
    the abstract (empty if there is none).  ``score`` is the relevance score
    (module docstring), 0.0 when sorted by date or title."""

    id: int
    score: float
    title_html: str
    snippet_html: str


@dataclass(frozen=True)
class SearchResults:
    """One page of results.

    ``facets`` maps ``"year"`` (newest first), ``"subject"`` (count desc, then
    name), ``"format"`` (count desc) and, when the query is not restricted to
    one office, ``"office"`` (count desc, then slug) to ``(value, count)`` pairs.
    Counts apply the text query and the *other* active facet filters; selected
    values are listed even when their count is 0.  ``suggestion`` is the
    corrected query text ("did you mean"), or None.  ``query`` is the
    normalised query that was run (page clamped to the last page).
    """

    total: int
    page: int
    pages: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None
    query: SearchQuery


class IndexBusy(Exception):
    """The index write lock could not be had within the timeout (another writer
    or a rebuild holds it).  Nothing was written; the caller decides whether to
    retry, queue the change, or rely on a later staleness check."""


# --------------------------------------------------------------------------- text helpers

_SYNTAX = re.compile(r"[*?~^:()\[\]{}\\]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\uff02": '"'})
_PHRASE = re.compile(r'"([^"]*)"')
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


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


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
    faster to read whole posting lists, and a smaller index."""
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
        title_sort=ID(sortable=True),
        abstract=TEXT(analyzer=analyzer, stored=True, spelling=True, phrase=False),
        title_phrase=TEXT(analyzer=analyzer),  # with positions, for "quoted phrases"
        abstract_phrase=TEXT(analyzer=analyzer),
        subjects=KEYWORD(stored=True, commas=True, lowercase=False, sortable=True),
        subjects_text=TEXT(analyzer=analyzer, field_boost=SUBJECTS_BOOST, phrase=False),
        numbers=KEYWORD(field_boost=NUMBERS_BOOST, scorable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        release=DATETIME(stored=True, sortable=True),
        format=KEYWORD(stored=True),
        language=ID(stored=True),
        # no positions: ~1.3x smaller index, postings ~7x faster to read
        content=TEXT(analyzer=analyzer, field_boost=CONTENT_BOOST, phrase=False),
        updated=STORED(),
        # release date, year and id packed in one number: the "newest" order
        # and the year facet come from this one column
        sort_newest=COLUMN(columns.NumericColumn("Q", default=0)),
    )


def _doc_fields(doc: PublicationDoc) -> dict:
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
    fields = {
        "id": str(int(doc.id)),
        "office": doc.office or "",
        "office_name": doc.office_name or "",
        "title": doc.title or "",
        "title_exact": doc.title or "",
        "title_phrase": doc.title or "",
        "title_sort": title_sort_key(doc.title or ""),
        "abstract": doc.abstract or "",
        "abstract_phrase": doc.abstract or "",
        "subjects": ",".join(subjects),
        "subjects_text": " ; ".join(subjects),
        "numbers": " ".join(numbers),
        "format": formats,
        "language": doc.language or "",
        "content": doc.content or "",
        "sort_newest": _newest_key(doc),
        "year": doc.year,
        "release": datetime.combine(doc.release_date, dtime()) if doc.release_date else None,
        "updated": doc.updated,
    }
    return {k: v for k, v in fields.items() if v is not None and v != ""}


# --------------------------------------------------------------------------- bitsets
#
# Sets of document numbers are Python ints used as bitsets (bit d = document
# d): AND/OR/NOT and counting run in C over N/8 bytes (about 1 µs for 100k
# documents), and a cached set costs N/8 bytes whatever its size.

_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_FROM_ASCII = bytes.maketrans(b"01", b"\x00\x01")


def _bits_from_ids(ids: Iterable[int], n: int) -> int:
    """The bitset of the document numbers ``ids`` (all < ``n``)."""
    if n <= 0:
        return 0
    flags = bytearray(n)
    for d in ids:
        flags[d] = 1
    return int(flags.translate(_TO_ASCII)[::-1], 2)


def _mask(bits: int, n: int) -> bytes:
    """One byte per document, 1 where ``bits`` has the document."""
    return bin(bits)[:1:-1].encode("ascii").ljust(n, b"0")[:n].translate(_FROM_ASCII)


def _positions(bits: int, n: int, count: int | None = None) -> list[int]:
    """The document numbers in ``bits``, ascending."""
    if count is None:
        count = bits.bit_count()
    if not count:
        return []
    mask = _mask(bits, n)
    if count > 2000:
        return list(itertools.compress(range(n), mask))
    out = []
    find = mask.find
    i = find(1)
    while i >= 0:
        out.append(i)
        i = find(1, i + 1)
    return out


# --------------------------------------------------------------------------- postings


def _local_ids(reader, fieldname: str, text) -> Sequence[int]:
    """Document numbers (segment-local, deleted ones included) of one term in
    one segment reader.  Reads whole posting blocks when it can (Whoosh's own
    matcher steps through them one posting at a time in Python)."""
    try:
        m = reader.postings(fieldname, text)
    except Exception:  # TermNotFound, or a field this index lacks
        return ()
    if type(m).__name__ == "FilterMatcher":
        m = m.child  # deletions are applied by the caller
    if type(m).__name__ == "W3LeafMatcher" and not getattr(m, "_byteids", True):
        out: list[int] = []
        try:
            while True:
                if m._data is None:
                    m._read_data()
                out.extend(itertools.accumulate(m._data[0]))  # ids are delta-coded per block
                if m._lastblock:
                    break
                m._goto(m._nextoffset)
            return out
        except Exception:  # pragma: no cover - Whoosh internals changed: go the slow way
            m.reset()
    if type(m).__name__ == "ListMatcher" and isinstance(getattr(m, "_ids", None), (list, tuple, array)):
        return m._ids
    return list(m.all_ids())


class _BitsCache:
    """Process-wide LRU of per-segment term bitsets, bounded in bytes."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.items: "OrderedDict[tuple, tuple[int, int]]" = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key) -> int | None:
        with self.lock:
            item = self.items.get(key)
            if item is None:
                return None
            self.items.move_to_end(key)
            return item[0]

    def put(self, key, value: int, size: int) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (value, size)
            self.used += size
            while self.used > self.budget and len(self.items) > 1:
                _, (_, old_size) = self.items.popitem(last=False)
                self.used -= old_size

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.used = 0


#: Memory for cached term bitsets (each costs documents/8 bytes: 12.5 KB at 100k).
TERM_CACHE_BYTES = 48 * 1024 * 1024
_TERM_BITS = _BitsCache(TERM_CACHE_BYTES)

_FORMAT_BITS = {"softcopy": 1, "hardcopy": 2}
_YEAR_MASK = (1 << _NEWEST_YEAR_BITS) - 1
_ID_MASK = (1 << _NEWEST_ID_BITS) - 1


class _Segment:
    """Facet bitsets and sort keys of one segment (segment-local document
    numbers), built once per process on first use and shared by all threads."""

    def __init__(self, key: tuple, n: int):
        self.key = key
        self.n = n
        self.lock = threading.RLock()
        self.data: dict[str, object] = {}

    def get(self, name: str, reader, build: Callable):
        value = self.data.get(name)
        if value is None:
            with self.lock:
                value = self.data.get(name)
                if value is None:
                    value = build(reader)
                    self.data[name] = value
        return value

    def term_bits(self, reader, fieldname: str, text: str) -> int:
        key = (self.key, fieldname, text)
        bits = _TERM_BITS.get(key)
        if bits is None:
            bits = _bits_from_ids(_local_ids(reader, fieldname, text), self.n)
            _TERM_BITS.put(key, bits, max(1, self.n // 8))
        return bits

    def keys(self, reader) -> list[int]:
        return self.get("keys", reader, lambda r: list(r.column_reader("sort_newest")))

    def titles(self, reader) -> list[str]:
        return self.get("titles", reader, lambda r: list(r.column_reader("title_sort")))

    def facet(self, reader, group: str) -> dict:
        """``value -> bitset`` of one facet group."""
        def build(r):
            n = self.n
            if group == "year":
                flags: dict[int, bytearray] = {}
                for d, k in enumerate(self.keys(r)):
                    y = (k >> _NEWEST_ID_BITS) & _YEAR_MASK
                    if y:
                        f = flags.get(y)
                        if f is None:
                            f = flags[y] = bytearray(n)
                        f[d] = 1
                return {y: int(f.translate(_TO_ASCII)[::-1], 2) for y, f in flags.items()}
            if group == "format":
                return {v: b for v in _FORMAT_BITS if (b := _bits_from_ids(_local_ids(r, "format", v), n))}
            fieldname = {"office": "office", "subject": "subjects"}[group]
            return {t: b for t in r.field_terms(fieldname) if (b := _bits_from_ids(_local_ids(r, fieldname, t), n))}
        return self.get("facet:" + group, reader, build)


class _Layout:
    """Global data (all segments of one index generation, in docnum order):
    facet bitsets, sort orders.  Shared by threads reading the same segments."""

    def __init__(self, segments: list[tuple[_Segment, int]], n: int):
        self.segments = segments
        self.n = n
        self.lock = threading.RLock()
        self.data: dict[str, object] = {}

    def get(self, name: str, build: Callable):
        value = self.data.get(name)
        if value is None:
            with self.lock:
                value = self.data.get(name)
                if value is None:
                    value = build()
                    self.data[name] = value
        return value


_SEGMENTS: "OrderedDict[tuple, _Segment]" = OrderedDict()
_LAYOUTS: "OrderedDict[tuple, _Layout]" = OrderedDict()
_CACHE_LOCK = threading.Lock()
_SEGMENT_CACHE_SIZE = 32
_LAYOUT_CACHE_SIZE = 4


def _lru(cache: OrderedDict, key, make: Callable, size: int):
    with _CACHE_LOCK:
        value = cache.get(key)
        if value is None:
            value = cache[key] = make()
            while len(cache) > size:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return value


def clear_caches(terms_only: bool = False) -> None:
    """Forget the cached term bitsets and, unless ``terms_only``, the facet
    bitsets and sort orders too (benchmarks, tests)."""
    if not terms_only:
        with _CACHE_LOCK:
            _SEGMENTS.clear()
            _LAYOUTS.clear()
    _TERM_BITS.clear()


# --------------------------------------------------------------------------- per-thread searcher


class _Reader:
    """One open index directory and its searcher, used by one thread."""

    def __init__(self, target: Path):
        self.target = target
        self.ix = FileStorage(str(target)).open_index()
        self.searcher = self.ix.searcher()
        self.closed = False
        try:
            self.schema = self.searcher.schema
            reader = self.searcher.reader()
            self.leaves = reader.leaf_readers() if reader.doc_count_all() else []
            self.n = reader.doc_count_all()
            segments = []
            layout_key: list = [str(target)]
            for r, off in self.leaves:
                seg = r.segment()
                segid = seg.segment_id() if seg is not None else f"{id(r)}"
                n = r.doc_count_all()
                key = (str(target), segid, n)
                segments.append((_lru(_SEGMENTS, key, lambda key=key, n=n: _Segment(key, n), _SEGMENT_CACHE_SIZE), off))
                layout_key.append((segid, off, n))
            self.layout = _lru(_LAYOUTS, tuple(layout_key), lambda: _Layout(segments, self.n), _LAYOUT_CACHE_SIZE)
            deleted: list[int] = []
            for r, off in self.leaves:
                if r.has_deletions():
                    deleted.extend(off + d for d in r.deleted_docs_set)
            self.deleted = len(deleted)
            self.live = ((1 << self.n) - 1) & ~_bits_from_ids(deleted, self.n) if deleted else (1 << self.n) - 1
            self._memo: dict = {}
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            _close_searcher(self.searcher)

    def fresh(self) -> bool:
        return self.searcher.up_to_date()

    def _compose(self, parts: Iterable[tuple[int, int]]) -> int:
        bits = 0
        for b, off in parts:
            if b:
                bits |= b << off if off else b
        return bits

    def term_bits(self, fieldname: str, text: str) -> int:
        """Documents with ``text`` in ``fieldname`` (deleted ones included)."""
        return self._compose((seg.term_bits(r, fieldname, text), off)
                             for (seg, off), (r, _) in zip(self.layout.segments, self.leaves))

    def facet(self, group: str) -> dict:
        """``value -> bitset`` for a facet group, over the whole index."""
        def build():
            if len(self.leaves) == 1:
                return self.layout.segments[0][0].facet(self.leaves[0][0], group)
            out: dict = {}
            for (seg, off), (r, _) in zip(self.layout.segments, self.leaves):
                for value, b in seg.facet(r, group).items():
                    out[value] = out.get(value, 0) | (b << off if off else b)
            return out
        return self.layout.get("facet:" + group, build)

    def keys(self) -> list[int]:
        def build():
            if len(self.leaves) == 1:
                return self.layout.segments[0][0].keys(self.leaves[0][0])
            out: list[int] = []
            for (seg, _), (r, _) in zip(self.layout.segments, self.leaves):
                out.extend(seg.keys(r))
            return out
        return self.layout.get("keys", build)

    def order(self, name: str) -> tuple[list[int], array]:
        """(document numbers in sort order, rank of each document)."""
        def build():
            keys = self.keys()
            if name == "newest":
                order = sorted(range(self.n), key=keys.__getitem__, reverse=True)
            else:
                titles: list[str] = []
                for (seg, _), (r, _) in zip(self.layout.segments, self.leaves):
                    titles.extend(seg.titles(r))
                order = sorted(range(self.n), key=lambda d: (titles[d], keys[d] & _ID_MASK))
            rank = array("I", bytes(4 * self.n))
            for i, d in enumerate(order):
                rank[d] = i
            return order, rank
        return self.layout.get("order:" + name, build)

    def ordered(self, bits: int, name: str, start: int, stop: int, count: int | None = None) -> list[int]:
        """Documents of ``bits`` in sort order ``name``, sliced [start:stop]."""
        if count is None:
            count = bits.bit_count()
        if not count or start >= stop:
            return []
        order, rank = self.order(name)
        if count <= 4000:
            docs = _positions(bits, self.n, count)
            docs.sort(key=rank.__getitem__)
            return docs[start:stop]
        mask = _mask(bits, self.n)
        return list(itertools.islice(itertools.compress(order, map(mask.__getitem__, order)), start, stop))

    def doc_values(self, group: str) -> list[tuple]:
        """The values of a facet group for each document (a tuple each)."""
        def build():
            per_doc: list[list] = [[] for _ in range(self.n)]
            for value, b in self.facet(group).items():
                for d in _positions(b, self.n):
                    per_doc[d].append(value)
            interned: dict[tuple, tuple] = {}
            return [interned.setdefault(t, t) for t in map(tuple, per_doc)]
        return self.layout.get("values:" + group, build)

    def memo(self, key, build: Callable):
        value = self._memo.get(key)
        if value is None:
            value = self._memo[key] = build()
        return value


# --------------------------------------------------------------------------- query plan


@dataclass(frozen=True)
class _Alt:
    """One way for a query part to match: all ``terms`` in ``field``
    (adjacent and in order when ``phrase``)."""

    field: str
    terms: tuple[str, ...]
    phrase: bool = False


@dataclass
class _Part:
    """One word or quoted phrase of the query: it matches if any alternative does."""

    source: str
    alts: list[_Alt]
    quoted: bool = False


@dataclass
class _Plan:
    text: str
    field: str
    parts: list[_Part]
    dropped_all: bool  # words were typed, but none is searchable


#: Relevance weight of a part matched in each field (times the part's idf).
FIELD_WEIGHTS = {
    "title_exact": TITLE_EXACT_BOOST,  # the word as typed, in the title
    "numbers": NUMBERS_BOOST,
    "title": TITLE_BOOST,  # the word's stem, in the title
    "title_phrase": TITLE_BOOST,
    "subjects_text": SUBJECTS_BOOST,
    "abstract": 1.0,
    "abstract_phrase": 1.0,
    "office_name": 1.0,
    "content": CONTENT_BOOST,
}
_ALL_FIELDS = ("title", "title_exact", "abstract", "subjects_text", "office_name", "content")
_FIELD_SETS = {
    "all": _ALL_FIELDS,
    "title": ("title", "title_exact"),
    "subject": ("subjects_text",),
}
#: Where a quoted phrase is looked for, per field of the field choice: title
#: and abstract have positional twins; in subjects and PDF text all the words
#: must occur, in any order; the exact title and the office name are skipped.
_PHRASE_FIELDS = {"title": "title_phrase", "abstract": "abstract_phrase",
                  "subjects_text": "subjects_text", "content": "content"}
_POSITIONAL_FIELDS = ("title_phrase", "abstract_phrase")
#: The stored field whose highlighting each searched field contributes to.
_HIGHLIGHTED = {"title": "title", "title_phrase": "title", "abstract": "abstract", "abstract_phrase": "abstract"}


def _split_text(text: str) -> list[tuple[str, bool]]:
    """(piece, quoted) pairs: balanced ``"…"`` are phrases, the rest words."""
    text = text.translate(_QUOTES)
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in _PHRASE.finditer(text):
        pieces.extend((w, False) for w in _SYNTAX.sub(" ", text[pos : m.start()]).split())
        phrase = " ".join(_SYNTAX.sub(" ", m.group(1)).split())
        if phrase:
            pieces.append((phrase, True))
        pos = m.end()
    pieces.extend((w, False) for w in _SYNTAX.sub(" ", text[pos:]).replace('"', " ").split())
    return pieces[:MAX_QUERY_PARTS]


# --------------------------------------------------------------------------- highlighting


class _MarkFormatter(highlight.Formatter):
    """``<mark>`` around matches, everything else HTML-escaped."""

    between = " \u2026 "

    def _text(self, text):
        return _escape(text)

    def format_token(self, text, token, replace=False):
        return "<mark>" + _escape(highlight.get_text(text, token, replace)) + "</mark>"


_FORMATTER = _MarkFormatter()


def _highlight(text: str, terms: set[str], analyzer, fragmenter, top: int) -> str:
    try:
        return highlight.highlight(text, frozenset(terms), analyzer, fragmenter, _FORMATTER, top=top)
    except Exception:  # pragma: no cover - highlighting must never break a search
        log.exception("highlighting failed")
        return ""


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """The catalogue index at ``path`` (see the module docstring).

    ``protected_words`` (office and place names) are kept unstemmed by the
    analyzer of a newly created index.  ``write_timeout``/``write_delay`` are
    passed to ``ix.writer(timeout=…, delay=…)`` by :meth:`add` and
    :meth:`remove`; ``switch_timeout`` is how long :meth:`rebuild` and
    :meth:`create` wait for the rebuild lock and for the old index's write
    lock.  Thread-safe, and safe with several processes.
    """

    def __init__(
        self,
        path: Path | str,
        protected_words: Iterable[str] = (),
        *,
        write_timeout: float = 5.0,
        write_delay: float = 0.05,
        switch_timeout: float = 60.0,
        writer_limitmb: int = 256,
    ):
        self.path = Path(path).absolute()
        self.protected_words = tuple(sorted({w for w in protected_words if w}))
        self.write_timeout = write_timeout
        self.write_delay = write_delay
        self.switch_timeout = switch_timeout
        self.writer_limitmb = writer_limitmb
        #: Ids written to the old index by another process during the last
        #: :meth:`rebuild` that could not be replayed (no ``refetch`` given).
        self.missed_by_rebuild: set[int] = set()
        self._local = threading.local()
        self._readers: "weakref.WeakSet[_Reader]" = weakref.WeakSet()
        self._readers_lock = threading.Lock()
        self._schema: Schema | None = None

    def __repr__(self) -> str:
        return f"<SearchIndex {self.path}>"

    # ----------------------------------------------------------------- directories

    def _target(self) -> Path | None:
        """The directory the index lives in now, or None."""
        try:
            link = os.readlink(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.EINVAL and self.path.is_dir():
                return self.path  # a plain directory
            raise
        target = Path(link)
        return target if target.is_absolute() else self.path.parent / target

    def _new_dir(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now * 1e6) % 1_000_000:06d}"
        base = f"{self.path.name}-{stamp}-{os.getpid()}"
        for n in itertools.count():
            candidate = self.path.parent / (base if n == 0 else f"{base}-{n}")
            try:
                candidate.mkdir()
                return candidate
            except FileExistsError:
                continue
        raise AssertionError("unreachable")  # pragma: no cover

    def _switch(self, target: Path) -> None:
        """Point ``path`` at ``target``, atomically."""
        parent = self.path.parent
        if self.path.is_dir() and not self.path.is_symlink():
            # A plain directory from before: move it aside first.  Not atomic:
            # readers retry while the name is missing.
            aside = self._new_dir()
            aside.rmdir()
            os.rename(self.path, aside)
        tmp = parent / f".{self.path.name}.tmp-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
        os.symlink(target.name, tmp)
        try:
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):  # make the switch durable
            fd = os.open(parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _cleanup(self, keep: Path) -> None:
        """Delete the versioned directories other than ``keep`` and stale
        temporary links (the caller holds the rebuild lock, so no other
        directory is being built)."""
        pattern = re.compile(rf"^{re.escape(self.path.name)}-\d{{8}}T\d{{12}}-\d+(?:-\d+)?$")
        try:
            entries = list(os.scandir(self.path.parent))
        except FileNotFoundError:  # pragma: no cover
            return
        for entry in entries:
            if entry.name == keep.name:
                continue
            if pattern.match(entry.name) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name.startswith(f".{self.path.name}.tmp-") and entry.is_symlink():
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat(follow_symlinks=False).st_mtime > 60:
                        os.unlink(entry.path)

    def _rebuild_lock(self):
        from whoosh.util.filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path.parent / f".{self.path.name}.rebuild.lock"))
        if not try_for(lock.acquire, timeout=self.switch_timeout, delay=self.write_delay):
            raise IndexBusy(f"another rebuild of {self.path} is running")
        return lock

    def schema(self) -> Schema:
        """The schema a new index directory gets."""
        if self._schema is None:
            self._schema = build_schema(self.protected_words)
        return self._schema

    # ----------------------------------------------------------------- reading

    def _reader(self) -> _Reader | None:
        """This thread's searcher, reopened when the index changed."""
        current: _Reader | None = getattr(self._local, "reader", None)
        last_exc: Exception | None = None
        for attempt in range(10):
            try:
                target = self._target()
            except OSError as exc:  # pragma: no cover
                last_exc = exc
                time.sleep(0.01 * attempt)
                continue
            if target is None:
                self._drop(current)
                return None
            if current is not None and not current.closed and current.target == target:
                try:
                    if current.fresh():
                        return current
                except (OSError, EmptyIndexError) as exc:  # its directory was just deleted
                    last_exc = exc
            try:
                new = _Reader(target)
            except (OSError, EmptyIndexError) as exc:
                # switched or deleted under us, or a link without an index yet
                last_exc = exc
                if attempt >= 3 and isinstance(exc, EmptyIndexError) and target == self._target():
                    self._drop(current)
                    return None
                time.sleep(0.005 * (attempt + 1))
                continue
            self._drop(current)
            self._local.reader = new
            with self._readers_lock:
                self._readers.add(new)
            weakref.finalize(new, _close_searcher, new.searcher)
            return new
        raise RuntimeError(f"cannot open the search index at {self.path}: {last_exc}")

    def _drop(self, reader: _Reader | None) -> None:
        if reader is not None:
            reader.close()
        self._local.reader = None

    def exists(self) -> bool:
        """Whether there is an index at ``path``."""
        try:
            target = self._target()
            return target is not None and FileStorage(str(target)).index_exists()
        except OSError:
            return False

    def doc_count(self) -> int:
        """Number of documents (deleted ones not counted)."""
        r = self._reader()
        return 0 if r is None else r.searcher.doc_count()

    def stored_versions(self) -> dict[int, datetime | None]:
        """``id -> updated`` of every indexed document, to compare with the
        database (what to add again, what to remove)."""
        r = self._reader()
        return {} if r is None else _stored_versions(r.searcher)

    def close(self) -> None:
        """Close every searcher this object opened, in every thread."""
        with self._readers_lock:
            readers = list(self._readers)
            self._readers = weakref.WeakSet()
        for r in readers:
            r.close()
        self._local = threading.local()

    # ----------------------------------------------------------------- writing

    def create(self) -> None:
        """Create an empty index (replacing any index already there)."""
        lock = self._rebuild_lock()
        try:
            new = self._new_dir()
            try:
                FileStorage(str(new)).create_index(self.schema())
                self._switch(new)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            self._cleanup(new)
        finally:
            lock.release()

    def _writer(self):
        """A Whoosh writer on the current index directory (created if missing)."""
        for attempt in range(10):
            target = self._target()
            if target is None or not FileStorage(str(target)).index_exists():
                with contextlib.suppress(IndexBusy):
                    self.create()
                continue
            try:
                ix = FileStorage(str(target)).open_index()
                w = ix.writer(timeout=self.write_timeout, delay=self.write_delay, codec=_codec())
            except LockError:
                raise IndexBusy(f"the search index {self.path} is locked by another writer") from None
            except (OSError, EmptyIndexError):
                time.sleep(0.005 * (attempt + 1))
                continue  # switched and deleted meanwhile
            if self._target() != target:  # a rebuild switched while we waited for the lock
                _cancel_quietly(w)
                continue
            return w
        raise IndexBusy(f"the search index {self.path} kept changing")

    def add(self, docs: Iterable[PublicationDoc]) -> None:
        """Add documents, replacing those with the same id; one writer and one
        commit for the whole call.  Raises :class:`IndexBusy`."""
        fields = [_doc_fields(doc) for doc in docs]
        if not fields:
            return
        w = self._writer()
        try:
            for f in fields:
                w.update_document(**f)
        except BaseException:
            _cancel_quietly(w)
            raise
        w.commit()

    def remove(self, ids: Iterable[int]) -> None:
        """Remove documents by id (unknown ids are ignored).  Raises
        :class:`IndexBusy`."""
        ids = [str(int(i)) for i in ids]
        if not ids or not self.exists():
            return
        w = self._writer()
        try:
            for i in ids:
                w.delete_by_term("id", i)
        except BaseException:
            _cancel_quietly(w)
            raise
        w.commit()

    def rebuild(
        self,
        docs: Iterable[PublicationDoc],
        progress: Callable[[int], None] | None = None,
        *,
        refetch: Callable[[list[int]], Iterable[PublicationDoc]] | None = None,
        progress_every: int = 1000,
    ) -> int:
        """Index ``docs`` into a fresh directory, optimise it to one segment,
        switch to it atomically and delete the old directories; returns the
        number of documents indexed.

        ``progress(n)`` is called every ``progress_every`` documents and once
        at the end.  What other processes write to the old index meanwhile is
        replayed (module docstring); ``refetch(ids)`` must return the current
        documents for ids added or changed meanwhile.
        """
        lock = self._rebuild_lock()
        try:
            old = self._target()
            old_ix = None
            old_gen = None
            snapshot: dict[int, datetime | None] = {}
            try:
                if old is not None and FileStorage(str(old)).index_exists():
                    old_ix = FileStorage(str(old)).open_index()
                    old_gen = old_ix.latest_generation()
                    with old_ix.searcher() as s:
                        snapshot = _stored_versions(s)
            except Exception:  # a damaged index is what a rebuild is for: build without it
                log.warning("search index at %s is unreadable; rebuilding from scratch", old, exc_info=True)
                old_ix, old_gen, snapshot = None, None, {}
            new = self._new_dir()
            try:
                ix = FileStorage(str(new)).create_index(self.schema())
                w = ix.writer(limitmb=self.writer_limitmb, codec=_codec())
                count = 0
                try:
                    for doc in docs:
                        w.add_document(**_doc_fields(doc))
                        count += 1
                        if progress and count % progress_every == 0:
                            progress(count)
                except BaseException:
                    _cancel_quietly(w)
                    raise
                w.commit(optimize=True)
                self.missed_by_rebuild = set()
                if old_ix is None:
                    self._switch(new)
                else:
                    wlock = old_ix.lock("WRITELOCK")
                    if not try_for(wlock.acquire, timeout=self.switch_timeout, delay=self.write_delay):
                        raise IndexBusy(f"a writer kept {old} locked; the rebuilt index was not switched in")
                    try:
                        if old_ix.latest_generation() != old_gen:
                            self._replay(old_ix, ix, snapshot, refetch)
                        self._switch(new)
                    finally:
                        wlock.release()
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            self._cleanup(new)
            with ix.searcher() as s:
                count = s.doc_count()
            if progress:
                progress(count)
            return count
        finally:
            lock.release()

    def _replay(self, old_ix, new_ix, snapshot, refetch) -> None:
        """Apply to the new index what others committed to the old one during
        a rebuild (the caller holds the old index's write lock)."""
        with old_ix.searcher() as s:
            now = _stored_versions(s)
        removed = [i for i in snapshot if i not in now]
        changed = sorted(i for i, v in now.items() if i not in snapshot or snapshot[i] != v)
        if not removed and not changed:
            return
        w = new_ix.writer(timeout=self.write_timeout, delay=self.write_delay, codec=_codec())
        try:
            for i in removed:
                w.delete_by_term("id", str(i))
            if changed and refetch is not None:
                for doc in refetch(changed):
                    w.update_document(**_doc_fields(doc))
        except BaseException:
            _cancel_quietly(w)
            raise
        w.commit()  # a small second segment; rewriting the big one would hold the lock for minutes
        if changed and refetch is None:
            self.missed_by_rebuild = set(changed)
            log.warning("search index rebuild: %d document(s) changed meanwhile were not re-read: %s",
                        len(changed), changed[:20])

    # ----------------------------------------------------------------- searching

    def normalise(self, query: SearchQuery) -> SearchQuery:
        """``query`` with every value checked: text normalised, unknown choices
        replaced by the defaults, 1 ≤ page, 1 ≤ per_page ≤ 100."""
        def seq(values) -> tuple:
            if values is None:
                return ()
            if isinstance(values, (str, bytes, int)):
                return (values,)
            try:
                return tuple(values)[:1000]
            except TypeError:
                return ()

        def ints(values) -> tuple[int, ...]:
            out = set()
            for v in seq(values):
                with contextlib.suppress(TypeError, ValueError, OverflowError):
                    v = int(v)
                    if 0 < v < (1 << _NEWEST_YEAR_BITS):
                        out.add(v)
            return tuple(sorted(out, reverse=True))

        def strs(values) -> tuple[str, ...]:
            out: list[str] = []
            for v in seq(values):
                if isinstance(v, str):
                    v = " ".join(_printable(v).replace(",", " ").split())
                    if v and v not in out:
                        out.append(v)
            return tuple(out)

        def num(value, default: int, lo: int, hi: int) -> int:
            try:
                return max(lo, min(hi, int(value)))
            except (TypeError, ValueError, OverflowError):
                return default

        office = " ".join(_printable(query.office).split()) if isinstance(query.office, str) else None
        formats = seq(query.formats)
        return SearchQuery(
            text=normalise_text(query.text),
            field=query.field if query.field in FIELDS else "all",
            office=office or None,
            years=ints(query.years),
            subjects=strs(query.subjects),
            formats=tuple(f for f in FORMATS if f in formats),
            sort=query.sort if query.sort in SORTS else "relevance",
            page=num(query.page, 1, 1, 1_000_000),
            per_page=num(query.per_page, 20, 1, MAX_PER_PAGE),
        )

    def search(self, query: SearchQuery) -> SearchResults:
        """Run ``query`` (module docstring).  Never raises on user input."""
        q = self.normalise(query)
        r = self._reader()
        if r is None:
            return SearchResults(0, 1, 1, q.per_page, [], {}, None, replace(q, page=1))
        plan = self._plan(r.schema, q.text, q.field)
        text_bits, features = self._evaluate(r, plan)
        text_bits = r.live if text_bits is None else text_bits & r.live
        if q.office is not None:
            text_bits &= r.facet("office").get(q.office, 0)

        filters: dict[str, int] = {}
        if q.years:
            years = r.facet("year")
            filters["year"] = _or(years.get(y, 0) for y in q.years)
        if q.subjects:
            subjects = r.facet("subject")
            filters["subject"] = _or(subjects.get(s, 0) for s in q.subjects)
        if q.formats:
            formats = r.facet("format")
            filters["format"] = _or(formats.get(f, 0) for f in q.formats)
        final = text_bits
        for b in filters.values():
            final &= b
        total = final.bit_count()

        facets = self._facets(r, q, text_bits, filters)

        per_page = q.per_page
        pages = max(1, math.ceil(total / per_page))
        page = min(q.page, pages)
        q = replace(q, page=page)
        start, stop = (page - 1) * per_page, page * per_page
        if not total:
            scored: list[tuple[int, float]] = []
        elif plan.parts and q.sort == "relevance":
            scored = self._rank(r, features, final, stop)[start:stop]
        else:
            name = "title" if q.sort == "title" else "newest"
            scored = [(d, 0.0) for d in r.ordered(final, name, start, stop, total)]
        hits = [self._hit(r, plan, d, score) for d, score in scored]

        suggestion = None
        if plan.parts and total < SUGGEST_BELOW:
            suggestion = self._suggest(r, q, plan, filters, total)
        return SearchResults(total, page, pages, per_page, hits, facets, suggestion, q)

    # ----------------------------------------------------------------- planning

    def _plan(self, schema: Schema, text: str, field: str) -> _Plan:
        """The parts (all must match) and their alternatives (any may match)."""
        pieces = _split_text(text)
        parts: list[_Part] = []
        if field == "number":
            keys = [normalise_number(p) for p, _ in pieces]
            if len(pieces) > 1:
                keys.append(normalise_number(text))
            keys = [k for k in dict.fromkeys(keys) if k]
            if keys:
                parts.append(_Part(text, [_Alt("numbers", (k,)) for k in keys]))
            return _Plan(text, field, parts, dropped_all=bool(pieces) and not parts)
        analyzer = schema["title"].analyzer
        exact = schema["title_exact"].analyzer
        for piece, quoted in pieces:
            try:
                stems = tuple(dict.fromkeys(t.text for t in analyzer(piece))) if not quoted else \
                    tuple(t.text for t in analyzer(piece))
                exacts = tuple(dict.fromkeys(t.text for t in exact(piece)))
            except Exception:  # pragma: no cover - never fail on user input
                log.exception("the analyzer failed on %r", piece)
                continue
            if not stems:
                continue  # stopwords, punctuation, emoji
            quoted = quoted and len(stems) > 1
            alts: list[_Alt] = []
            for f in _FIELD_SETS[field]:
                if quoted:
                    pf = _PHRASE_FIELDS.get(f)
                    if pf in _POSITIONAL_FIELDS:
                        alts.append(_Alt(pf, stems, phrase=True))
                    elif pf:
                        alts.append(_Alt(pf, tuple(dict.fromkeys(stems))))
                elif f == "title_exact":
                    if exacts:
                        alts.append(_Alt(f, exacts))
                else:
                    alts.append(_Alt(f, stems))
            if field == "all":
                key = normalise_number(piece)
                if len(key) >= 4 and any(ch.isdigit() for ch in key):
                    alts.append(_Alt("numbers", (key,)))
            if alts:
                parts.append(_Part(piece, alts, quoted))
        return _Plan(text, field, parts, dropped_all=bool(pieces) and not parts)

    def _alt_bits(self, r: _Reader, alt: _Alt) -> int:
        if not alt.terms:
            return 0
        bits = -1
        for t in alt.terms:
            bits &= r.term_bits(alt.field, t)
            if not bits:
                return 0
        if alt.phrase and bits:
            candidates = bits & r.live
            if candidates and candidates.bit_count() <= PHRASE_VERIFY_LIMIT:
                found = r.searcher.docs_for_query(wq.Phrase(alt.field, list(alt.terms)))
                bits = candidates & _bits_from_ids(found, r.n)
            # else: too many documents to check word positions: co-occurrence
        return bits

    def _evaluate(self, r: _Reader, plan: _Plan) -> tuple[int | None, list[tuple[float, int]]]:
        """(documents matching the text or None for "no text", ranking features)."""
        if not plan.parts:
            return (0 if plan.dropped_all else None), []
        live_count = max(1, r.n - r.deleted)
        text_bits = -1
        features: list[tuple[float, int]] = []
        for part in plan.parts:
            alt_bits = [(alt, self._alt_bits(r, alt)) for alt in part.alts]
            part_bits = _or(b for _, b in alt_bits)
            text_bits &= part_bits
            if not text_bits:
                return 0, []
            idf = 1.0 + math.log(live_count / (1 + (part_bits & r.live).bit_count()))
            features.extend((round(FIELD_WEIGHTS[alt.field] * idf, 6), b) for alt, b in alt_bits if b)
        return text_bits, features

    def _rank(self, r: _Reader, features: list[tuple[float, int]], final: int, limit: int) -> list[tuple[int, float]]:
        """The first ``limit`` documents of ``final`` by relevance.

        A document's score is the sum of the weights of the features (part ×
        field) it has; equal scores are ordered newest first.  Best-first
        search over feature membership: bitset AND/NOT per step, so the cost
        does not grow with the number of matches.
        """
        features = sorted(features, key=lambda f: -f[0])
        nf = len(features)
        suffix = [0.0] * (nf + 1)  # the most a node at each level can still gain
        for i in range(nf - 1, -1, -1):
            suffix[i] = suffix[i + 1] + features[i][0]
        heap: list = []
        seq = itertools.count()

        def push(level: int, score: float, bits: int) -> None:
            heapq.heappush(heap, (-(score + suffix[level]), next(seq), level, score, bits))

        def expand(level: int, score: float, bits: int) -> None:
            weight, fbits = features[level]
            inside = bits & fbits
            if inside:
                push(level + 1, score + weight, inside)
                bits &= ~fbits
            if bits:
                push(level + 1, score, bits)

        push(0, 0.0, final)
        out: list[tuple[int, float]] = []
        while heap and len(out) < limit:
            _, _, level, score, bits = heapq.heappop(heap)
            if level < nf:
                expand(level, score, bits)
                continue
            # A leaf: nothing left in the heap can score higher.  Gather every
            # node that can still reach the same score, so that ties come out
            # in one newest-first order.
            tied = bits
            while heap and -heap[0][0] >= score - 1e-9:
                _, _, lvl, sc, b = heapq.heappop(heap)
                if lvl == nf:
                    tied |= b
                else:
                    expand(lvl, sc, b)
            out.extend((d, score) for d in r.ordered(tied, "newest", 0, limit - len(out)))
        return out

    # ----------------------------------------------------------------- facets

    def _facets(self, r: _Reader, q: SearchQuery, text_bits: int, filters: dict[str, int]) -> dict:
        groups = ["year", "subject", "format"] + (["office"] if q.office is None else [])
        selected = {"year": q.years, "subject": q.subjects, "format": q.formats, "office": ()}
        facets: dict[str, list[tuple[str, int]]] = {}
        positions: dict[int, list[int]] = {}
        live_count = r.n - r.deleted

        def lookup(bits: int, group: str) -> Counter:
            docs = positions.get(bits)
            if docs is None:
                docs = positions[bits] = _positions(bits, r.n)
            return Counter(itertools.chain.from_iterable(map(r.doc_values(group).__getitem__, docs)))

        for group in groups:
            base = text_bits
            for g, b in filters.items():
                if g != group:
                    base &= b
            everything = r.memo(("counts", group), lambda group=group: _count(r.facet(group), r.live))
            size = base.bit_count()
            # Few documents, or all but a few: look values up document by
            # document (~0.35 µs each) rather than AND-ing the bitset of every
            # value (~6 µs each at 100k documents; 455 offices: ~3 ms).
            few = len(everything) * r.n * FEW_DOCS_FACTOR
            if size == live_count:
                counts = dict(everything)
            elif size <= few:
                counts = dict(lookup(base, group)) if size else {}
            elif live_count - size <= few:
                counts = Counter(everything)
                counts.subtract(lookup(r.live & ~base, group))
                counts = {v: c for v, c in counts.items() if c > 0}
            else:
                counts = _count(r.facet(group), base)
            for value in selected[group]:
                counts.setdefault(value, 0)
            if group == "year":
                items = [(str(y), c) for y, c in sorted(counts.items(), reverse=True)]
            elif group == "format":
                items = sorted(counts.items(), key=lambda kv: (-kv[1], FORMATS.index(kv[0])))
            else:
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))
            facets[group] = items
        return facets

    # ----------------------------------------------------------------- hits

    def _hit(self, r: _Reader, plan: _Plan, docnum: int, score: float) -> Hit:
        stored = r.searcher.stored_fields(docnum)
        title = stored.get("title") or ""
        abstract = stored.get("abstract") or ""
        terms: dict[str, set[str]] = {"title": set(), "abstract": set()}
        for part in plan.parts:
            for alt in part.alts:
                if alt.field in _HIGHLIGHTED:
                    terms[_HIGHLIGHTED[alt.field]].update(alt.terms)
        title_html = ""
        if terms["title"] and title:
            title_html = _highlight(title, terms["title"], r.schema["title"].analyzer,
                                    highlight.WholeFragmenter(), top=1)
        snippet = ""
        if terms["abstract"] and abstract:
            snippet = _highlight(abstract, terms["abstract"], r.schema["abstract"].analyzer,
                                 highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60), top=2)
        if not snippet and abstract:
            snippet = _escape(_cut(abstract, SNIPPET_CHARS))
        try:
            ident = int(stored.get("id"))
        except (TypeError, ValueError):  # pragma: no cover
            ident = -1
        return Hit(ident, round(float(score), 4), title_html or _escape(title), snippet)

    # ----------------------------------------------------------------- did you mean

    def _suggest(self, r: _Reader, q: SearchQuery, plan: _Plan, filters: dict[str, int], total: int) -> str | None:
        """A corrected query text finding more documents, or None.

        Words unknown to titles, abstracts and subjects are replaced by the most
        frequent title/abstract word one edit away (insertion, deletion,
        substitution or swap of neighbours) with the same first letter.
        """
        if q.field == "number":
            return None
        reader = r.searcher.reader()
        schema = r.schema
        spell_fields = [schema[f].spelling_fieldname(f) for f in ("title", "abstract")]
        analyzer = schema["title"].analyzer
        changed = False
        out: list[str] = []
        for piece, quoted in _split_text(plan.text):
            words = []
            for word in piece.split():
                lw = word.lower()
                if lw.isalpha() and len(lw) >= 4:
                    stems = [t.text for t in analyzer(lw)]
                    known = not stems or all(any((f, s) in reader for f in ("title", "abstract", "subjects_text"))
                                             for s in stems)
                    if not known and not any((f, lw) in reader for f in spell_fields):
                        best = _best_correction(reader, spell_fields, lw)
                        if best:
                            word = best
                            changed = True
                words.append(word)
            text = " ".join(words)
            out.append(f'"{text}"' if quoted else text)
        if not changed:
            return None
        corrected = " ".join(out)
        bits, _ = self._evaluate(r, self._plan(schema, corrected, q.field))
        if not bits:
            return None
        bits &= r.live
        if q.office is not None:
            bits &= r.facet("office").get(q.office, 0)
        for b in filters.values():
            bits &= b
        return corrected if bits.bit_count() > total else None


# --------------------------------------------------------------------------- helpers


def _or(bitsets: Iterable[int]) -> int:
    out = 0
    for b in bitsets:
        out |= b
    return out


def _count(values: dict, base: int) -> dict:
    """``value -> number of documents of base having it`` (non-zero only)."""
    if not base:
        return {}
    out = {}
    for value, b in values.items():
        c = (b & base).bit_count()
        if c:
            out[value] = c
    return out


def _cut(text: str, limit: int) -> str:
    """``text`` with whitespace collapsed, cut at a word boundary to at most
    ``limit`` characters (plus an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "\u2026"


def _best_correction(reader, fields: list[str], word: str) -> str | None:
    """The most frequent spelling word one edit away from ``word`` (same first
    letter) in the given spelling fields, or None."""
    candidates: set[str] = set()
    for f in fields:
        for leaf, _ in reader.leaf_readers():  # one automaton walk per segment
            with contextlib.suppress(Exception):
                candidates.update(c.decode("utf-8") if isinstance(c, bytes) else c
                                  for c in leaf.terms_within(f, word, 1, prefix=1))
        # Whoosh's automaton counts a swap of neighbours as two edits
        for i in range(1, len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swapped != word and (f, swapped) in reader:
                candidates.add(swapped)
    candidates.discard(word)
    if not candidates:
        return None
    return max(sorted(candidates), key=lambda c: sum(reader.doc_frequency(f, c) for f in fields))


def _stored_versions(searcher) -> dict[int, datetime | None]:
    out: dict[int, datetime | None] = {}
    for fields in searcher.all_stored_fields():
        with contextlib.suppress(KeyError, TypeError, ValueError):
            out[int(fields["id"])] = fields.get("updated")
    return out


def _cancel_quietly(writer) -> None:
    with contextlib.suppress(Exception):
        writer.cancel()


def _close_searcher(searcher) -> None:
    with contextlib.suppress(Exception):
        searcher.close()
