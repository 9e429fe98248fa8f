"""The index as callers see it: :class:`SearchIndex` and its results.

:class:`SearchIndex` adds reading and searching to
:class:`~app.search.store.IndexStore` (directories, locks, writes).  A search
normalises the query and plans it (:mod:`app.search.planning`), matches the plan
on bitsets (:mod:`app.search.bitsets`), counts facets and ranks the page
(:mod:`app.search.ranking`), then highlights the hits and, when few documents
match, looks for a better spelling (:mod:`app.search.snippets`).

What stays the same until the index changes is remembered per index
generation (per reader): facet counts of a text and its filters, the shown
title and snippet of a hit for a text, the spelling vocabulary, the example
queries (:meth:`SearchIndex.example_queries`).

Concurrency of reads (several worker processes, several threads each)
---------------------------------------------------------------------
* Readers: one Whoosh searcher per thread and per :class:`SearchIndex`, reopened
  when the index changed.  ``Searcher.refresh()`` is never called (it keeps
  stale segments in the Whoosh forks after 2.7.4).
"""

from __future__ import annotations

import math
import re
import threading
import time
import weakref
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Iterable

from whoosh.index import EmptyIndexError

from app.search.bitsets import _close_searcher, _or, _Reader
from app.search.planning import SearchQuery, _plan, normalise_query
from app.search.ranking import _evaluate, _facets, _rank
from app.search.snippets import SUGGEST_BELOW, Hit, _hit, _suggest, best_passage
from app.search.store import IndexStore, _stored_versions
from app.search.terms import fast_analyzer


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


