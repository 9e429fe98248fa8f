"""A whole index built fast: analysis in worker processes, postings written in bulk.

:meth:`IndexStore.rebuild <app.search.store.IndexStore.rebuild>` writes one
new segment with :func:`build_segment` instead of Whoosh's
``add_document`` loop, which at 100k publications spent its time (315-520 s,
measured) in three places: the analyzer chain (a generator per filter, a Token
object per word), the posting pool (every posting a tuple, sorted, spilled to
disk and merged back) and the field writer (one Python call per posting, and a
lookup of the field length per posting that checked the disk each time).

Here the work is split:

* **Analysis** runs in ``procs`` worker processes (a ``forkserver`` pool,
  so no database connection or lock of the caller is inherited), one chunk of
  :data:`CHUNK` documents per task, with the chunk's postings already grouped
  by term.  The stemming analyzer's chain is replayed with one regular
  expression pass and a per-process cache of each distinct word's terms
  (:class:`FastAnalyzer`): the same tokens, stopwords, protected words,
  expansions and stems as the analyzer pickled in the index, in a tenth of the
  time.  Fields with other analyzers (ids, keywords, numbers) go through
  Whoosh's own ``field.index``.  Small catalogues (at most
  :data:`PARALLEL_ABOVE` documents) are analysed in the calling process.
* **Stored fields, lengths and columns** go through Whoosh's per-document
  writer in document order, in the calling process.
* **Postings** are appended per term to typed arrays and written at the end,
  term by term in order, whole 512-posting blocks at a time through Whoosh's
  own postings writer: the same bytes as Whoosh writes, without a call per
  posting.

The result is one segment that reads as what ``add_document`` and
``commit(optimize=True)`` produce: a test compares every term, its statistics,
every posting's document, weight and value, every length, stored field and
column of the two.  (Two differences no reader sees: posting lists of fewer
than :data:`SMALL_BLOCK` postings are not compressed, and a spelling word's
posting value, which nothing reads, is 1 where Whoosh leaves whatever value it
wrote before.)  The Whoosh internals used here are those of Whoosh-Reloaded
2.7.5, the pinned version.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import multiprocessing
import operator
import os
import pickle
import time
import zlib
from array import array
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StripFilter
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.columns import CompressedBytesColumn, PickleColumn, VarBytesColumn
from whoosh.fields import Schema
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS, md5_hash
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search.schema import PublicationDoc, _doc_fields
from app.search.terms import FastAnalyzer

#: Rebuilds of more documents than this analyse in worker processes.
PARALLEL_ABOVE = 3000
#: Documents per task given to a worker process.
CHUNK = 500
#: Posting lists shorter than this are written without compression.
SMALL_BLOCK = 16

_ONE = pack_uint(1)


def _stored_level() -> int:
    """The zlib level of Whoosh's stored-fields column (the workers compress
    what that column would)."""
    column = STORED_COLUMN
    assert type(column) is PickleColumn and type(column._child) is CompressedBytesColumn
    assert column._child._module == "zlib"
    return column._child._level


_STORED_LEVEL = _stored_level()


# --------------------------------------------------------------------------- analysis


class _PlainAnalyzer:
    """The chains of id and keyword fields (``IDTokenizer``, or a
    ``RegexTokenizer`` with ``StripFilter``/``LowercaseFilter`` after it)
    replayed without Token objects; :meth:`of` returns None for others."""

    def __init__(self, split: Callable[[str], list[str]], strip: bool, lower: bool):
        self.split = split
        self.strip = strip
        self.lower = lower

    @classmethod
    def of(cls, analyzer) -> "_PlainAnalyzer | None":
        items = list(getattr(analyzer, "items", ())) or [analyzer]
        first = items.pop(0)
        if type(first) is IDTokenizer:
            split = _whole
        elif type(first) is RegexTokenizer and not first.gaps:
            split = first.expression.findall
        else:
            return None
        strip = lower = False
        for item in items:
            if type(item) is StripFilter and not strip and not lower:
                strip = True
            elif type(item) is LowercaseFilter and not lower:
                lower = True
            else:
                return None
        return cls(split, strip, lower)

    def terms(self, value: str) -> list[str]:
        terms = self.split(value)
        if self.strip:
            terms = [t.strip() for t in terms]
        if self.lower:
            terms = [t.lower() for t in terms]
        return terms


def _whole(value: str) -> list[str]:
    return [value]


_PACKED = [pack_uint(n) for n in range(256)]
#: position -> Whoosh's encoding of a list of that one position
_SINGLE_POSITIONS: dict[int, bytes] = {}


def _packed(n: int) -> bytes:
    return _PACKED[n] if n < 256 else pack_uint(n)


class _PerDoc:
    """What Whoosh's per-document writer takes for a chunk of documents: the
    stored fields (pickled and compressed as its stored column does it), the
    length bytes of each scorable field, and column values."""

    def __init__(self, size: int):
        self.size = size
        self.stored: list[bytes | None] = []
        self.lengths: dict[str, bytearray] = {}  # field -> one length byte per document
        self.totals: dict[str, int] = {}  # field -> sum of lengths
        self.columns: dict[str, list] = {}  # field -> one value (or None) per document

    def length(self, name: str, i: int, length: int) -> None:
        lengths = self.lengths.get(name)
        if lengths is None:
            lengths = self.lengths[name] = bytearray(self.size)
        lengths[i] = length_to_byte(length)
        self.totals[name] = self.totals.get(name, 0) + length

    def column(self, name: str, i: int, value) -> None:
        values = self.columns.get(name)
        if values is None:
            values = self.columns[name] = [None] * self.size
        values[i] = value


class _Analyser:
    """Turns chunks of documents into per-document values and per-term postings."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.fast: dict[str, FastAnalyzer | None] = {}
        self.plain: dict[str, _PlainAnalyzer | None] = {}
        by_analyzer: dict[int, FastAnalyzer | None] = {}
        for name in schema.names():
            field = schema[name]
            fmt = getattr(field, "format", None)
            analyzer = getattr(field, "analyzer", None)
            self.fast[name] = self.plain[name] = None
            if field.indexed and type(fmt) in (Frequency, Positions) and analyzer is not None:
                # fields sharing one analyzer share its word cache
                if id(analyzer) not in by_analyzer:
                    by_analyzer[id(analyzer)] = FastAnalyzer.of(analyzer)
                self.fast[name] = by_analyzer[id(analyzer)]
            if field.indexed and self.fast[name] is None and type(fmt) in (Frequency, Existence) \
                    and analyzer is not None and not field.separate_spelling():
                self.plain[name] = _PlainAnalyzer.of(analyzer)

    def chunk(self, base: int, docs: list[PublicationDoc]) -> tuple["_PerDoc", dict]:
        """(per-document values, postings) of ``docs`` numbered from ``base``.

        Postings map a field name to ``term bytes -> [document numbers,
        weights, values]`` (values: the bytes of a fixed-size format joined, a
        list for other formats, None when the format stores none).
        """
        schema = self.schema
        perdoc = _PerDoc(len(docs))
        postings: dict[str, dict[bytes, list]] = {}
        # Frequency fields analysed here: (terms, document numbers, counts),
        # one entry per document and term, turned into postings at the end.
        flat: dict[str, tuple[list, list, list]] = {}
        spelling: dict[str, list[str]] = {}
        positional: dict[str, dict[str, list]] = {}
        for i, doc in enumerate(docs):
            docnum = base + i
            fields = _doc_fields(doc, schema)
            words_of: dict[str, list[str]] = {}  # the title is analysed once for three fields
            stored = {}
            for name in sorted(fields):
                value = fields[name]
                field = schema[name]
                length = 0
                fast = self.fast[name] if isinstance(value, str) else None
                if fast is not None:
                    words = words_of.get(value)
                    if words is None:
                        words = words_of[value] = fast.findall(value)
                    if type(field.format) is Frequency:
                        counts = collections.Counter(fast.terms(words))
                        terms, numbers, freqs = flat.setdefault(name, ([], [], []))
                        terms.extend(counts)
                        numbers.extend(itertools.repeat(docnum, len(counts)))
                        freqs.extend(counts.values())
                        if field.scorable:
                            length = sum(counts.values())
                    else:
                        length = self._positions(positional.setdefault(name, {}), field, fast, words, docnum)
                elif self.plain[name] is not None and isinstance(value, str):
                    counts = collections.Counter(self.plain[name].terms(value))
                    terms, numbers, freqs = flat.setdefault(name, ([], [], []))
                    terms.extend(counts)
                    numbers.extend(itertools.repeat(docnum, len(counts)))
                    freqs.extend(counts.values())
                    if field.scorable:
                        length = sum(counts.values())
                elif field.indexed:
                    length = self._whoosh_items(postings.setdefault(name, {}), field, value, docnum)
                if field.separate_spelling():
                    into = spelling.setdefault(field.spelling_fieldname(name), [])
                    if fast is not None:
                        into.extend(fast.spell_words(words))
                    else:
                        into.extend(field.spellable_words(value))
                if field.stored:
                    stored[name] = value
                if length:
                    perdoc.length(name, i, length)
                if field.column_type and value is not None:
                    perdoc.column(name, i, field.to_column_value(value))
            perdoc.stored.append(zlib.compress(pickle.dumps(stored, 2), _STORED_LEVEL) if stored else None)
        for name, terms in positional.items():
            postings[name] = {term.encode("utf-8"): entry for term, entry in terms.items()}
        for name, (terms, numbers, freqs) in flat.items():
            postings[name] = _invert(terms, numbers, freqs, schema[name].format)
        for name, words in spelling.items():
            # Whoosh writes a spelling word as postings of document 0, one per
            # document having the word.
            postings[name] = {word.encode("utf-8"): [array("I", bytes(4 * n)), array("f", [1.0]) * n, _ONE * n]
                              for word, n in collections.Counter(words).items()}
        return perdoc, postings

    @staticmethod
    def _positions(plist: dict, field, fast: FastAnalyzer, words: list[str], docnum: int) -> int:
        """Postings of a positional field (the quoted-phrase twins); returns the length."""
        positions: dict[str, list[int]] = {}
        n = 0
        for n, term in enumerate(fast.terms(words), 1):
            positions.setdefault(term, []).append(n - 1)
        first = fast.first_position(words) if n else 0
        encode = field.format.encode
        fb = field.format.field_boost
        single = _SINGLE_POSITIONS
        for term, where in positions.items():
            if first:
                where = [p + first for p in where]
            entry = plist.get(term)
            if entry is None:
                entry = plist[term] = [array("I"), array("f"), []]
            entry[0].append(docnum)
            entry[1].append(float(len(where)) * fb)
            if len(where) == 1:
                value = single.get(where[0])
                if value is None:
                    value = single[where[0]] = encode(where)
                entry[2].append(value)
            else:
                entry[2].append(encode(where))
        return n if field.scorable else 0

    @staticmethod
    def _whoosh_items(plist: dict, field, value, docnum: int) -> int:
        """Postings of a field Whoosh analyses itself (ids, keywords, numbers)."""
        fixed = field.format.fixed_value_size()
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            entry = plist.get(tbytes)
            if entry is None:
                entry = plist[tbytes] = [array("I"), array("f"), bytearray() if fixed else (None if fixed == 0 else [])]
            entry[0].append(docnum)
            entry[1].append(weight)
            if fixed:
                entry[2] += vbytes
            elif fixed is None and vbytes:
                entry[2].append(vbytes)
        return length


