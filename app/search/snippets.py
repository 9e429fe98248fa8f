"""What a result shows: highlighted title and snippet, a passage of the PDF
text, and "did you mean".

Highlighting marks the words whose analysed terms are among the query's, so a
match on a stem marks every form of the word ("menganggur" marks
"Pengangguran") and an acronym's expansion marks the compound
("tenaga kerja" marks "Ketenagakerjaan").  The words of a text are found with
the index's own analyzer replayed by :class:`~app.search.terms.FastAnalyzer`,
each distinct word analysed once per process: Whoosh's highlighter re-ran the
analyzer chain over every shown field of every hit, half the time of a
results page.  The title is shown whole; the snippet is the abstract, or the
best window of it around the matches; for a publication that matched only in
its PDF text, :func:`best_passage` finds the sentence of the text that
matched (the caller reads the text from where it keeps it).  User text is
always HTML-escaped.  A "did you mean" suggestion is tried only when a query
finds fewer than :data:`SUGGEST_BELOW` documents, and offered only when the
corrected text finds more.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

from app.search.bitsets import _Reader
from app.search.planning import SearchQuery, _Plan, _plan, _split_text
from app.search.ranking import _evaluate, _Match
from app.search.terms import FastAnalyzer, fast_analyzer

log = logging.getLogger(__name__)

SNIPPET_CHARS = 200
#: "Did you mean" is tried when a query finds fewer documents than this.
SUGGEST_BELOW = 3
#: A passage of the PDF text looks at most this many places where a word of
#: the query may be (a long PDF can say a common word thousands of times).
PASSAGE_CANDIDATES = 400


@dataclass(frozen=True)
class Hit:
    """One result.  ``title_html`` and ``snippet_html`` are HTML-safe: user text
    escaped, matched words wrapped in ``<mark>…</mark>``; the snippet comes from
    the abstract (empty if there is none).  ``score`` is the relevance score
    (:mod:`app.search.ranking`: a multiple of ``TIER_SCORE`` for each word
    found in the metadata, plus the evidence), 0.0 when sorted by date or
    title.  ``full_text_only`` is True when a word of the query (or all of
    them) was found in this publication only in its PDF text, not in its
    title, subjects, abstract, numbers or office name; ``text_terms`` are
    then the analysed terms of those words, for :func:`best_passage`."""

    id: int
    score: float
    title_html: str
    snippet_html: str
    full_text_only: bool = False
    text_terms: tuple[str, ...] = ()


#: The stored field whose highlighting each searched field contributes to.
_HIGHLIGHTED = {"title": "title", "title_phrase": "title", "abstract": "abstract", "abstract_phrase": "abstract"}


# --------------------------------------------------------------------------- highlighting


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _matches(text: str, terms: frozenset[str] | set[str], fast: FastAnalyzer) -> list[tuple[int, int, frozenset]]:
    """(start, end, terms) of each word of ``text`` with a term in ``terms``."""
    terms_of = fast.terms_of
    if terms.isdisjoint(itertools.chain.from_iterable(map(terms_of.__getitem__, fast.findall(text)))):
        return []  # the common case, found without a Python loop
    out = []
    for m in fast.finditer(text):
        found = terms.intersection(terms_of[m.group(0)])
        if found:
            out.append((m.start(), m.end(), frozenset(found)))
    return out


def _marked(text: str, spans: list[tuple[int, int, frozenset]], start: int = 0, stop: int | None = None) -> str:
    """``text[start:stop]`` HTML-escaped, with the spans inside it marked."""
    stop = len(text) if stop is None else stop
    out = []
    pos = start
    for a, b, _ in spans:
        if a < start or b > stop:
            continue
        out.append(_escape(text[pos:a]))
        out.append("<mark>" + _escape(text[a:b]) + "</mark>")
        pos = b
    out.append(_escape(text[pos:stop]))
    return "".join(out)


def highlight_text(text: str, terms: Iterable[str], analyzer) -> str:
    """``text`` HTML-escaped with its words whose analysed terms (by
    ``analyzer``) are in ``terms`` marked."""
    fast = fast_analyzer(analyzer)
    terms = frozenset(terms)
    if fast is None or not terms or not text:
        return _escape(text)
    return _marked(text, _matches(text, terms, fast))


def _window(text: str, spans: list, limit: int) -> tuple[int, int]:
    """The stretch of ``text`` of at most ``limit`` characters, starting at
    a word, that holds the most distinct matched terms (the earliest such)."""
    best = (0, 0, 0)  # (distinct terms, -start, stop)
    for i, (a, _, _) in enumerate(spans):
        start = max(0, a - 60)
        if start:
            space = text.find(" ", start, a)
            start = space + 1 if space >= 0 else a
        stop = start + limit
        found: set = set()
        for c, d, t in spans[i:]:
            if d > stop:
                break
            found |= t
        key = (len(found), -start, stop)
        if key > best:
            best = key
    start, stop = -best[1], min(len(text), best[2])
    if stop < len(text):
        space = text.rfind(" ", start, stop)
        if space > start + limit // 2:
            stop = space
    return start, stop


class _Terms:
    """What to mark in one field: the query's own terms, and the topic
    synonyms (each a group of terms), marked only where none of the query's
    own terms is and all of the synonym's terms are."""

    def __init__(self):
        self.own: set[str] = set()
        self.synonyms: set[tuple[str, ...]] = set()

    def __bool__(self) -> bool:
        return bool(self.own or self.synonyms)

    def spans(self, text: str, fast: FastAnalyzer) -> list[tuple[int, int, frozenset]]:
        every = frozenset(self.own.union(*self.synonyms))
        spans = _matches(text, every, fast)
        own = [span for span in spans if span[2] & self.own]
        if own or not self.synonyms:
            return own
        present = frozenset().union(*(t for _, _, t in spans))
        wanted = frozenset().union(*(group for group in self.synonyms if present.issuperset(group)))
        return [span for span in spans if span[2] & wanted]


