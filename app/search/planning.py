"""What the user asked for, checked, and turned into a plan of terms per field.

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
phrase's words co-occur in more than
:data:`~app.search.ranking.PHRASE_VERIFY_LIMIT` documents, their order is not
checked (Whoosh checks positions in Python).

Topic synonyms (:mod:`app.search.synonyms`): a word, or a run of words, that
names a topic in another way (``inflasi``, ``IHK``, "indeks harga konsumen")
also matches the topic's other names in titles, subjects and abstracts; the
part then matches if the words do or a synonym does.

Field choice ``number`` matches catalogue number, publication number, ISSN and
ISBN, ignoring spaces, hyphens, dots and slashes (``2087-4234`` =
``20874234`` = ``2087 4234``), and the leading groups of catalogue and
publication numbers (``1102001`` finds the whole ``1102001.xxxx`` series,
``76050`` every ``76050.xxxx``); several numbers in the text are alternatives
(OR).  In the ``all`` choice a word that looks like a number is also tried as
a number.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass

from whoosh.fields import Schema

from app.search.schema import (
    CONTENT_BOOST,
    FORMATS,
    NUMBERS_BOOST,
    SUBJECTS_BOOST,
    TITLE_BOOST,
    TITLE_EXACT_BOOST,
    _NEWEST_YEAR_BITS,
    _printable,
    normalise_number,
    normalise_text,
)
from app.search.synonyms import BROADER_WEIGHT, MAX_RUN, SynonymTable, synonyms_for

log = logging.getLogger(__name__)

#: Field choices of :attr:`SearchQuery.field`.
FIELDS = ("all", "title", "subject", "number")
#: Sort choices of :attr:`SearchQuery.sort`.  ``ranked``: the publications named in
#: :attr:`SearchQuery.ranked` first, in that order, then the other matches newest first.
SORTS = ("relevance", "newest", "title", "ranked")

MAX_QUERY_PARTS = 24
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for.  :meth:`SearchIndex.search` normalises it."""

    text: str = ""
    field: str = "all"  # all | title | subject | number
    office: str | None = None  # one office slug, None = all offices
    years: tuple[int, ...] = ()
    subjects: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # "softcopy" / "hardcopy"
    sort: str = "relevance"  # relevance | newest | title | ranked
    page: int = 1
    per_page: int = 20
    #: Sort ``ranked`` only: publication ids to put first, in this order (e.g. best rated).
    ranked: tuple[int, ...] = ()


# --------------------------------------------------------------------------- query normalisation

_SYNTAX = re.compile(r"[*?~^:()\[\]{}\\]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\uff02": '"'})
_PHRASE = re.compile(r'"([^"]*)"')


def normalise_query(query: SearchQuery) -> SearchQuery:
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

    def ranked(values) -> tuple[int, ...]:
        if not isinstance(values, (tuple, list)):
            return ()
        return tuple(v for v in values if type(v) is int)

    office = " ".join(_printable(query.office).split()) if isinstance(query.office, str) else None
    formats = seq(query.formats)
    sort = query.sort if query.sort in SORTS else "relevance"
    return SearchQuery(
        text=normalise_text(query.text),
        field=query.field if query.field in FIELDS else "all",
        office=office or None,
        years=ints(query.years),
        subjects=strs(query.subjects),
        formats=tuple(f for f in FORMATS if f in formats),
        sort=sort,
        page=num(query.page, 1, 1, 1_000_000),
        per_page=num(query.per_page, 20, 1, MAX_PER_PAGE),
        ranked=ranked(query.ranked) if sort == "ranked" else (),
    )


# --------------------------------------------------------------------------- query plan


@dataclass(frozen=True)
class _Alt:
    """One way for a query part to match: all ``terms`` in ``field``
    (adjacent and in order when ``phrase``).  ``weight`` scales the evidence
    of a match (below 1 for a topic synonym, :mod:`app.search.synonyms`)."""

    field: str
    terms: tuple[str, ...]
    phrase: bool = False
    weight: float = 1.0


@dataclass
class _Part:
    """One word or quoted phrase of the query: it matches if any alternative
    does.  A part made of a run of typed words that names a topic
    (:mod:`app.search.synonyms`) also matches when all the parts of
    ``all_of`` do (the words themselves)."""

    source: str
    alts: list[_Alt]
    quoted: bool = False
    terms: tuple[str, ...] = ()  # the analysed terms of the word, for synonyms
    all_of: tuple["_Part", ...] = ()


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
#: Where topic synonyms are looked for, per field choice (never the PDF
#: text; the narrower topics of a broad word not in abstracts either).
_SYNONYM_FIELDS = {
    "all": ("title", "subjects_text", "abstract"),
    "title": ("title",),
    "subject": ("subjects_text",),
}
_NARROWER_FIELDS = ("title", "subjects_text")
#: Where a quoted phrase is looked for, per field of the field choice: title
#: and abstract have positional twins; in subjects and PDF text all the words
#: must occur, in any order; the exact title and the office name are skipped.
_PHRASE_FIELDS = {"title": "title_phrase", "abstract": "abstract_phrase",
                  "subjects_text": "subjects_text", "content": "content"}
_POSITIONAL_FIELDS = ("title_phrase", "abstract_phrase")


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


def _plan(schema: Schema, text: str, field: str) -> _Plan:
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
            parts.append(_Part(piece, alts, quoted, terms=stems))
    if parts and field in _SYNONYM_FIELDS:
        parts = _with_synonyms(parts, synonyms_for(analyzer), _SYNONYM_FIELDS[field])
    return _Plan(text, field, parts, dropped_all=bool(pieces) and not parts)


def _with_synonyms(parts: list[_Part], table: SynonymTable, fields: tuple[str, ...]) -> list[_Part]:
    """``parts`` with topic synonyms added: a word's synonyms become more
    alternatives of its part; a run of words naming a topic (the longest
    first) becomes one part that matches the words or a synonym."""
    def alternatives(terms: tuple[str, ...], have: list[_Alt]) -> list[_Alt]:
        seen = {(a.field, a.terms) for a in have}
        return [_Alt(f, other, weight=weight) for other, weight in table.alternatives(terms)
                for f in fields if (f, other) not in seen
                and (weight > BROADER_WEIGHT or f in _NARROWER_FIELDS)]

    out: list[_Part] = []
    i = 0
    while i < len(parts):
        for j in range(min(len(parts), i + MAX_RUN), i + 1, -1):
            run = parts[i:j]
            if any(p.quoted or not p.terms for p in run):
                continue
            terms = tuple(t for p in run for t in p.terms)
            alts = alternatives(terms, [])
            if alts:
                out.append(_Part(" ".join(p.source for p in run), alts, terms=terms, all_of=tuple(run)))
                i = j
                break
        else:
            part = parts[i]
            if not part.quoted and part.terms:
                part.alts.extend(alternatives(part.terms, part.alts))
            out.append(part)
            i += 1
    return out
