"""The index as callers see it: :class:`SearchIndex` and its results.

:class:`SearchIndex` adds reading and searching to
:class:`~app.search.store.IndexStore` (directories, locks, writes).  A search
normalises the query and plans it (:mod:`app.search.planning`), matches the plan
on bitsets (:mod:`app.search.bitsets`), counts facets and ranks the page
(:mod:`app.search.ranking`), then highlights the hits and, when few documents
match, looks for a better spelling (:mod:`app.search.snippets`).

Concurrency of reads (several worker processes, several threads each)
---------------------------------------------------------------------
* Readers: one Whoosh searcher per thread and per :class:`SearchIndex`, reopened
  when the index changed.  ``Searcher.refresh()`` is never called (it keeps
  stale segments in the Whoosh forks after 2.7.4).
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Iterable

from whoosh.index import EmptyIndexError

from app.search.bitsets import _close_searcher, _or, _Reader
from app.search.planning import SearchQuery, _plan, normalise_query
from app.search.ranking import _evaluate, _facets, _rank
from app.search.snippets import SUGGEST_BELOW, Hit, _hit, _suggest
from app.search.store import IndexStore, _stored_versions


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
        super().__init__(path, protected_words, write_timeout=write_timeout, write_delay=write_delay,
                         switch_timeout=switch_timeout, writer_limitmb=writer_limitmb)
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
        text_bits, features = _evaluate(r, plan)
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

        facets = _facets(r, q, text_bits, filters)

        per_page = q.per_page
        pages = max(1, math.ceil(total / per_page))
        page = min(q.page, pages)
        q = replace(q, page=page)
        start, stop = (page - 1) * per_page, page * per_page
        if not total:
            scored: list[tuple[int, float]] = []
        elif plan.parts and q.sort == "relevance":
            scored = _rank(r, features, final, stop)[start:stop]
        else:
            name = "title" if q.sort == "title" else "newest"
            scored = [(d, 0.0) for d in r.ordered(final, name, start, stop, total)]
        hits = [_hit(r, plan, d, score) for d, score in scored]

        suggestion = None
        if plan.parts and total < SUGGEST_BELOW:
            suggestion = _suggest(r, q, plan, filters, total)
        return SearchResults(total, page, pages, per_page, hits, facets, suggestion, q)