class SearchIndex(IndexStore):
    """The catalogue index at ``path`` (see :mod:`app.search`).

    ``protected_words`` (office and place names) are kept unstemmed by the
    analyzer of a newly created index.  ``write_timeout``/``write_delay`` are
    passed to ``ix.writer(timeout=…, delay=…)`` by :meth:`add` and
    :meth:`remove`; ``switch_timeout`` is how long :meth:`rebuild` and
    :meth:`create` wait for the rebuild lock and for the old index's write
    lock.  ``build_procs`` is the number of processes that analyse documents
    in a large :meth:`rebuild` (default: one per CPU;
    :mod:`app.search.building`).  Thread-safe, and safe with several processes.
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
        build_procs: int | None = None,
    ):
        super().__init__(path, protected_words, write_timeout=write_timeout, write_delay=write_delay,
                         switch_timeout=switch_timeout, writer_limitmb=writer_limitmb, build_procs=build_procs)
        self._local = threading.local()
        self._readers: "weakref.WeakSet[_Reader]" = weakref.WeakSet()
        self._readers_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<SearchIndex {self.path}>"

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

    # ----------------------------------------------------------------- searching

    def normalise(self, query: SearchQuery) -> SearchQuery:
        """``query`` with every value checked: text normalised, unknown choices
        replaced by the defaults, 1 ≤ page, 1 ≤ per_page ≤ 100."""
        return normalise_query(query)

    def search(self, query: SearchQuery) -> SearchResults:
        """Run ``query`` (:mod:`app.search.planning`).  Never raises on user input."""
        q = self.normalise(query)
        r = self._reader()
        if r is None:
            return SearchResults(0, 1, 1, q.per_page, [], {}, None, replace(q, page=1))
        plan = _plan(r.schema, q.text, q.field)
        match = _evaluate(r, plan)
        text_bits = r.live if match.bits is None else match.bits & r.live
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

        # The same text and filters give the same counts until the index changes.
        facets_key = (q.text, q.field, q.office, q.years, q.subjects, q.formats)
        facets = _cached(r, "facets", facets_key, lambda: _facets(r, q, text_bits, filters))
        facets = {group: list(values) for group, values in facets.items()}

        per_page = q.per_page
        pages = max(1, math.ceil(total / per_page))
        page = min(q.page, pages)
        q = replace(q, page=page)
        start, stop = (page - 1) * per_page, page * per_page
        if not total:
            scored: list[tuple[int, float]] = []
        elif plan.parts and q.sort == "relevance":
            scored = _rank(r, match.groups(r), final, stop)[start:stop]
        elif q.sort == "ranked":
            scored = [(d, 0.0) for d in r.ranked(final, q.ranked, start, stop, total)]
        else:
            name = "title" if q.sort == "title" else "newest"
            scored = [(d, 0.0) for d in r.ordered(final, name, start, stop, total)]
        hits = [_hit(r, plan, match, d, score) for d, score in scored]

        suggestion = None
        if plan.parts and total < SUGGEST_BELOW:
            suggestion = _suggest(r, q, plan, filters, total)
        return SearchResults(total, page, pages, per_page, hits, facets, suggestion, q)

    # ----------------------------------------------------------------- what pages show besides results

    def passage(self, text: str, query: str | Iterable[str]) -> str:
        """The passage of a publication's PDF ``text`` that best matches
        ``query`` (the query text, or analysed terms such as
        :attr:`Hit.text_terms <app.search.snippets.Hit>`), HTML with the matched
        words marked; "" when none matches (:func:`~app.search.snippets.best_passage`,
        with this index's analyzer)."""
        try:
            r = self._reader()
        except RuntimeError:  # pragma: no cover - an index that cannot be opened
            r = None
        analyzer = r.schema["content"].analyzer if r is not None else None
        return best_passage(text, query, analyzer=analyzer)

    def example_queries(self, office: str | None = None, n: int = 3) -> list[str]:
        """Up to ``n`` queries that find publications of ``office`` (all
        offices by default) in the index as it is: frequent topic words of the
        newest titles, one with a year, and a subject; for a search box's
        placeholder.  Computed once per index generation."""
        r = self._reader()
        if r is None or n <= 0:
            return []
        return list(_cached(r, "examples", (office, n), lambda: _example_queries(r, office, n)))


#: Title words that name no topic: administrative units, series words, months.
_NOT_TOPICS = frozenset("""
    kabupaten kota provinsi kecamatan desa statistik dalam angka hasil tahap menurut lapangan usaha
    publikasi laporan analisis profil indikator keadaan daerah umum tahunan triwulan semester
    regency municipality province figures indonesia badan pusat januari februari maret april mei juni
    juli agustus september oktober november desember
""".split())
#: The newest publications whose titles example queries are drawn from.
_EXAMPLE_TITLES = 400


def _cached(r: _Reader, kind: str, key, build):
    """``build()``, remembered for this index generation (per reader, at most
    256 of each kind)."""
    cache = r.memo(("cache", kind), OrderedDict)
    value = cache.get(key)
    if value is None:
        value = cache[key] = build()
        if len(cache) > 256:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return value


def _example_queries(r: _Reader, office: str | None, n: int) -> tuple[str, ...]:
    """The most frequent topic word of the newest titles, the most frequent
    phrase (2-4 topic words in a row) with the year of its newest title, the
    most common subject, then more words; each tried, kept if it finds
    something in ``office`` and shares no stem with those before it."""
    base = r.live
    if office is not None:
        base &= r.facet("office").get(office, 0)
    if not base:
        return ()
    analyzer = r.schema["title"].analyzer
    fast = fast_analyzer(analyzer)
    protected = getattr(getattr(fast, "stem", None), "protected", frozenset())

    def stem(word: str) -> str | None:
        """The one stem of a topic word, else None."""
        if len(word) < 4 or word in _NOT_TOPICS or word in protected or not word.isalpha():
            return None
        terms = [t.text for t in analyzer(word)]
        return terms[0] if len(terms) == 1 else None  # not a stopword nor an acronym

    singles: Counter = Counter()
    pairs: Counter = Counter()
    shown: dict[tuple, str] = {}  # stems -> the words as first seen
    newest_year: dict[tuple, str] = {}
    from_abstracts: Counter = Counter()  # for small catalogues: titles may name no topic
    for d in r.ordered(base, "newest", 0, _EXAMPLE_TITLES):
        stored = r.searcher.stored_fields(d)
        title = stored.get("title") or ""
        for word in set(re.findall(r"[^\W\d_]+", (stored.get("abstract") or "").lower())):
            st = stem(word)
            if st is not None:
                from_abstracts[(st,)] += 1
                shown.setdefault((st,), word)
        years = [y for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", title)]
        year = years[-1] if years else None  # as the title writes it, so that it matches
        words = [w.lower() for w in re.findall(r"[^\W\d_]+", title)]
        stems = [stem(w) for w in words]
        seen: set[tuple] = set()
        found = [((st,), word) for word, st in zip(words, stems) if st is not None]
        run: list[int] = []  # runs of 2 to 4 topic words in a row are phrases
        for i, st in enumerate(stems + [None]):
            if st is not None:
                run.append(i)
                continue
            if 2 <= len(run) <= 4:
                found.append((tuple(stems[j] for j in run), " ".join(words[j] for j in run)))
            run = []
        for key, text in found:
            if key in seen:
                continue
            seen.add(key)
            (singles if len(key) == 1 else pairs)[key] += 1
            shown.setdefault(key, text)
            if year:
                newest_year.setdefault(key, year)
    candidates: list[tuple[tuple, str]] = []
    single = [k for k, _ in singles.most_common()]
    if single:
        candidates.append((single[0], shown[single[0]]))
    phrases = [key for key, _ in pairs.most_common()]
    for key in phrases:
        year = newest_year.get(key)
        candidates.append((key, f"{shown[key]} {year}" if year else shown[key]))
    subjects = sorted(_count_of(r.facet("subject"), base).items(), key=lambda kv: (-kv[1], kv[0]))
    for subject, _ in subjects:
        words = subject.lower().split()
        if len(words) <= 2 and all(stem(w) for w in words):
            candidates.append((tuple(stem(w) for w in words), subject.lower()))
    candidates.extend((k, shown[k]) for k in single[1:])
    candidates.extend((k, shown[k]) for k, _ in from_abstracts.most_common(3 * n))
    out: list[str] = []
    used: set[str] = set()
    phrase_taken = False
    for key, text in candidates:
        if len(out) >= n:
            break
        if used.intersection(key) or text in out or (key in phrases and phrase_taken):
            continue
        bits = _evaluate(r, _plan(r.schema, text, "all")).bits
        if bits and bits & base:
            out.append(text)
            used.update(key)
            phrase_taken |= key in phrases
    return tuple(out)


def _count_of(values: dict, base: int) -> dict:
    return {v: c for v, b in values.items() if (c := (b & base).bit_count())}
