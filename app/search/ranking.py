"""Matching a plan against the index, relevance ranking and facet counts.

Relevance
---------
Two tiers, then the weight of the evidence.

**Tiers.**  For each part of the query (word, phrase, or run of words naming a
topic) a publication either has it in its metadata (title, subjects,
abstract, numbers, office name, or a topic synonym of it there) or only in
its PDF text.  Publications are ordered by the number of parts found in
their metadata first (:data:`TIER_SCORE` each), so a title or abstract match
always ranks above a match only in the PDF text, however often the PDF says
the word.  :attr:`Hit.full_text_only <app.search.snippets.Hit>` says when a
part was found only in the PDF text.

**Evidence** (BM25-like).  Each part has an idf, ``1 + ln(N / documents
matching it)``.  In each field it matches, a document gets the field weight
(:data:`~app.search.planning.FIELD_WEIGHTS`: the word as typed in the title
5, a number 5, its stem in the title 3, subjects 2, abstract and office name
1, PDF text 0.5) × the idf × the alternative's weight (1, or less for a topic
synonym) × a term-frequency factor
``tf·(k1+1) / (tf + k1·(1 − b + b·length/average length))`` in the fields
where frequency and length count (:data:`~app.search.bitsets.RANKED_FIELDS`;
``k1`` = :data:`K1`, ``b`` per field in :data:`LENGTH_NORMS`): a word said
many times in a publication's text, or once in a short title, counts for more
than one passing mention in a long PDF.  The factor is 1 for one occurrence in
a field of average length, and at most ``k1 + 1``.  Where a part matches one
field through several alternatives (the word, a synonym), the best counts.
Equal scores are ordered newest first.

Whoosh's own BM25 needed 100-600 ms for queries matching thousands of
publications at 100k (its matchers step through every posting in Python).
Here the factor is computed on bitsets: frequencies in classes
(:data:`~app.search.bitsets.TF_STEPS`, from the posting weights) and lengths
in classes (:data:`LENGTH_BOUNDS` of the ratio to the average, from Whoosh's
length column), each pair of classes one level of the factor, rounded to
eighths.  :func:`_rank` then finds the page with a best-first search over
bitsets: each node is a set of documents with the same score so far, split by
the levels of one (part, field) at a time, so the cost does not grow with the
number of matches.

Facet counts follow the usual drill-down rule: the counts of one facet apply
the text query and every *other* active facet filter.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field

from whoosh import query as wq

from app.search.bitsets import RANKED_FIELDS, _bits_from_ids, _or, _positions, _Reader
from app.search.planning import FIELD_WEIGHTS, SearchQuery, _Alt, _Part, _Plan
from app.search.schema import FORMATS

#: Above this many candidate documents a phrase is not position-checked in a
#: field (see :mod:`app.search.planning`).
PHRASE_VERIFY_LIMIT = 5_000
#: Facet counting goes document by document when the documents (or the
#: documents left out) number at most values × index size × this.
FEW_DOCS_FACTOR = 0.00017

#: Score of each part of the query found in a publication's metadata (more
#: than any evidence can add up to: 24 parts × 17.5 × idf ≤ 13 × 2.2).
TIER_SCORE = 100_000.0
#: BM25 term-frequency saturation.
K1 = 1.2
#: BM25 length normalisation (b) of each ranked field: titles and subjects
#: are short and of similar lengths; a long PDF should not win by length.
LENGTH_NORMS = {"title": 0.5, "title_exact": 0.5, "subjects_text": 0.3, "abstract": 0.75, "content": 0.75}
#: Length classes: bounds of a field's length over its average length ...
LENGTH_BOUNDS = (0.6, 0.85, 1.2, 1.7, 3.0, 6.0)
#: ... and the ratio that stands for each class.
LENGTH_RATIOS = (0.45, 0.72, 1.0, 1.4, 2.2, 4.2, 10.0)
#: The term frequency that stands for each class of TF_STEPS.
TF_VALUES = (1.0, 2.0, 3.5, 6.5, 12.0, 24.0)

#: The group of fields whose alternatives count once, at their best.
_FIELD_GROUP = {"title_phrase": "title", "abstract_phrase": "abstract"}


def tf_factor(tf: float, ratio: float, b: float) -> float:
    """BM25's term-frequency factor, 1.0 for one occurrence at average length,
    rounded to eighths (the levels :func:`_rank` splits documents by)."""
    value = tf * (K1 + 1) / (tf + K1 * (1 - b + b * ratio))
    return max(1, round(value * 8)) / 8


# --------------------------------------------------------------------------- matching


def _alt_bits(r: _Reader, alt: _Alt) -> int:
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


@dataclass
class _PartMatch:
    """What one part of the query matched: ``bits`` all documents, ``meta``
    those with it in their metadata (not only in the PDF text)."""

    part: _Part
    bits: int
    meta: int
    alts: list[tuple[_Alt, int]]
    subparts: list["_PartMatch"] = field(default_factory=list)

    def text_terms(self) -> list[str]:
        """The terms looked for in the PDF text."""
        terms = [t for alt, _ in self.alts if alt.field == "content" for t in alt.terms]
        for sub in self.subparts:
            terms.extend(sub.text_terms())
        return terms


def _match_part(r: _Reader, part: _Part) -> _PartMatch:
    alts = [(alt, _alt_bits(r, alt)) for alt in part.alts]
    bits = _or(b for _, b in alts)
    meta = _or(b for alt, b in alts if alt.field != "content")
    subparts = [_match_part(r, p) for p in part.all_of]
    if subparts:
        every = every_meta = -1
        for sub in subparts:
            every &= sub.bits
            every_meta &= sub.meta
        bits |= every
        meta |= every_meta
    return _PartMatch(part, bits, meta, alts, subparts)


@dataclass
class _Match:
    """The documents a plan matches (``bits``: None for "no text"), and what
    ranking and the hits need."""

    bits: int | None
    parts: list[_PartMatch]

    def groups(self, r: _Reader) -> list["_Group"]:
        """The ranking groups: a tier per part, then per part and field group
        the levels of its evidence."""
        live_count = max(1, r.n - r.deleted)
        groups = [_Group(TIER_SCORE, [(TIER_SCORE, m.meta)]) for m in self.parts if m.meta]

        def add(match: _PartMatch) -> None:
            idf = 1.0 + math.log(live_count / (1 + (match.bits & r.live).bit_count()))
            by_field: dict[str, list[tuple[_Alt, int]]] = {}
            for alt, b in match.alts:
                if b:
                    by_field.setdefault(_FIELD_GROUP.get(alt.field, alt.field), []).append((alt, b))
            for alts in by_field.values():
                levels = _best_levels([level for alt, b in alts for level in _alt_levels(r, alt, b, idf)])
                if levels:
                    groups.append(_Group(levels[0][0], levels))
            for sub in match.subparts:
                add(sub)

        for m in self.parts:
            add(m)
        return groups

    def flags(self, r: _Reader, docnum: int) -> tuple[bool, tuple[str, ...]]:
        """(whether some part matched ``docnum`` only in its PDF text, the
        terms of those parts)."""
        terms: list[str] = []
        only_text = False
        for m in self.parts:
            if (m.bits >> docnum) & 1 and not (m.meta >> docnum) & 1:
                only_text = True
                terms.extend(m.text_terms())
        return only_text, tuple(dict.fromkeys(terms))


def _evaluate(r: _Reader, plan: _Plan) -> _Match:
    """The documents matching ``plan`` (all its parts) and what ranks them."""
    if not plan.parts:
        return _Match(0 if plan.dropped_all else None, [])
    text_bits = -1
    parts: list[_PartMatch] = []
    for part in plan.parts:
        m = _match_part(r, part)
        text_bits &= m.bits
        if not text_bits:
            return _Match(0, [])
        parts.append(m)
    return _Match(text_bits, parts)


def _alt_levels(r: _Reader, alt: _Alt, bits: int, idf: float) -> list[tuple[float, int]]:
    """(score, documents) of one alternative's evidence, by level."""
    base = FIELD_WEIGHTS[alt.field] * idf * alt.weight
    b = LENGTH_NORMS.get(alt.field)
    if alt.phrase or b is None or alt.field not in RANKED_FIELDS:
        return [(round(base, 6), bits)]
    # Cumulative tf classes of the alternative: all its terms (a multi-word
    # synonym, an expansion) at least that often.
    tf: list[int] = []
    for t in alt.terms:
        classes = r.term_tf(alt.field, t)
        tf = list(classes) if not tf else [a & c for a, c in zip(tf, classes)]
        tf = [c for c in tf if c]
    if not tf:
        return [(round(base, 6), bits)]
    tf[0] &= bits
    lengths = r.length_classes(alt.field, LENGTH_BOUNDS)
    levels: dict[float, int] = {}
    for k, at_least in enumerate(tf):
        exact = at_least & ~tf[k + 1] if k + 1 < len(tf) else at_least
        value_tf = TF_VALUES[min(k, len(TF_VALUES) - 1)]
        for j, of_length in enumerate(lengths):
            docs = exact & of_length
            if docs:
                value = tf_factor(value_tf, LENGTH_RATIOS[j], b)
                levels[value] = levels.get(value, 0) | docs
                exact &= ~docs
                if not exact:
                    break
        if exact:  # no length recorded: an average one
            value = tf_factor(value_tf, 1.0, b)
            levels[value] = levels.get(value, 0) | exact
    return [(round(base * value, 6), docs) for value, docs in levels.items()]


