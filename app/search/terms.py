"""Words to index terms, the way the index's own analyzer does it, but fast.

Whoosh runs an analyzer as a chain of generators with a Token object per word;
for the catalogue's stemming analyzer (:func:`app.analysis.build_analyzer`)
that cost ~3 µs a word.  :class:`FastAnalyzer` replays the same chain
(``RegexTokenizer | LowercaseFilter [| StopFilter] [| IndonesianStemFilter]``,
with the tables pickled in the index) as one regular-expression pass and a
cached lookup per distinct word: the bulk index builder
(:mod:`app.search.building`) analyses documents with it, and the highlighter
(:mod:`app.search.snippets`) finds the words of a text that match a query's
terms with it.  A test checks that it gives what the analyzer gives.
"""

from __future__ import annotations

import itertools
import threading
from typing import Iterator

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

from app.analysis import IndonesianStemFilter

#: A cache holds at most this many words; then it starts again (PDF texts
#: bring numbers and junk a long-running process should not keep).
MAX_CACHED_WORDS = 200_000


class _WordTerms(dict):
    """word as written -> its terms (() for a stopword), filled on first use."""

    def __init__(self, analyzer: "FastAnalyzer"):
        super().__init__()
        self.analyzer = analyzer

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) >= MAX_CACHED_WORDS:
            self.clear()
        terms = self[word] = self.analyzer.word_terms(word)
        return terms


class _WordSpelling(dict):
    """word as written -> the word as a spelling word (None for a stopword)."""

    def __init__(self, analyzer: "FastAnalyzer"):
        super().__init__()
        self.analyzer = analyzer

    def __missing__(self, word: str) -> str | None:
        if len(self) >= MAX_CACHED_WORDS:
            self.clear()
        lower = word.lower()
        spelled = self[word] = None if self.analyzer.stopped(lower) else lower
        return spelled


class FastAnalyzer:
    """The analyzer chain ``RegexTokenizer | LowercaseFilter [| StopFilter]
    [| IndonesianStemFilter]`` replayed without Token objects: one regular
    expression pass, then each distinct word's terms from a cache.
    :meth:`of` returns None for any other chain (the caller then uses Whoosh's
    own analysis)."""

    def __init__(self, tokenizer, stop, stem):
        self.findall = tokenizer.expression.findall
        self.finditer = tokenizer.expression.finditer
        self.stops = frozenset(stop.stops) if stop is not None else frozenset()
        self.minsize = stop.min if stop is not None else 0
        self.maxsize = stop.max if stop is not None else None
        self.stem = stem
        self.terms_of = _WordTerms(self)
        self.spelling_of = _WordSpelling(self)

    @classmethod
    def of(cls, analyzer) -> "FastAnalyzer | None":
        items = list(getattr(analyzer, "items", ()))
        if len(items) < 2 or type(items[0]) is not RegexTokenizer or items[0].gaps:
            return None
        if type(items[1]) is not LowercaseFilter:
            return None
        stop = stem = None
        rest = items[2:]
        if rest and type(rest[0]) is StopFilter:
            stop = rest.pop(0)
            if not stop.renumber:
                return None
        if rest and type(rest[0]) is IndonesianStemFilter:
            stem = rest.pop(0)
        if rest:
            return None
        return cls(items[0], stop, stem)

    def stopped(self, lower: str) -> bool:
        n = len(lower)
        return n < self.minsize or (self.maxsize is not None and n > self.maxsize) or lower in self.stops

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms of one token as written; () for a stopword."""
        lower = word.lower()
        if self.stopped(lower):
            return ()
        if self.stem is None or lower in self.stem.protected:
            return (lower,)
        parts = self.stem.expansions.get(lower)
        return tuple(parts) if parts else (self.stem.stem_word(lower),)

    def terms(self, words: list[str]) -> Iterator[str]:
        """The terms of a text's words, in order."""
        return itertools.chain.from_iterable(map(self.terms_of.__getitem__, words))

    def first_position(self, words: list[str]) -> int:
        """The position Whoosh gives the first term (stopwords before it count)."""
        terms_of = self.terms_of
        for i, word in enumerate(words):
            if terms_of[word]:
                return i
        return 0

    def spell_words(self, words: list[str]) -> list[str]:
        """What Whoosh's ``spellable_words`` gives: the unstemmed words, sorted."""
        spelled = set(map(self.spelling_of.__getitem__, words))
        spelled.discard(None)
        return sorted(spelled)


_BY_ANALYZER: dict[int, tuple[object, FastAnalyzer | None]] = {}
_BY_ANALYZER_LOCK = threading.Lock()


def fast_analyzer(analyzer) -> FastAnalyzer | None:
    """The :class:`FastAnalyzer` of ``analyzer`` (one per analyzer object, so
    its word cache is shared), or None when its chain is not one it replays."""
    entry = _BY_ANALYZER.get(id(analyzer))
    if entry is not None and entry[0] is analyzer:
        return entry[1]
    fast = FastAnalyzer.of(analyzer)
    with _BY_ANALYZER_LOCK:
        if len(_BY_ANALYZER) > 16:
            _BY_ANALYZER.clear()
        _BY_ANALYZER[id(analyzer)] = (analyzer, fast)
    return fast
