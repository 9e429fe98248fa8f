"""Matching a plan against the index, relevance ranking and facet counts.

Relevance
---------
Each part (word or phrase) has an idf, ``1 + ln(N / documents matching it)``;
a document scores, for each part and each field the part matches in, the field
weight (:data:`~app.search.planning.FIELD_WEIGHTS`: the word as typed in the
title 5, a number 5, its stem in the title 3, subjects 2, abstract and office
name 1, PDF text 0.5) times that idf.  Equal scores are ordered newest first.
This is coarser than BM25 (term frequency and length are ignored) but, on 100k
publications, Whoosh's BM25 needed 100-600 ms for queries matching thousands
of documents: its matchers step through every posting in Python.
:meth:`SearchIndex.search <app.search.index.SearchIndex.search>` computes the
page with a best-first search over bitsets instead (:func:`_rank`, on the
bitsets of :mod:`app.search.bitsets`), at a cost that does not grow with the
number of matches.

Facet counts follow the usual drill-down rule: the counts of one facet apply
the text query and every *other* active facet filter.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter

from whoosh import query as wq

from app.search.bitsets import _Reader, _bits_from_ids, _or, _positions
from app.search.planning import FIELD_WEIGHTS, SearchQuery, _Alt, _Plan
from app.search.schema import FORMATS

#: Above this many candidate documents a phrase is not position-checked in a
#: field (see :mod:`app.search.planning`).
PHRASE_VERIFY_LIMIT = 5_000
#: Facet counting goes document by document when the documents (or the
#: documents left out) number at most values × index size × this.
FEW_DOCS_FACTOR = 0.00017


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


def _evaluate(r: _Reader, plan: _Plan) -> tuple[int | None, list[tuple[float, int]]]:
    """(documents matching the text or None for "no text", ranking features)."""
    if not plan.parts:
        return (0 if plan.dropped_all else None), []
    live_count = max(1, r.n - r.deleted)
    text_bits = -1
    features: list[tuple[float, int]] = []
    for part in plan.parts:
        alt_bits = [(alt, _alt_bits(r, alt)) for alt in part.alts]
        part_bits = _or(b for _, b in alt_bits)
        text_bits &= part_bits
        if not text_bits:
            return 0, []
        idf = 1.0 + math.log(live_count / (1 + (part_bits & r.live).bit_count()))
        features.extend((round(FIELD_WEIGHTS[alt.field] * idf, 6), b) for alt, b in alt_bits if b)
    return text_bits, features


# --------------------------------------------------------------------------- ranking


def _rank(r: _Reader, features: list[tuple[float, int]], final: int, limit: int) -> list[tuple[int, float]]:
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