def _invert(terms: list[str], numbers: list[int], freqs: list[int], fmt) -> dict[bytes, list]:
    """``term bytes -> [document numbers, weights, values]`` of a Frequency
    or Existence field from one (term, document, count) entry per posting: a
    stable sort (documents stay in order within a term) and slices, no loop
    per posting."""
    if not terms:
        return {}
    order = sorted(range(len(terms)), key=terms.__getitem__)
    if len(order) == 1:
        numbers_sorted: tuple = (numbers[0],)
        freqs_sorted: tuple = (freqs[0],)
    else:
        pick = operator.itemgetter(*order)
        numbers_sorted, freqs_sorted = pick(numbers), pick(freqs)
    boost = fmt.field_boost
    all_numbers = array("I", numbers_sorted)
    if type(fmt) is Existence:  # weight: the field boost; no values
        all_weights = array("f", [boost]) * len(order)
        all_values = None
    else:
        all_weights = array("f", map(boost.__mul__, freqs_sorted))
        all_values = b"".join(map(_packed, freqs_sorted))
    size = len(_ONE)
    out: dict[bytes, list] = {}
    start = 0
    counts = collections.Counter(terms)
    for term in sorted(counts):
        stop = start + counts[term]
        values = None if all_values is None else bytearray(all_values[start * size : stop * size])
        out[term.encode("utf-8")] = [all_numbers[start:stop], all_weights[start:stop], values]
        start = stop
    return out