def _best_levels(levels: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """Disjoint levels, best first, each document at the best level it has."""
    levels = sorted(levels, key=lambda level: -level[0])
    out: list[tuple[float, int]] = []
    seen = 0
    for value, bits in levels:
        bits &= ~seen
        if not bits:
            continue
        seen |= bits
        if out and abs(out[-1][0] - value) < 1e-9:
            out[-1] = (out[-1][0], out[-1][1] | bits)
        else:
            out.append((value, bits))
    return out


@dataclass
class _Group:
    """Disjoint sets of documents and what each set adds to the score."""

    best: float
    levels: list[tuple[float, int]]


# --------------------------------------------------------------------------- ranking


def _rank(r: _Reader, groups: list[_Group], final: int, limit: int) -> list[tuple[int, float]]:
    """The first ``limit`` documents of ``final`` by relevance.

    A document's score is the sum, over groups, of the level it is in (0 if
    in none); equal scores are ordered newest first.  Best-first search: a
    node is a set of documents that scored the same in the groups so far;
    expanding it splits it by the next group's levels (bitset AND/NOT), so
    the cost does not grow with the number of matches.
    """
    groups = sorted(groups, key=lambda g: -g.best)
    ng = len(groups)
    suffix = [0.0] * (ng + 1)  # the most a node at each depth can still gain
    for i in range(ng - 1, -1, -1):
        suffix[i] = suffix[i + 1] + groups[i].best
    heap: list = []
    seq = itertools.count()

    def push(depth: int, score: float, bits: int) -> None:
        heapq.heappush(heap, (-(score + suffix[depth]), next(seq), depth, score, bits))

    def expand(depth: int, score: float, bits: int) -> None:
        for value, level in groups[depth].levels:
            inside = bits & level
            if inside:
                push(depth + 1, score + value, inside)
                bits ^= inside
                if not bits:
                    return
        push(depth + 1, score, bits)

    push(0, 0.0, final)
    out: list[tuple[int, float]] = []
    while heap and len(out) < limit:
        _, _, depth, score, bits = heapq.heappop(heap)
        if depth < ng:
            expand(depth, score, bits)
            continue
        # A leaf: nothing left in the heap can score higher.  Gather every
        # node that can still reach the same score, so that ties come out
        # in one newest-first order.
        tied = bits
        while heap and -heap[0][0] >= score - 1e-9:
            _, _, d, sc, b = heapq.heappop(heap)
            if d == ng:
                tied |= b
            else:
                expand(d, sc, b)
        out.extend((doc, score) for doc in r.ordered(tied, "newest", 0, limit - len(out)))
    return out


# --------------------------------------------------------------------------- facets


def _facets(r: _Reader, q: SearchQuery, text_bits: int, filters: dict[str, int]) -> dict:
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