def _snippet(abstract: str, terms: _Terms, fast: FastAnalyzer | None) -> str:
    """The abstract, or the window of it around its matches, marked."""
    spans = terms.spans(abstract, fast) if fast is not None and terms else []
    if not spans:
        return _escape(_cut(abstract, SNIPPET_CHARS))
    text = " ".join(abstract.split())
    if text != abstract:
        spans = terms.spans(text, fast)
    if len(text) <= SNIPPET_CHARS * 5 // 4:
        return _marked(text, spans)
    start, stop = _window(text, spans, SNIPPET_CHARS)
    html_ = _marked(text, spans, start, stop).strip()
    return ("\u2026 " if start else "") + html_ + (" \u2026" if stop < len(text) else "")


# --------------------------------------------------------------------------- passages of the PDF text

_WHITESPACE = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\u00a0\u2028\u2029"})
#: Where a sentence ends: after . ! ? ; : and a space, at a blank line, and
#: at a line break before a capital (the line before was a heading or a
#: table row: PDF text keeps the lines of the page).
_SENTENCE_END = re.compile(r"[.!?;:](?=\s)|\n\s*\n|\n(?=[ \t]*[A-Z])")


def best_passage(text: str, query: str | Iterable[str], *, analyzer=None, chars: int = SNIPPET_CHARS) -> str:
    """The passage of ``text`` that best matches ``query``: HTML, escaped, with
    the matched words in ``<mark>…</mark>``; "" when no word matches.

    ``query`` is either the query text (analysed here) or its analysed terms
    (e.g. :attr:`Hit.text_terms`).  Words match by their analysed terms, so
    "menganggur" marks "pengangguran".  The passage is the sentence holding the
    most distinct words of the query (the first such), cut to about ``chars``
    characters around the matches when it is longer, with "…" where it was cut.
    ``analyzer`` should be the index's (:meth:`SearchIndex.passage
    <app.search.index.SearchIndex.passage>` passes it); by default, the
    catalogue analyzer with the gazetteer's place names.
    """
    if not text or not query:
        return ""
    if analyzer is None:
        from app.analysis import _default_analyzer

        analyzer = _default_analyzer()
    fast = fast_analyzer(analyzer)
    if fast is None:  # pragma: no cover - not an analyzer this module knows
        return ""
    if isinstance(query, str):
        terms = frozenset(t for word in fast.findall(query) for t in fast.terms_of[word])
    else:
        terms = frozenset(query)
    if not terms:
        return ""
    flat = text.translate(_WHITESPACE)
    spans = _candidate_matches(flat, terms, fast)
    if not spans:
        return ""
    # The sentence of each match; the best is the one with most distinct terms.
    best = None
    for a, _, _ in spans:
        start = _sentence_start(text, a)
        end = _sentence_end(text, a)
        found = frozenset().union(*(t for c, d, t in spans if c >= start and d <= end))
        key = (len(found), -start)
        if best is None or key > best[0]:
            best = (key, start, end)
    _, start, end = best
    inside = [span for span in spans if span[0] >= start and span[1] <= end]
    while start < end and flat[start] == " ":
        start += 1
    if end - start > chars * 5 // 4:
        a, b = _window(flat[start:end], [(x - start, y - start, t) for x, y, t in inside], chars)
        cut_start, cut_end = start + a, start + b
    else:
        cut_start, cut_end = start, end
    html_ = re.sub(r" {2,}", " ", _marked(flat, inside, cut_start, cut_end)).strip()
    if cut_start > start or start > 0 and flat[start - 1] not in ".!?;: ":
        html_ = "\u2026 " + html_
    if cut_end < end:
        html_ += " \u2026"
    return html_