# --------------------------------------------------------------------------- worker processes

_WORKER: _Analyser | None = None


#: How much lower the analysing processes run than the calling one (``os.nice``).
WORKER_NICENESS = 10


def _init_worker(schema_bytes: bytes) -> None:
    global _WORKER
    # The calling process is the pipeline's slowest stage (it reads the documents and
    # writes every analysed chunk, in order) and the workers keep ahead of it: when they
    # share the CPUs as equals it gets a fraction of one and the build stretches.  At a
    # lower priority they use what it leaves, and serving processes keep theirs too.
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # pragma: no cover - not permitted: run at the same priority
        pass
    _WORKER = _Analyser(pickle.loads(schema_bytes))


def _analyse_in_worker(base: int, docs: list[PublicationDoc]):
    assert _WORKER is not None
    started = time.process_time()
    perdoc, postings = _WORKER.chunk(base, docs)
    return perdoc, postings, time.process_time() - started


def _analyse_here(analyser: _Analyser, base: int, docs: list[PublicationDoc]):
    started = time.process_time()
    perdoc, postings = analyser.chunk(base, docs)
    return perdoc, postings, time.process_time() - started


def _context():
    """``forkserver`` where there is one (a fresh interpreter forks the
    workers: nothing of the caller, such as database connections, is
    inherited), else ``spawn``."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _chunks(docs: Iterable[PublicationDoc], size: int) -> Iterator[list[PublicationDoc]]:
    chunk: list[PublicationDoc] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _analysed(schema: Schema, docs: Iterable[PublicationDoc], procs: int):
    """(base, rows, postings) of each chunk of ``docs``, in order.  The
    documents are read in the calling thread (they may come from a database
    session); at most ``2 × procs`` chunks are in flight."""
    chunks = _chunks(docs, CHUNK)
    head: list[list[PublicationDoc]] = []
    size = 0
    for chunk in chunks:  # look ahead: is the catalogue big enough for workers?
        head.append(chunk)
        size += len(chunk)
        if size > PARALLEL_ABOVE:
            break
    base = 0
    if procs <= 1 or size <= PARALLEL_ABOVE:
        analyser = _Analyser(schema)
        for chunk in itertools.chain(head, chunks):
            yield (base, *_analyse_here(analyser, base, chunk))
            base += len(chunk)
        return
    pool = _context().Pool(procs, initializer=_init_worker, initargs=(pickle.dumps(schema),))
    try:
        pending: collections.deque = collections.deque()

        def submit(chunk):
            nonlocal base
            pending.append((base, pool.apply_async(_analyse_in_worker, (base, chunk))))
            base += len(chunk)

        for chunk in head:
            submit(chunk)
        for chunk in chunks:
            while len(pending) >= 2 * procs:
                start, result = pending.popleft()
                yield (start, *result.get())
            submit(chunk)
        while pending:
            start, result = pending.popleft()
            yield (start, *result.get())
        pool.close()
        pool.join()
    finally:
        pool.terminate()


# --------------------------------------------------------------------------- writing


def build_segment(
    ix,
    docs: Iterable[PublicationDoc],
    *,
    codec,
    procs: int | None = None,
    limitmb: int = 256,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> int:
    """Write ``docs`` into the empty index ``ix`` as one segment and commit;
    returns what it took (:class:`BuildStats`).  ``procs``: analysing
    processes (default: one per CPU)."""
    started, main_cpu = time.perf_counter(), time.process_time()
    analysis_cpu = 0.0
    if procs is None:
        procs = os.cpu_count() or 1
    schema = ix.schema
    w = ix.writer(limitmb=limitmb, codec=codec)
    try:
        perdoc = w.perdocwriter
        stored_writer = _raw_stored_writer(perdoc)
        postings: dict[str, dict[bytes, list]] = {}
        lengths: dict[str, bytearray] = {}
        count = 0
        for base, chunk, chunk_postings, cpu in _analysed(schema, docs, procs):
            analysis_cpu += cpu
            for name, values in chunk.lengths.items():
                into = lengths.setdefault(name, bytearray())
                into.extend(bytes(base - len(into)))
                into += values
            for name, total in chunk.totals.items():
                perdoc._fieldlengths[name] += total
            columns = [(name, schema[name].column_type, values) for name, values in chunk.columns.items()]
            for i in range(chunk.size):
                docnum = base + i
                perdoc.start_doc(docnum)
                for name, column, values in columns:
                    if values[i] is not None:
                        perdoc.add_column_value(name, column, values[i])
                if chunk.stored[i] is not None:
                    stored_writer(docnum, chunk.stored[i])
                perdoc.finish_doc()
                count += 1
                if progress and count % progress_every == 0:
                    progress(count)
            for name, terms in chunk_postings.items():
                into = postings.get(name)
                if into is None:
                    postings[name] = terms
                    continue
                for tbytes, entry in terms.items():
                    have = into.get(tbytes)
                    if have is None:
                        into[tbytes] = entry
                    else:
                        have[0].extend(entry[0])
                        have[1].extend(entry[1])
                        if entry[2] is not None:
                            have[2] += entry[2]
        w.docnum = count
        if count:
            w._added = True
            for name, values in lengths.items():
                # what add_field writes a byte at a time; Whoosh leaves
                # trailing zeros (the default) unwritten
                writer = perdoc._get_column(_length_column(name)) if perdoc._has_column(_length_column(name)) \
                    else None
                if writer is None:
                    perdoc._create_column(_length_column(name), LENGTHS_COLUMN)
                    writer = perdoc._get_column(_length_column(name))
                data = bytes(values).rstrip(b"\0")
                writer._dbfile.write(data)
                writer._count = len(data)
            _write_postings(w, schema, postings, lengths, count)
    except BaseException:
        try:
            w.cancel()
        except Exception:  # pragma: no cover
            pass
        raise
    w.commit(optimize=True)
    parallel = procs > 1 and count > PARALLEL_ABOVE
    main_cpu = time.process_time() - main_cpu - (0.0 if parallel else analysis_cpu)
    return BuildStats(count, time.perf_counter() - started, main_cpu, analysis_cpu, procs if parallel else 0)


@dataclass(frozen=True)
class BuildStats:
    """What a build took: wall-clock seconds, CPU seconds of the calling
    process (reading the documents, writing the index) and of the analysis
    (in ``workers`` processes, or 0 when the calling process analysed)."""

    documents: int
    seconds: float
    main_cpu: float
    analysis_cpu: float
    workers: int


def _length_column(name: str) -> str:
    return f"_{name}_len"  # whoosh.codec.whoosh3._lenfield


def _raw_stored_writer(perdoc) -> Callable[[int, bytes], None]:
    """A function that adds a document's stored fields already pickled and
    compressed (the worker did it) to Whoosh's stored-fields column."""
    outer = perdoc._get_column("_stored")  # PickleColumn.Writer around CompressedBytesColumn.Writer
    inner = outer._child
    add = VarBytesColumn.Writer.add
    return lambda docnum, data: add(inner, docnum, data)


