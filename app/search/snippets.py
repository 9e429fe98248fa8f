"""What a result shows: highlighted title and snippet, and "did you mean".

Titles and abstracts are highlighted with the analyzer of their field, so a
match on a stem marks every form of the word; the PDF text is never highlighted
(Whoosh reads only the first 32 KB of a field for it).  User text is always
HTML-escaped.  A "did you mean" suggestion is tried only when a query finds
fewer than :data:`SUGGEST_BELOW` documents, and offered only when the corrected
text finds more.
"""

from __future__ import annotations

import contextlib
import html
import logging
from dataclasses import dataclass

from whoosh import highlight

from app.search.bitsets import _Reader
from app.search.planning import SearchQuery, _Plan, _plan, _split_text
from app.search.ranking import _evaluate

log = logging.getLogger(__name__)

SNIPPET_CHARS = 200
#: "Did you mean" is tried when a query finds fewer documents than this.
SUGGEST_BELOW = 3


@dataclass(frozen=True)
class Hit:
    """One result.  ``title_html`` and ``snippet_html`` are HTML-safe: user text
    escaped, matched words wrapped in ``<mark>…</mark>``; the snippet comes from
    the abstract (empty if there is none).  ``score`` is the relevance score
    (:mod:`app.search.ranking`), 0.0 when sorted by date or title."""

    id: int
    score: float
    title_html: str
    snippet_html: str


#: The stored field whose highlighting each searched field contributes to.
_HIGHLIGHTED = {"title": "title", "title_phrase": "title", "abstract": "abstract", "abstract_phrase": "abstract"}


# --------------------------------------------------------------------------- highlighting


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


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


# --------------------------------------------------------------------------- hits


def _hit(r: _Reader, plan: _Plan, docnum: int, score: float) -> Hit:
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
    bits, _ = _evaluate(r, _plan(schema, corrected, q.field))
    if not bits:
        return None
    bits &= r.live
    if q.office is not None:
        bits &= r.facet("office").get(q.office, 0)
    for b in filters.values():
        bits &= b
    return corrected if bits.bit_count() > total else None


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