def _sentence_start(text: str, pos: int, reach: int = 400) -> int:
    """Where the sentence holding ``pos`` starts (looking back at most ``reach``)."""
    lo = max(0, pos - reach)
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, pos):
        start = m.end()
    return start


def _sentence_end(text: str, pos: int, reach: int = 400) -> int:
    m = _SENTENCE_END.search(text, pos, min(len(text), pos + reach))
    return m.end() if m else min(len(text), pos + reach)


def _candidate_matches(text: str, terms: frozenset[str], fast: FastAnalyzer) -> list[tuple[int, int, frozenset]]:
    """The words of ``text`` whose terms are in ``terms``, found without
    analysing every word of a long text: a word with a term is looked for
    where the term (less its first letter: Indonesian prefixes change it,
    "tulis" in "menulis") is written, then analysed."""
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: analyse everything
        return _matches(text, terms, fast)
    roots = sorted({t[1:] if len(t) >= 4 else t for t in terms}, key=len, reverse=True)
    finder = re.compile("|".join(re.escape(r) for r in roots if r))
    terms_of = fast.terms_of
    out = []
    last_end = -1
    for n, m in enumerate(finder.finditer(lower)):
        if n >= PASSAGE_CANDIDATES:
            break
        a = m.start()
        if a < last_end:
            continue
        # the word around the hit
        lo = max(0, a - 40)
        for w in fast.finditer(text, lo, min(len(text), m.end() + 40)):
            if w.start() <= a < w.end():
                found = terms.intersection(terms_of[w.group(0)])
                if found and w.start() >= last_end:
                    out.append((w.start(), w.end(), frozenset(found)))
                    last_end = w.end()
                break
    return out


# --------------------------------------------------------------------------- hits


def _highlight_terms(plan: _Plan) -> dict[str, _Terms]:
    """What to mark in titles and abstracts for ``plan``."""
    terms = {"title": _Terms(), "abstract": _Terms()}
    for part in plan.parts:
        for p in (part, *part.all_of):
            for alt in p.alts:
                if alt.field in _HIGHLIGHTED:
                    into = terms[_HIGHLIGHTED[alt.field]]
                    if alt.weight < 1.0:
                        into.synonyms.add(alt.terms)
                    else:
                        into.own.update(alt.terms)
    return terms


#: Hits shown (id, title and snippet HTML) remembered per index generation.
_SHOWN_CACHE = 2048