def _write_postings(w, schema: Schema, postings: dict, lengths: dict, count: int) -> None:
    """Every field's terms, in order, through Whoosh's field writer."""
    fw = w.fieldwriter
    tindex = fw._tindex
    terms_file = tindex.dbfile
    tindex.dbfile = _Buffered(terms_file)
    dictionary = _TermDictionary(tindex)
    try:
        for name in sorted(postings):
            terms = postings.pop(name)
            field = schema[name]
            fixed = field.format.fixed_value_size()
            field_lengths = lengths.get(name)
            if field_lengths is not None and len(field_lengths) < count:
                field_lengths.extend(bytes(count - len(field_lengths)))
            fw.start_field(name, field)
            pw = fw._postwriter
            out = pw._postfile = _Buffered(pw._postfile)
            pw._mini_ids = lambda pw=pw: _mini_ids(pw._ids)
            pw._mini_weights = lambda pw=pw: _mini_weights(pw._weights)
            compression = pw._compression
            limit = pw._blocklimit
            key_prefix = pack_ushort(fw._fieldid)
            for tbytes in sorted(terms):
                ids, weights, values = terms[tbytes]
                if len(ids) == 1:  # most terms: an id, a number
                    dictionary.add(key_prefix + tbytes, _single(out, ids, weights, values, fixed, field_lengths))
                    continue
                # zlib costs ~50 µs a call whatever the size, and makes a
                # block of a few postings larger, not smaller: short posting
                # lists are written plain (the block header says so).
                comp = compression if len(ids) >= SMALL_BLOCK else 0
                if len(ids) <= limit:
                    dictionary.add(key_prefix + tbytes,
                                   _one_block(out, ids, weights, values, fixed, field_lengths, comp))
                    continue
                out.flush()
                tindex.lastkey = dictionary.lastkey
                pw._compression = comp
                fw.start_term(tbytes)
                _fill_term(pw, ids, weights, values, fixed, field_lengths)
                fw.finish_term()
                dictionary.lastkey = tindex.lastkey
            fw.finish_field()
            out.flush()
    finally:
        tindex.lastkey = dictionary.lastkey
        tindex.dbfile.flush()
        tindex.dbfile = terms_file


