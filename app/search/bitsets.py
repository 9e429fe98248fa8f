"""Bitsets of document numbers, the caches that keep them, and the per-thread reader.

How it is computed
------------------
Whoosh stores and analyses; matching, counting, facets, sorting and ranking
work on bitsets (Python ints, bit *d* = document *d*): one per term, read from
the posting blocks directly and cached per segment in a bounded LRU
(:data:`TERM_CACHE_BYTES`), one per facet value, and two sort orders per index
generation, all shared by the threads of a process.  AND, OR, NOT and counting
run in C over N/8 bytes (about 1 µs at 100k documents).

A :class:`_Reader` is one open index directory and its searcher, used by one
thread; it composes the per-segment bitsets into index-wide ones.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from array import array
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable, Sequence

from whoosh.filedb.filestore import FileStorage

from app.search.schema import _NEWEST_ID_BITS, _NEWEST_YEAR_BITS


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


def _or(bitsets: Iterable[int]) -> int:
    out = 0
    for b in bitsets:
        out |= b
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


def _close_searcher(searcher) -> None:
    with contextlib.suppress(Exception):
        searcher.close()
