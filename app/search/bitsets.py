"""Bitsets of document numbers, the caches that keep them, and the per-thread reader.

How it is computed
------------------
Whoosh stores and analyses; matching, counting, facets, sorting and ranking
work on bitsets (Python ints, bit *d* = document *d*): one per term, read from
the posting blocks directly and cached per segment in a bounded LRU
(:data:`TERM_CACHE_BYTES`), one per facet value, and two sort orders per index
generation, all shared by the threads of a process.  AND, OR, NOT and counting
run in C over N/8 bytes (about 1 µs at 100k documents).

For the fields where frequency and length count in relevance
(:data:`RANKED_FIELDS`), a term is read with its posting weights (Whoosh
stores the term frequency × the field boost) into a few cumulative bitsets
(:data:`TF_STEPS`: at least once, twice, 3, 5, 9, 17 times), and each such
field's lengths, from Whoosh's one-byte length column, into classes of length
over average length, once per index generation (:meth:`_Reader.length_classes`).
:mod:`app.search.ranking` makes the BM25-like levels from these.

A :class:`_Reader` is one open index directory and its searcher, used by one
thread; it composes the per-segment bitsets into index-wide ones.  It reads
the index files through the file system, not a memory map: with a map,
Whoosh copies each file of a compound segment into the process (the size of
the index in every worker); without, the OS page cache serves every worker.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
import weakref
from array import array
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable, Sequence

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search.schema import _NEWEST_ID_BITS, _NEWEST_YEAR_BITS

#: Fields whose term frequencies and lengths count in relevance (BM25-like,
#: :mod:`app.search.ranking`).
RANKED_FIELDS = frozenset({"title", "title_exact", "abstract", "subjects_text", "content"})


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
    one segment reader."""
    return _local_postings(reader, fieldname, text, weights=False)[0]


def _local_postings(reader, fieldname: str, text, weights: bool = True) -> tuple[Sequence[int], list | float | None]:
    """(document numbers, weights) of one term in one segment reader:
    segment-local numbers, deleted ones included; the weights are a list
    aligned with the numbers, or one number when all are equal, or None when
    not asked for.  Reads whole posting blocks when it can (Whoosh's own
    matcher steps through them one posting at a time in Python)."""
    try:
        m = reader.postings(fieldname, text)
    except Exception:  # TermNotFound, or a field this index lacks
        return (), None
    if type(m).__name__ == "FilterMatcher":
        m = m.child  # deletions are applied by the caller
    if type(m).__name__ == "W3LeafMatcher" and not getattr(m, "_byteids", True):
        out: list[int] = []
        blocks: list[tuple[int, object]] = []  # (postings, weights: None, one float or a tuple)
        try:
            while True:
                if m._data is None:
                    m._read_data()
                size = len(out)
                out.extend(itertools.accumulate(m._data[0]))  # ids are delta-coded per block
                blocks.append((len(out) - size, m._data[1]))
                if m._lastblock:
                    break
                m._goto(m._nextoffset)
        except Exception:  # pragma: no cover - Whoosh internals changed: go the slow way
            m.reset()
        else:
            if not weights:
                return out, None
            scalars = {1.0 if w is None else w for _, w in blocks if not isinstance(w, tuple)}
            if len(scalars) == 1 and all(not isinstance(w, tuple) for _, w in blocks):
                return out, scalars.pop()
            ws: list[float] = []
            for size, w in blocks:
                if isinstance(w, tuple):
                    ws.extend(w)
                else:
                    ws.extend(itertools.repeat(1.0 if w is None else w, size))
            return out, ws
    if type(m).__name__ == "ListMatcher" and isinstance(getattr(m, "_ids", None), (list, tuple, array)) \
            and not weights:
        return m._ids, None
    ids: list[int] = []
    ws = []
    while m.is_active():
        ids.append(m.id())
        if weights:
            ws.append(m.weight())
        m.next()
    return ids, (ws if weights else None)


#: Term frequency thresholds: the ``k``-th bitset of a term in a ranked field
#: (:meth:`_Reader.term_tf`) holds the documents where it occurs at least
#: ``TF_STEPS[k]`` times.
TF_STEPS = (1, 2, 3, 5, 9, 17)
_TF_TABLES = [bytes.maketrans(bytes(range(256)), bytes(48 + (b >= k + 1) for b in range(256)))
              for k in range(len(TF_STEPS))]


def _tf_class(tf: int) -> int:
    """1 + the index of the largest step of TF_STEPS that ``tf`` reaches."""
    return sum(1 for step in TF_STEPS if tf >= step)