class _TermDictionary:
    """``OrderedHashWriter.add`` of Whoosh's term dictionary, for keys known
    to come in order: the same bytes, a third of the calls."""

    def __init__(self, tindex):
        if tindex.hashfn is not md5_hash:  # pragma: no cover - not the W3 default
            raise ValueError("unexpected term dictionary hash")
        self.tindex = tindex
        self.lastkey = tindex.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        tindex = self.tindex
        out = tindex.dbfile
        pos = out.tell()
        tindex.index.append(pos)
        out.write(_KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value)
        h = int.from_bytes(hashlib.md5(key, usedforsecurity=False).digest()[12:], "big")  # md5_hash
        tindex.buckets[h & 255].append((h, pos))
        self.lastkey = key


def _single(out, ids: array, weights: array, values, fixed: int | None, field_lengths) -> bytes:
    """Write a posting list of one posting and return its term info bytes
    (what :func:`_one_block` does, for the commonest case)."""
    d = ids[0]
    w = weights[0]
    if fixed:
        mini_values = bytes(values)
    elif fixed is None:
        mini_values = tuple(values)
    else:
        mini_values = None
    data = pickle.dumps(((d,), None if w == 1.0 else w, mini_values), 2)
    length = field_lengths[d] if field_lengths is not None else 0  # as a byte
    maxweight = w if w > 0 else 0
    info = pickle.dumps((1, d, maxweight, 0, length, length), 2)
    start = out.tell()
    out.write(WHOOSH3_HEADER_MAGIC + pack_int(-(len(info) + len(data))) + info + data)
    return (W3TermInfo._struct.pack(False, 0 + w, 1, length, length, maxweight, d, d)
            + pack_long(start) + pack_int(out.tell() - start))


