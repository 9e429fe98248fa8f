"""Topic synonyms: the words people use for a BPS topic, applied to queries.

An office's users say "inflasi" where the publication says "Indeks Harga
Konsumen", "pengangguran" where it says "TPT".  A query word (or run of
words) that is one expression of a group in :data:`TOPIC_SYNONYMS` also
finds the group's other expressions; a word in :data:`BROADER_TOPICS` also
finds the narrower topics listed for it, but not the other way round.

* Expressions are compared by their analysed terms, so word forms and
  acronyms match ("menganggur" = "pengangguran"; "IHK" = "indeks harga
  konsumen", see :data:`app.analysis.EXPANSIONS`).
* An expression of several words must have all of them in one field; a run
  of typed words is matched against expressions as a whole (typing "harga
  konsumen" finds what "inflasi" finds) while still finding what the words
  themselves find.
* Synonyms are looked for in titles, subjects and abstracts only, never in the
  PDF text: there, "harga" and "konsumen" co-occur in most publications.  The
  narrower topics of a broad word only in titles and subjects: abstracts of
  the "Dalam Angka" kind list every topic in passing.
* A match through a synonym counts for :data:`SYNONYM_WEIGHT` of a match of
  the word itself (:data:`BROADER_WEIGHT` for a narrower topic), so literal
  matches come first among equals.

This is the query side only: nothing here is indexed, so changing the tables
needs no re-index.  Keep them small: each entry widens every query that uses
the word.  ``tests/catalogue/test_synonyms.py`` shows each group at work.
"""

from __future__ import annotations

import threading
from typing import Callable, Iterable

#: Groups of expressions that name the same topic (each finds the others).
TOPIC_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("inflasi", "indeks harga konsumen", "ihk", "harga konsumen"),
    ("pengangguran", "tingkat pengangguran terbuka", "tpt"),
    ("kemiskinan", "penduduk miskin", "garis kemiskinan"),
    ("pdrb", "produk domestik regional bruto"),
    ("ipm", "indeks pembangunan manusia"),
    ("penduduk", "kependudukan", "demografi"),
    ("ntp", "nilai tukar petani"),
)

#: A broad word -> narrower topics it also finds (one way only: a query for
#: the narrower topic does not find everything the broad word names).
BROADER_TOPICS: dict[str, tuple[str, ...]] = {
    "ekonomi": ("produk domestik regional bruto",),  # PDRB publications are the economy's
    "inflasi": ("harga",),  # BPS files price statistics under the subject "Harga"
    "pengangguran": ("angkatan kerja",),  # TPT is published in "Keadaan Angkatan Kerja"
}

#: Weight of a match through a synonym, relative to the word itself.
SYNONYM_WEIGHT = 0.8
#: Weight of a match through a narrower topic of a broad word.
BROADER_WEIGHT = 0.5
#: Longest run of typed words compared with the expressions.
MAX_RUN = 4

Terms = tuple[str, ...]


class SynonymTable:
    """The tables above, analysed with one analyzer: ``terms -> [(alternative
    terms, weight)]``; a weight of :data:`BROADER_WEIGHT` marks a narrower
    topic of a broad word."""

    def __init__(self, analyze: Callable[[str], Iterable[str]],
                 groups: Iterable[Iterable[str]] = TOPIC_SYNONYMS,
                 broader: dict[str, Iterable[str]] | None = None):
        self.table: dict[Terms, list[tuple[Terms, float]]] = {}
        for group in groups:
            analysed = [t for t in dict.fromkeys(tuple(analyze(e)) for e in group) if t]
            for terms in analysed:
                for other in analysed:
                    if other != terms:
                        self._add(terms, other, SYNONYM_WEIGHT)
        for word, narrower in (BROADER_TOPICS if broader is None else broader).items():
            terms = tuple(analyze(word))
            for expression in narrower:
                other = tuple(analyze(expression))
                if terms and other and other != terms:
                    self._add(terms, other, BROADER_WEIGHT)
        self.longest = max((len(k) for k in self.table), default=0)

    def _add(self, terms: Terms, other: Terms, weight: float) -> None:
        alternatives = self.table.setdefault(terms, [])
        for i, (have, w) in enumerate(alternatives):
            if have == other:
                alternatives[i] = (have, max(w, weight))
                return
        alternatives.append((other, weight))

    def alternatives(self, terms: Terms) -> list[tuple[Terms, float]]:
        """The other expressions of ``terms``' topic and their weights."""
        return self.table.get(tuple(terms), [])


_TABLES: dict[int, tuple[object, SynonymTable]] = {}
_TABLES_LOCK = threading.Lock()


def synonyms_for(analyzer) -> SynonymTable:
    """The synonym table analysed with ``analyzer`` (built once per analyzer)."""
    entry = _TABLES.get(id(analyzer))
    if entry is not None and entry[0] is analyzer:
        return entry[1]
    table = SynonymTable(lambda text: [t.text for t in analyzer(text)])
    with _TABLES_LOCK:
        if len(_TABLES) > 16:
            _TABLES.clear()
        _TABLES[id(analyzer)] = (analyzer, table)
    return table
