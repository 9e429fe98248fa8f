"""Indonesian text analysis for the catalogue search (Whoosh).

This module knows nothing of Flask.  It builds the Whoosh analyzers that the
catalogue index uses, so that BPS publications are found by the words people
type, including other word forms: "penduduk" finds "Kependudukan",
"menganggur" and "pengangguran" find each other, "tenaga kerja" finds
"Ketenagakerjaan", "Bekasi" stays "bekasi" (Sastrawi alone would make it
"bekas").

Pipeline of :func:`build_analyzer`::

    RegexTokenizer(TOKEN_PATTERN)   letters runs and digit runs; hyphens, dots,
                                    slashes split ("rumah-tangga", "SP2020" ->
                                    "sp" "2020")
    LowercaseFilter()
    StopFilter(STOPWORDS - protected, minsize=1)   numbers such as "2023" stay
    IndonesianStemFilter(protected)                gazetteer words unchanged,
                                                   EXPANSIONS, STEM_OVERRIDES,
                                                   Sastrawi + STEM_FIXES

Whoosh pickles the analyzer into the index's schema *by reference*: keep this
module at ``app.analysis`` and keep every class and function used here at
module level.  The tables (stopwords, protected words, overrides, fixes,
expansions) are pickled *by value* with the index, so an index keeps analysing
queries the way it analysed its documents; the Sastrawi algorithm itself is
referenced by name.  Changing the tables here, ``gazetteer.txt`` or the
PySastrawi version therefore needs a re-index to take effect.

Spelling suggestions: the stem filter is marked ``is_morph``, so a Whoosh TEXT
field with ``spelling=True`` records unstemmed words for suggestions.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, StopFilter

__all__ = [
    "EXPANSIONS",
    "KEPT_STOPWORDS",
    "STEM_FIXES",
    "STEM_OVERRIDES",
    "STOPWORDS",
    "TOKEN_PATTERN",
    "IndonesianStemFilter",
    "analyze",
    "build_analyzer",
    "build_exact_analyzer",
    "gazetteer",
    "sastrawi_stem",
    "stem",
]

#: Runs of letters, or runs of digits.  Everything else separates tokens:
#: hyphens ("kabupaten-kota", reduplication "rumah-rumah"), dots, slashes,
#: underscores, and the boundary between letters and digits ("SP2020").
TOKEN_PATTERN = r"[^\W\d_]+|\d+"

#: Words longer than this are left unstemmed (junk, URLs glued together ...).
MAX_STEM_LENGTH = 40

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.txt")

# --------------------------------------------------------------------------- stopwords

#: Words of Sastrawi's stopword list that matter for statistics search and so
#: are kept as index terms.  Words not on Sastrawi's list at all ("tahun",
#: "hasil", "tinggi", "rendah", "rata", "angka", "umum") need no entry here.
#: Deliberately left as stopwords: "jumlah" ("jumlah penduduk bengkulu" would
#: otherwise require "jumlah" in the title under Whoosh's AND), "baru",
#: "dalam" ("Dalam Angka"), "per" ("per kapita"), "antar", number words
#: ("satu", "dua", "tiga" ...; "lima"/"empat" come back through the gazetteer
#: for "Lima Puluh Kota" / "Empat Lawang"), and the single letters a-z
#: (so a Roman "Triwulan I" loses its "i"; "ii", "iii", "iv" stay).
KEPT_STOPWORDS = frozenset(
    {
        "kerja",  # Tenaga Kerja, Angkatan Kerja
        "bekerja",  # Penduduk yang Bekerja (stems to "kerja")
        "keadaan",  # Keadaan Angkatan Kerja, Keadaan Ketenagakerjaan
        "besar",  # Industri Besar dan Sedang, Perdagangan Besar
        "sedang",  # Industri Besar dan Sedang
        "kecil",  # Industri Mikro dan Kecil, pulau-pulau kecil
        "luar",  # Perdagangan Luar Negeri
        "bulan",  # "bulanan" stems to "bulan"; the typed word must match
        "setengah",  # setengah menganggur (underemployment)
        "lama",  # Rata-rata Lama Sekolah, Harapan Lama Sekolah
    }
)


def _sastrawi_stopwords() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(w.strip().lower() for w in StopWordRemoverFactory().get_stop_words() if w.strip())


#: The stoplist: Sastrawi's Indonesian list (809 words in PySastrawi 1.2.1)
#: minus :data:`KEPT_STOPWORDS`.  :func:`build_analyzer` also takes every
#: protected word off it.
STOPWORDS: frozenset[str] = _sastrawi_stopwords() - KEPT_STOPWORDS

# --------------------------------------------------------------------------- stemming tables

#: Surface word -> stem, applied instead of Sastrawi.  Sastrawi's own result
#: for each is noted.  These settle collisions between unrelated families.
STEM_OVERRIDES: dict[str, str] = {
    # unemployment family -> "penganggur" (Sastrawi: "anggur" = grape, a crop)
    "pengangguran": "penganggur",
    "penganggur": "penganggur",
    "menganggur": "penganggur",
    # livestock (Sastrawi: peternakan -> "terna")
    "peternakan": "ternak",
    "peternak": "ternak",
    "ternak": "ternak",
    # banking (Sastrawi: perbankan -> "perban" = bandage)
    "perbankan": "bank",
    # tourism: one stem for the family (Sastrawi leaves each word alone)
    "pariwisata": "wisata",
    "kepariwisataan": "wisata",
    "wisatawan": "wisata",
    # statistics / statistika
    "statistika": "statistik",
    # government (Sastrawi: "perintah" = command)
    "pemerintah": "pemerintah",
    "pemerintahan": "pemerintah",
    # "keadaan" (condition) vs "pengadaan" (procurement); Sastrawi: both "ada"
    "keadaan": "keadaan",
    "pengadaan": "pengadaan",
    # Sastrawi: both "tengah", colliding with Jawa/Sulawesi/Kalimantan Tengah
    "setengah": "setengah",
    "menengah": "menengah",
    # Sastrawi: "hasil", which would match every "Hasil Sensus ..." title
    "penghasilan": "penghasilan",
    "berpenghasilan": "penghasilan",
    "penghasil": "penghasil",
    # Gini ratio (Sastrawi: "gin")
    "gini": "gini",
    # Laporan Kinerja (performance reports) must not match labour "kerja"
    "kinerja": "kinerja",
    # pemilihan umum (Sastrawi: "milu")
    "pemilu": "pemilu",
}

#: Sastrawi result -> (stem, marker): when Sastrawi returns the key for a word
#: containing the marker, the stem is used instead.  This catches derived
#: forms not listed in :data:`STEM_OVERRIDES` ("perbankannya",
#: "peternakannya", "penganggurannya", "menganggurkan") while leaving the
#: unrelated words alone ("anggur" grape, "perban" bandage, "terna" herb).
STEM_FIXES: dict[str, tuple[str, str]] = {
    "anggur": ("penganggur", "nganggur"),
    "perban": ("bank", "bank"),
    "terna": ("ternak", "ternak"),
}

#: Surface word -> several stems, emitted at consecutive positions, so that
#: the compound matches the separate words, also as a phrase ("tenaga kerja"
#: finds "Ketenagakerjaan"), and well-known BPS acronyms match their spelled-out
#: titles.  Values are final stems (what the analyzer gives for the words).
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "ketenagakerjaan": ("tenaga", "kerja"),
    "tenagakerja": ("tenaga", "kerja"),
    "ketenagalistrikan": ("tenaga", "listrik"),
    "perkeretaapian": ("kereta", "api"),
    "keretaapi": ("kereta", "api"),
    "rumahtangga": ("rumah", "tangga"),
    # acronyms
    "pdrb": ("produk", "domestik", "regional", "bruto"),  # Produk Domestik Regional Bruto
    "pdb": ("produk", "domestik", "bruto"),  # Produk Domestik Bruto
    "ipm": ("indeks", "bangun", "manusia"),  # Indeks Pembangunan Manusia
    "ihk": ("indeks", "harga", "konsumen"),  # Indeks Harga Konsumen
    "tpt": ("tingkat", "penganggur", "buka"),  # Tingkat Pengangguran Terbuka
    "ntp": ("nilai", "tukar", "tani"),  # Nilai Tukar Petani
}

# --------------------------------------------------------------------------- Sastrawi

_stemmer = None
_stemmer_lock = threading.Lock()


def _get_stemmer():
    """The Sastrawi stemmer, built once on first use (thread-safe)."""
    global _stemmer
    if _stemmer is None:
        with _stemmer_lock:
            if _stemmer is None:
                from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
                from Sastrawi.Stemmer.Stemmer import Stemmer
                from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

                # The bare Stemmer, not StemmerFactory.create_stemmer(): that
                # wraps it in an unbounded cache; ours is sastrawi_stem's LRU.
                _stemmer = Stemmer(ArrayDictionary(StemmerFactory().get_words()))
    return _stemmer


@functools.lru_cache(maxsize=65536)
def sastrawi_stem(word: str) -> str:
    """Sastrawi's stem of one lowercase word, without any of this module's tables.

    Only plain ASCII letter words are given to Sastrawi (it would strip other
    characters and could return several words); anything else is returned
    unchanged.  Cached (thread-safe LRU).
    """
    if not (word.isascii() and word.isalpha()) or len(word) > MAX_STEM_LENGTH:
        return word
    result = _get_stemmer().stem_word(word)
    return result if result and result.isalpha() else word


# --------------------------------------------------------------------------- filter


class IndonesianStemFilter(Filter):
    """Stems Indonesian tokens: protected words untouched, then expansions,
    overrides, Sastrawi with fixes.

    Expansions emit several tokens at consecutive positions and shift the
    positions of the tokens after them.  All tables are instance attributes so
    they are pickled with the index.
    """

    is_morph = True  # skipped for Whoosh spelling words (no_morph=True)

    def __init__(
        self,
        protected: Iterable[str] = (),
        overrides: Mapping[str, str] | None = None,
        fixes: Mapping[str, tuple[str, str]] | None = None,
        expansions: Mapping[str, Iterable[str]] | None = None,
    ):
        self.protected = frozenset(protected)
        self.overrides = dict(STEM_OVERRIDES if overrides is None else overrides)
        self.fixes = {k: tuple(v) for k, v in (STEM_FIXES if fixes is None else fixes).items()}
        self.expansions = {k: tuple(v) for k, v in (EXPANSIONS if expansions is None else expansions).items()}

    def stem_word(self, text: str) -> str:
        """The stem of one lowercase token (expansions not applied)."""
        if text in self.protected:
            return text
        result = self.overrides.get(text)
        if result is not None:
            return result
        result = sastrawi_stem(text)
        fix = self.fixes.get(result)
        if fix is not None and fix[1] in text:
            return fix[0]
        return result

    def __call__(self, tokens: Iterator) -> Iterator:
        protected = self.protected
        expansions = self.expansions
        stem_word = self.stem_word
        shift = 0
        for t in tokens:
            if shift and t.positions:
                t.pos += shift
            if t.stopped:
                yield t
                continue
            text = t.text
            if text in protected:
                yield t
                continue
            parts = expansions.get(text)
            if parts:
                first = t.pos if t.positions else 0
                for i, part in enumerate(parts):
                    t.text = part
                    if t.positions:
                        t.pos = first + i
                    yield t
                shift += len(parts) - 1
                continue
            t.text = stem_word(text)
            yield t


# --------------------------------------------------------------------------- gazetteer


def _read_words(path: Path) -> frozenset[str]:
    words: set[str] = set()
    pattern = re.compile(TOKEN_PATTERN)
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        words.update(w.lower() for w in pattern.findall(line))
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def gazetteer() -> frozenset[str]:
    """Lowercase place-name tokens never stemmed (``app/gazetteer.txt``)."""
    return _read_words(GAZETTEER_FILE)


# --------------------------------------------------------------------------- analyzers


def _normalise(words: Iterable[str]) -> set[str]:
    if isinstance(words, str):  # a lone name, not its letters
        words = [words]
    pattern = re.compile(TOKEN_PATTERN)
    found: set[str] = set()
    for word in words:
        found.update(w.lower() for w in pattern.findall(word))
    return found


def build_analyzer(protected_words: Iterable[str] = ()) -> Analyzer:
    """The stemming analyzer for catalogue text fields (titles, subjects ...).

    ``protected_words`` (e.g. an office's region and kecamatan names; split
    into tokens and lowercased) are added to :func:`gazetteer`.  Protected
    words are neither stemmed nor dropped as stopwords.
    """
    protected = frozenset(gazetteer() | _normalise(protected_words))
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOPWORDS - protected, minsize=1)
        | IndonesianStemFilter(protected)
    )


def build_exact_analyzer() -> Analyzer:
    """Tokenize and lowercase only (no stopwords, no stemming): ``title_exact``."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()


@functools.lru_cache(maxsize=1)
def _default_analyzer() -> Analyzer:
    return build_analyzer()


@functools.lru_cache(maxsize=1)
def _default_filter() -> IndonesianStemFilter:
    return IndonesianStemFilter(gazetteer())


def stem(word: str) -> str:
    """The stem the default analyzer gives one word (gazetteer protected,
    overrides and fixes applied; expansions and stopwords not)."""
    return _default_filter().stem_word(word.lower())


def analyze(text: str) -> list[str]:
    """The terms the default :func:`build_analyzer` produces for ``text``."""
    return [t.text for t in _default_analyzer()(text)]