def _mini_ids(ids: array) -> tuple:
    """``W3PostingsWriter._mini_ids`` (document numbers delta-coded) without a Python loop."""
    return tuple(map(operator.sub, ids, itertools.chain((0,), ids)))


def _one_block(out, ids: array, weights: array, values, fixed: int | None, field_lengths, comp: int) -> bytes:
    """Write a posting list of one block and return its term info bytes:
    what ``start_term``, ``add_posting`` × n and ``finish_term`` of Whoosh's
    writers do, in one call."""
    if fixed:
        mini_values = bytes(values)
    elif fixed is None:
        mini_values = tuple(values)
    else:
        mini_values = None
    data = pickle.dumps((_mini_ids(ids), _mini_weights(weights), mini_values), 2)
    if comp:
        data = zlib.compress(data, comp)
    maxweight = max(0, max(weights))
    if field_lengths is not None:
        shortest = min(map(field_lengths.__getitem__, ids))
        if not shortest and any(map(field_lengths.__getitem__, ids)):  # pragma: no cover
            shortest = min(b for b in map(field_lengths.__getitem__, ids) if b)
        minlength = byte_to_length(shortest) if shortest else None
        maxlength = byte_to_length(max(map(field_lengths.__getitem__, ids)))
    else:
        minlength, maxlength = None, 0
    info = pickle.dumps((len(ids), ids[-1], maxweight, comp, length_to_byte(minlength),
                         length_to_byte(maxlength)), 2)
    start = out.tell()
    out.write(WHOOSH3_HEADER_MAGIC + pack_int(-(len(info) + len(data))) + info + data)
    terminfo = W3TermInfo()
    terminfo._weight = 0 + sum(weights)
    terminfo._df = len(ids)
    terminfo._minlength = minlength
    terminfo._maxlength = maxlength
    terminfo._maxweight = maxweight
    terminfo._minid = ids[0]
    terminfo._maxid = ids[-1]
    terminfo.set_extent(start, out.tell() - start)
    return terminfo.to_bytes()