def _tf_bits(ids: Sequence[int], weights, boost: float, n: int) -> tuple[int, ...]:
    """The cumulative term-frequency bitsets of one term (see TF_STEPS);
    a term's frequency is its posting weight over the field boost."""
    if not ids:
        return ()
    if not isinstance(weights, list):
        tf = int((weights if weights is not None else boost) / boost + 0.5)
        bits = _bits_from_ids(ids, n)
        return (bits,) * _tf_class(tf)
    classes = {w: _tf_class(int(w / boost + 0.5)) for w in set(weights)}
    top = max(classes.values())
    if top == 1:
        return (_bits_from_ids(ids, n),)
    flags = bytearray(n)
    for d, c in zip(ids, map(classes.__getitem__, weights)):
        flags[d] = c
    return tuple(int(flags.translate(_TF_TABLES[k])[::-1], 2) for k in range(top))


def _length_bytes(reader, fieldname: str, n: int) -> bytes:
    """The byte-encoded length of ``fieldname`` in each document of one
    segment (0 where it is empty), read as one piece from Whoosh's column."""
    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None:
            return bytes(n)
        if column._fixedlen != 1:  # pragma: no cover
            raise ValueError(column._fixedlen)
        data = column._dbfile.get(column._basepos, column._count)
        return bytes(data[:n]).ljust(n, b"\0")
    except Exception:  # pragma: no cover - Whoosh internals changed: go the slow way
        return bytes(length_to_byte(reader.doc_field_length(d, fieldname) or 0) for d in range(n))


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

    def term_tf(self, reader, fieldname: str, text: str, boost: float) -> tuple[int, ...]:
        """The cumulative term-frequency bitsets of a term (TF_STEPS)."""
        key = (self.key, fieldname, text, "tf")
        entry = _TERM_BITS.get(key)
        if entry is None:
            ids, weights = _local_postings(reader, fieldname, text)
            entry = _tf_bits(ids, weights, boost, self.n)
            _TERM_BITS.put(key, entry, max(1, sum((b.bit_length() + 7) // 8 for b in entry)))
        return entry

    def length_bytes(self, reader, fieldname: str) -> bytes:
        return self.get("lengths:" + fieldname, reader, lambda r: _length_bytes(r, fieldname, self.n))

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
    """Forget the cached term bitsets and what open readers remember of past
    queries (facet counts of a text, shown hits) and, unless ``terms_only``,
    the facet bitsets, lengths and sort orders too (benchmarks, tests)."""
    if not terms_only:
        with _CACHE_LOCK:
            _SEGMENTS.clear()
            _LAYOUTS.clear()
    _TERM_BITS.clear()
    for reader in list(_OPEN_READERS):
        reader.forget_queries()


#: How old a directory's modification time must be before :meth:`_Reader.fresh` trusts it.
_SETTLED_NS = 2_000_000_000

#: Every open reader of the process (for :func:`clear_caches`).
_OPEN_READERS: "weakref.WeakSet[_Reader]" = weakref.WeakSet()


# --------------------------------------------------------------------------- per-thread searcher


class _Reader:
    """One open index directory and its searcher, used by one thread."""

    def __init__(self, target: Path):
        self.target = target
        # Without mmap: Whoosh would then copy each file of a segment (the
        # postings, the term dictionary) into this process's memory
        # (a BytesIO of the mapped bytes), the size of the index per worker.
        # Read through the file instead, the OS page cache serving every worker.
        self.ix = FileStorage(str(target), supports_mmap=False).open_index()
        self.searcher = self.ix.searcher()
        self.closed = False
        #: A modification time of the directory seen when the searcher was up to date.
        self._settled: int | None = None
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
            _OPEN_READERS.add(self)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            _close_searcher(self.searcher)

    def fresh(self) -> bool:
        """Whether the index is still at this reader's generation.

        Whoosh lists the directory to tell, on every search.  A commit adds a file to
        the directory and so changes its modification time: a time already seen with
        the searcher up to date answers without the listing.  A time is remembered only
        once it is older than the clock's tick could hide (file times are coarse: a
        commit in the same tick as the listing would leave the time unchanged).
        """
        mtime = os.stat(self.target).st_mtime_ns
        if mtime == self._settled:
            return True
        if not self.searcher.up_to_date():
            return False
        if time.time_ns() - mtime > _SETTLED_NS:
            self._settled = mtime
        return True

    def _compose(self, parts: Iterable[tuple[int, int]]) -> int:
        bits = 0
        for b, off in parts:
            if b:
                bits |= b << off if off else b
        return bits

    def term_bits(self, fieldname: str, text: str) -> int:
        """Documents with ``text`` in ``fieldname`` (deleted ones included)."""
        if fieldname in RANKED_FIELDS:  # read once, with the frequencies
            tf = self.term_tf(fieldname, text)
            return tf[0] if tf else 0
        return self._compose((seg.term_bits(r, fieldname, text), off)
                             for (seg, off), (r, _) in zip(self.layout.segments, self.leaves))

    def term_tf(self, fieldname: str, text: str) -> tuple[int, ...]:
        """Cumulative term-frequency bitsets of ``text`` in ``fieldname``:
        item ``k`` holds the documents where it occurs at least
        ``TF_STEPS[k]`` times (deleted ones included); () when it occurs nowhere."""
        boost = self.boost(fieldname)
        if len(self.leaves) == 1:
            (seg, _), (r, _) = self.layout.segments[0], self.leaves[0]
            return seg.term_tf(r, fieldname, text, boost)
        per_segment = [(seg.term_tf(r, fieldname, text, boost), off)
                       for (seg, off), (r, _) in zip(self.layout.segments, self.leaves)]
        depth = max((len(tf) for tf, _ in per_segment), default=0)
        return tuple(self._compose((tf[k], off) for tf, off in per_segment if len(tf) > k) for k in range(depth))

    def boost(self, fieldname: str) -> float:
        """The field boost Whoosh multiplied into the posting weights."""
        try:
            return float(self.schema[fieldname].format.field_boost) or 1.0
        except Exception:  # pragma: no cover
            return 1.0

    def length_classes(self, fieldname: str, bounds: Sequence[float]) -> list[int]:
        """Documents by the length of ``fieldname`` relative to its average
        over the index: item ``j`` holds those whose length over the average
        is below ``bounds[j]`` and not below ``bounds[j - 1]`` (the last item:
        all longer ones).  Computed once per index generation."""
        def build():
            total = sum(r.field_length(fieldname) for r, _ in self.leaves)
            average = total / max(1, self.n)
            # the byte codes of lengths, mapped to their class
            codes = bytearray(256)
            for b in range(1, 256):
                ratio = byte_to_length(b) / average if average else 1.0
                codes[b] = 1 + sum(1 for bound in bounds if ratio >= bound)
            to_class = bytes.maketrans(bytes(range(256)), bytes(codes))
            classes = [0] * (len(bounds) + 1)
            for (seg, off), (r, _) in zip(self.layout.segments, self.leaves):
                data = seg.length_bytes(r, fieldname).translate(to_class)
                for j in range(len(classes)):
                    if (j + 1) in data:
                        table = bytes.maketrans(bytes(range(256)), bytes(48 + (c == j + 1) for c in range(256)))
                        bits = int(data.translate(table)[::-1], 2)
                        classes[j] |= bits << off if off else bits
            return classes
        return self.layout.get(("lengths", fieldname, tuple(bounds)), build)

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

    def ranked(self, bits: int, ids: Sequence[int], start: int, stop: int, count: int | None = None) -> list[int]:
        """Documents of ``bits``: those whose publication id is in ``ids`` first, in
        that order, then the rest newest first; sliced [start:stop].

        Costs one dictionary lookup per id (the ids come from another feature, e.g.
        every rated publication of an office) and one mask of ``bits``.
        """
        if count is None:
            count = bits.bit_count()
        if not count or start >= stop:
            return []
        docs_of = self.memo("docs_by_id", self._docs_by_id)
        mask = _mask(bits, self.n)
        first: list[int] = []
        seen: set[int] = set()
        for ident in ids:
            d = docs_of.get(ident)
            if d is not None and mask[d] and d not in seen:
                seen.add(d)
                first.append(d)
        if stop <= len(first):
            return first[start:stop]
        rest_bits = bits & ~_bits_from_ids(first, self.n) if first else bits
        rest = self.ordered(rest_bits, "newest", max(0, start - len(first)), stop - len(first),
                            count - len(first))
        return first[start:] + rest

    def _docs_by_id(self) -> dict[int, int]:
        """Publication id -> its live document number."""
        live = _mask(self.live, self.n)
        return {key & _ID_MASK: d for d, key in enumerate(self.keys()) if live[d]}

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
        """``build()``, once for this reader (this thread, this index generation)."""
        value = self._memo.get(key)
        if value is None:
            value = self._memo[key] = build()
        return value

    def forget_queries(self) -> None:
        """Forget what was remembered of particular queries (see :func:`clear_caches`)."""
        for key in [k for k in self._memo if isinstance(k, tuple) and k[:1] == ("cache",) or k == "shown hits"]:
            self._memo.pop(key, None)


def _close_searcher(searcher) -> None:
    with contextlib.suppress(Exception):
        searcher.close()