def _hit(r: _Reader, plan: _Plan, match: _Match, docnum: int, score: float) -> Hit:
    # The same publication for the same words looks the same until the
    # index changes: remember it (popular queries are asked again and again).
    cache = r.memo("shown hits", OrderedDict)
    key = (docnum, plan.field, tuple(p.source for p in plan.parts))
    shown = cache.get(key)
    if shown is None:
        shown = cache[key] = _shown(r, plan, docnum)
        if len(cache) > _SHOWN_CACHE:
            cache.popitem(last=False)
    ident, title_html, snippet = shown
    only_text, text_terms = match.flags(r, docnum) if match.parts else (False, ())
    return Hit(ident, round(float(score), 4), title_html, snippet, only_text, text_terms)


def _shown(r: _Reader, plan: _Plan, docnum: int) -> tuple[int, str, str]:
    """(id, title HTML, snippet HTML) of one hit."""
    stored = r.searcher.stored_fields(docnum)
    title = stored.get("title") or ""
    abstract = stored.get("abstract") or ""
    terms = _highlight_terms(plan)
    fast = fast_analyzer(r.schema["title"].analyzer)
    title_html = ""
    if terms["title"] and title and fast is not None:
        title_html = _marked(title, terms["title"].spans(title, fast))
    snippet = _snippet(abstract, terms["abstract"], fast_analyzer(r.schema["abstract"].analyzer)) if abstract else ""
    try:
        ident = int(stored.get("id"))
    except (TypeError, ValueError):  # pragma: no cover
        ident = -1
    return ident, title_html or _escape(title), snippet


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


# --------------------------------------------------------------------------- did you mean


def _suggest(r: _Reader, q: SearchQuery, plan: _Plan, filters: dict[str, int], total: int) -> str | None:
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
    vocabulary = r.memo(("spelling", tuple(spell_fields)), lambda: _spelling_words(reader, spell_fields))
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
                if not known and lw not in vocabulary:
                    best = _best_correction(vocabulary, lw)
                    if best:
                        word = best
                        changed = True
            words.append(word)
        text = " ".join(words)
        out.append(f'"{text}"' if quoted else text)
    if not changed:
        return None
    corrected = " ".join(out)
    bits = _evaluate(r, _plan(schema, corrected, q.field)).bits
    if not bits:
        return None
    bits &= r.live
    if q.office is not None:
        bits &= r.facet("office").get(q.office, 0)
    for b in filters.values():
        bits &= b
    return corrected if bits.bit_count() > total else None


class _Vocabulary(dict):
    """The spelling words of an index: word -> in how many documents (over
    the spelling fields); ``letters`` are the characters they use."""

    letters: str = ""


def _spelling_words(reader, fields: list[str]) -> _Vocabulary:
    """Read once per index generation: walking Whoosh's term dictionary for
    words one edit away took a file read per step (over 500 per word)."""
    vocabulary = _Vocabulary()
    for leaf, _ in reader.leaf_readers():
        for f in fields:
            with contextlib.suppress(Exception):
                for term, info in leaf.iter_field(f):
                    word = term.decode("utf-8") if isinstance(term, bytes) else term
                    vocabulary[word] = vocabulary.get(word, 0) + info.doc_frequency()
    vocabulary.letters = "".join(sorted(set().union(*vocabulary)))
    return vocabulary


def _best_correction(vocabulary: _Vocabulary, word: str) -> str | None:
    """The most frequent spelling word one edit away from ``word`` (same first
    letter: an insertion, a deletion, a substitution or a swap of
    neighbours), or None."""
    letters = vocabulary.letters
    candidates: set[str] = set()
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            candidates.add(head + tail[1:])  # deletion
            candidates.update(head + c + tail[1:] for c in letters)  # substitution
            if len(tail) > 1:
                candidates.add(head + tail[1] + tail[0] + tail[2:])  # swap
        candidates.update(head + c + tail for c in letters)  # insertion
    candidates.discard(word)
    found = [c for c in candidates if c in vocabulary]
    if not found:
        return None
    return max(sorted(found), key=vocabulary.__getitem__)