def _mini_weights(weights: array):
    """``W3PostingsWriter._mini_weights`` without a Python loop."""
    n = len(weights)
    if weights.count(1.0) == n:
        return None
    if weights.count(weights[0]) == n:
        return weights[0]
    return tuple(weights)


def _fill_term(pw, ids: array, weights: array, values, fixed: int | None, field_lengths) -> None:
    """Hand one term's postings to Whoosh's postings writer a block at a time
    (what ``add_posting`` does one posting at a time); ``finish_term`` writes
    the last block."""
    limit = pw._blocklimit
    n = len(ids)
    for start in range(0, n, limit):
        stop = min(n, start + limit)
        block_ids = ids[start:stop]
        block_weights = weights[start:stop]
        pw._ids = block_ids
        pw._weights = block_weights
        if fixed:
            pw._values = [bytes(values[start * fixed : stop * fixed])]
        elif fixed is None:
            pw._values = values[start:stop]
        else:
            pw._values = []
        pw._maxweight = max(0, max(block_weights))
        # The lengths Whoosh tells its postings writer are those it reads
        # back: the byte-encoded approximations.
        shortest = min(map(field_lengths.__getitem__, block_ids)) if field_lengths is not None else 0
        if shortest:
            pw._minlength = byte_to_length(shortest)
            pw._maxlength = byte_to_length(max(map(field_lengths.__getitem__, block_ids)))
        elif field_lengths is not None and any(map(field_lengths.__getitem__, block_ids)):  # pragma: no cover
            present = [b for b in map(field_lengths.__getitem__, block_ids) if b]
            pw._minlength, pw._maxlength = byte_to_length(min(present)), byte_to_length(max(present))
        else:
            pw._minlength, pw._maxlength = None, 0
        if stop < n:
            pw._write_block()


class _Buffered:
    """The postings file, written in large pieces and knowing its position
    without asking the OS (``tell`` is a system call, several per term)."""

    def __init__(self, structfile, size: int = 1 << 20):
        self._file = structfile
        self._buffer = bytearray()
        self._size = size
        self._pos = structfile.tell()

    def write(self, data) -> None:
        self._buffer += data
        self._pos += len(data)
        if len(self._buffer) >= self._size:
            self.flush()

    def write_int(self, n: int) -> None:
        self.write(pack_int(n))

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        if self._buffer:
            self._file.write(bytes(self._buffer))
            self._buffer.clear()
