"""Tests for app.analysis: the Indonesian analyzer of the catalogue search."""

from __future__ import annotations

import pickle

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.qparser import QueryParser

from app import analysis
from app.analysis import (
    EXPANSIONS,
    KEPT_STOPWORDS,
    STEM_FIXES,
    STEM_OVERRIDES,
    STOPWORDS,
    analyze,
    build_analyzer,
    build_exact_analyzer,
    gazetteer,
    sastrawi_stem,
    stem,
)


def terms(analyzer, text):
    return [t.text for t in analyzer(text)]


# --------------------------------------------------------------------------- stems

# Statistical vocabulary checked against Sastrawi (after this module's tables).
STATISTICAL_STEMS = {
    "pembangunan": "bangun",
    "kependudukan": "duduk",
    "penduduk": "duduk",
    "pertanian": "tani",
    "petani": "tani",
    "perikanan": "ikan",
    "kehutanan": "hutan",
    "perkebunan": "kebun",
    "perdagangan": "dagang",
    "pedagang": "dagang",
    "perhubungan": "hubung",
    "pendidikan": "didik",
    "kesehatan": "sehat",
    "kemiskinan": "miskin",
    "perumahan": "rumah",
    "pertambangan": "tambang",
    "penggalian": "gali",
    "perindustrian": "industri",
    "industri": "industri",
    "perekonomian": "ekonomi",
    "ekonomi": "ekonomi",
    "kesejahteraan": "sejahtera",
    "pengeluaran": "keluar",
    "pendapatan": "dapat",
    "penerimaan": "terima",
    "perusahaan": "usaha",
    "pengusaha": "usaha",
    "usaha": "usaha",
    "pekerja": "kerja",
    "bekerja": "kerja",
    "pekerjaan": "kerja",
    "kerja": "kerja",
    "angkatan": "angkat",
    "lapangan": "lapang",
    "terbuka": "buka",
    "tahunan": "tahun",
    "bulanan": "bulan",
    "perkembangan": "kembang",
    "pertumbuhan": "tumbuh",
    "ketimpangan": "timpang",
    "kelahiran": "lahir",
    "kematian": "mati",
    "perkawinan": "kawin",
    "keuangan": "uang",
    "perhotelan": "hotel",
    "penginapan": "inap",
    "angkutan": "angkut",
    "penerbangan": "terbang",
    "pelabuhan": "labuh",
    "kecamatan": "camat",
    "kelurahan": "lurah",
    "perkotaan": "kota",
    "perdesaan": "desa",
    "pedesaan": "desa",
    "tanaman": "tanam",
    "pengolahan": "olah",
    "kelautan": "laut",
    "kelistrikan": "listrik",
    "perkreditan": "kredit",
    "kebudayaan": "budaya",
    "perpustakaan": "pustaka",
    # left as they are by Sastrawi, as they should be
    "inflasi": "inflasi",
    "ekspor": "ekspor",
    "impor": "impor",
    "statistik": "statistik",
    "regional": "regional",
    "domestik": "domestik",
    "bruto": "bruto",
    "sensus": "sensus",
    "survei": "survei",
    "indeks": "indeks",
    "indikator": "indikator",
    "konsumsi": "konsumsi",
    "harga": "harga",
    "produsen": "produsen",
    "konsumen": "konsumen",
    "manusia": "manusia",
    "hasil": "hasil",
    "tingkat": "tingkat",
    "produk": "produk",
    "upah": "upah",
    "angka": "angka",
    "anggur": "anggur",  # the grape keeps its own stem
    "tengah": "tengah",
}


@pytest.mark.parametrize(("word", "expected"), sorted(STATISTICAL_STEMS.items()))
def test_statistical_vocabulary(word, expected):
    assert stem(word) == expected
    assert analyze(word) == [expected]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("penduduk", "kependudukan"),
        ("menganggur", "pengangguran"),
        ("penganggur", "pengangguran"),
        ("peternak", "peternakan"),
        ("ternak", "peternakan"),
        ("bank", "perbankan"),
        ("wisata", "pariwisata"),
        ("wisatawan", "kepariwisataan"),
        ("tani", "pertanian"),
        ("bekerja", "pekerja"),
        ("pemerintah", "pemerintahan"),
        ("statistik", "statistika"),
    ],
)
def test_word_forms_share_a_stem(a, b):
    assert stem(a) == stem(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("pengangguran", "anggur"),  # unemployment vs grape
        ("keadaan", "pengadaan"),  # condition vs procurement
        ("menengah", "tengah"),  # secondary vs Jawa Tengah
        ("setengah", "tengah"),
        ("penghasilan", "hasil"),  # income vs "Hasil Sensus"
        ("kinerja", "kerja"),  # Laporan Kinerja vs labour
        ("bekasi", "bekas"),
        ("kediri", "diri"),
        ("pemalang", "malang"),
    ],
)
def test_unrelated_words_keep_apart(a, b):
    assert stem(a) != stem(b)


@pytest.mark.parametrize(("word", "expected"), sorted(STEM_OVERRIDES.items()))
def test_every_override(word, expected):
    assert stem(word) == expected
    assert stem(word.upper()) == expected
    assert analyze(word) == [expected]


def test_overrides_are_needed_or_pin_a_choice():
    # Every override differs from Sastrawi or pins a word Sastrawi could change later.
    changed = {w for w, s in STEM_OVERRIDES.items() if sastrawi_stem(w) != s}
    assert {"perbankan", "peternakan", "pengangguran", "keadaan", "pengadaan", "setengah",
            "menengah", "penghasilan", "gini", "kinerja", "pemerintah", "pemilu"} <= changed


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("perbankannya", "bank"),
        ("peternakannya", "ternak"),
        ("penganggurannya", "penganggur"),
        ("menganggurkan", "penganggur"),
        ("anggur", "anggur"),
        ("anggurnya", "anggur"),
        ("perban", "perban"),
        ("terna", "terna"),
    ],
)
def test_stem_fixes(word, expected):
    assert stem(word) == expected


def test_fix_keys_are_what_sastrawi_returns():
    assert sastrawi_stem("perbankan") == "perban"
    assert sastrawi_stem("peternakan") == "terna"
    assert sastrawi_stem("pengangguran") == "anggur"
    assert set(STEM_FIXES) == {"perban", "terna", "anggur"}


def test_tables_do_not_clash():
    g = gazetteer()
    assert not (set(STEM_OVERRIDES) | set(EXPANSIONS)) & g
    assert not (set(STEM_OVERRIDES) | set(EXPANSIONS)) & STOPWORDS
    assert not set(STEM_OVERRIDES) & set(EXPANSIONS)


# --------------------------------------------------------------------------- expansions


@pytest.mark.parametrize(("word", "parts"), sorted(EXPANSIONS.items()))
def test_every_expansion(word, parts):
    assert analyze(word) == list(parts)
    # the parts are final stems: what the analyzer makes of them anyway
    assert [stem(p) for p in parts] == list(parts)


@pytest.mark.parametrize(
    ("acronym", "spelled_out"),
    [
        ("PDRB", "Produk Domestik Regional Bruto"),
        ("PDB", "Produk Domestik Bruto"),
        ("IPM", "Indeks Pembangunan Manusia"),
        ("IHK", "Indeks Harga Konsumen"),
        ("TPT", "Tingkat Pengangguran Terbuka"),
        ("NTP", "Nilai Tukar Petani"),
        ("ketenagakerjaan", "tenaga kerja"),
        ("ketenagalistrikan", "tenaga listrik"),
        ("perkeretaapian", "kereta api"),
        ("rumahtangga", "rumah tangga"),
    ],
)
def test_expansion_equals_spelled_out(acronym, spelled_out):
    assert analyze(acronym) == analyze(spelled_out)


def test_expansion_positions_are_consecutive_and_shift_the_rest():
    an = build_analyzer()
    toks = [(t.text, t.pos) for t in an("Keadaan Ketenagakerjaan Provinsi Bengkulu", positions=True)]
    assert toks == [("keadaan", 0), ("tenaga", 1), ("kerja", 2), ("provinsi", 3), ("bengkulu", 4)]
    toks = [(t.text, t.pos) for t in an("PDRB dan IPM Majene", positions=True)]
    assert [p for _, p in toks] == list(range(8))
    assert toks[-1] == ("majene", 7)


def test_expansion_keeps_character_offsets():
    text = "Statistik Ketenagakerjaan"
    toks = [(t.text, t.startchar, t.endchar) for t in build_analyzer()(text, chars=True)]
    assert toks[1:] == [("tenaga", 10, 25), ("kerja", 10, 25)]


# --------------------------------------------------------------------------- protected names

BRIEF_NAMES = """
Bekasi Majene Pasaman Sawahlunto Musi Banyuasin Sekayu Lubuk Sikaping Mamuju Polewali
Mandar Padang Pariaman Bukittinggi Payakumbuh Solok Sijunjung Dharmasraya Agam Tanah Datar
Lima Puluh Palembang Lahat Muara Enim Ogan Komering Rejang Lebong Kepahiang Mukomuko
Kaur Seluma Banggae Rangas Kayu Ara Lembah Segar Talawi Barangin Silungkang Bogor Depok
Tangerang Serang Cilegon Semarang Surabaya Medan Makassar Manado Kendari Palu Gorontalo
Ambon Jayapura Sorong Kupang Mataram Denpasar Banjarmasin Samarinda Pontianak Palangka Raya
Tarakan Jakarta Bandung Yogyakarta Malang Kediri Madiun Pekanbaru Batam Tanjungpinang
Pangkalpinang Bandar Lampung Metro Banda Aceh Lhokseumawe Langsa Sabang Binjai
Pematangsiantar Sibolga Tebing Tinggi Jambi Sungai Penuh Bengkulu Bali Maluku Mentawai
Pekalongan Pemalang Temanggung Tabanan Kutai Berau Selayar Empat Lawang Padang Panjang
""".split()


# "Kota" (of Lima Puluh Kota) is generic and deliberately not in the gazetteer.


@pytest.mark.parametrize("name", BRIEF_NAMES)
def test_place_names_are_not_stemmed(name):
    word = name.lower()
    assert word in gazetteer()
    assert stem(name) == word
    assert analyze(name) == [word]


@pytest.mark.parametrize(
    ("name", "sastrawi_would_give"),
    [("bekasi", "bekas"), ("kediri", "diri"), ("pemalang", "malang"), ("bali", "bal"),
     ("maluku", "malu"), ("musi", "mus"), ("sekayu", "kayu"), ("mentawai", "tawa")],
)
def test_gazetteer_saves_names_sastrawi_mangles(name, sastrawi_would_give):
    assert sastrawi_stem(name) == sastrawi_would_give
    assert stem(name) == name


PROVINCES = """
Aceh; Sumatera Utara; Sumatera Barat; Riau; Jambi; Sumatera Selatan; Bengkulu; Lampung;
Kepulauan Bangka Belitung; Kepulauan Riau; DKI Jakarta; Jawa Barat; Jawa Tengah;
DI Yogyakarta; Jawa Timur; Banten; Bali; Nusa Tenggara Barat; Nusa Tenggara Timur;
Kalimantan Barat; Kalimantan Tengah; Kalimantan Selatan; Kalimantan Timur; Kalimantan Utara;
Sulawesi Utara; Sulawesi Tengah; Sulawesi Selatan; Sulawesi Tenggara; Gorontalo;
Sulawesi Barat; Maluku; Maluku Utara; Papua Barat; Papua; Papua Selatan; Papua Tengah;
Papua Pegunungan; Papua Barat Daya
"""


def test_gazetteer_covers_the_38_provinces():
    provinces = [p.strip() for p in PROVINCES.split(";")]
    assert len(provinces) == 38
    generic = {"kepulauan", "dki", "di"}
    g = gazetteer()
    for province in provinces:
        for word in province.lower().split():
            if word not in generic:
                assert word in g, word
    # "Papua Pegunungan" keeps its name (Sastrawi: pegunungan -> gunung)
    assert analyze("Provinsi Papua Pegunungan") == ["provinsi", "papua", "pegunungan"]


def test_gazetteer_shape():
    g = gazetteer()
    assert isinstance(g, frozenset)
    assert len(g) > 400
    assert all(w == w.lower() and w.isalpha() for w in g)
    assert not {"kepulauan", "kabupaten", "kota", "provinsi", "baru"} & g


def test_protected_words_by_argument():
    default = build_analyzer()
    assert terms(default, "Kecamatan Kemayoran") == ["camat", "mayor"]
    an = build_analyzer(["Kemayoran", "Kota Baru"])
    assert terms(an, "Kecamatan Kemayoran") == ["camat", "kemayoran"]
    # a protected word is never a stopword either ("baru" is on Sastrawi's list)
    assert terms(default, "Kota Baru") == ["kota"]
    assert terms(an, "Kota Baru") == ["kota", "baru"]
    # still protects the gazetteer
    assert terms(an, "Bekasi") == ["bekasi"]


def test_protected_words_accepts_a_single_string():
    assert terms(build_analyzer("Kemayoran"), "Kemayoran") == ["kemayoran"]


def test_gazetteer_words_leave_the_stoplist():
    assert {"lima", "empat", "panjang"} <= (set(analysis._sastrawi_stopwords()) & gazetteer())
    assert analyze("Kabupaten Lima Puluh Kota") == ["kabupaten", "lima", "puluh", "kota"]
    assert analyze("Kabupaten Empat Lawang") == ["kabupaten", "empat", "lawang"]
    assert analyze("Kota Padang Panjang") == ["kota", "padang", "panjang"]


# --------------------------------------------------------------------------- stopwords, numbers, tokens


def test_stopwords_removed():
    assert analyze("yang dan di dalam dari untuk pada") == []
    assert analyze("Kabupaten Majene Dalam Angka 2024") == ["kabupaten", "majene", "angka", "2024"]
    assert {"yang", "dan", "di", "dalam", "jumlah", "baru"} <= STOPWORDS


@pytest.mark.parametrize("word", sorted(KEPT_STOPWORDS))
def test_kept_stopwords(word):
    assert word not in STOPWORDS
    assert analyze(word) == [stem(word)]


@pytest.mark.parametrize("word", ["tahun", "hasil", "tinggi", "rendah", "rata", "angka", "umum"])
def test_statistics_words_are_not_stopwords(word):
    assert analyze(word) == [word]


def test_numbers_kept():
    assert analyze("Sensus Pertanian 2023") == ["sensus", "tani", "2023"]
    assert analyze("BPS 1606 Triwulan 4 tahun 2024") == ["bps", "1606", "triwulan", "4", "tahun", "2024"]


def test_letters_and_digits_split():
    assert analyze("SP2020") == ["sp", "2020"]
    assert analyze("2020/2021") == ["2020", "2021"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kabupaten-kota", ["kabupaten", "kota"]),
        ("rumah-tangga", ["rumah", "tangga"]),
        ("rumah-rumah", ["rumah", "rumah"]),
        ("Rata-rata Lama Sekolah", ["rata", "rata", "lama", "sekolah"]),
        ("buah-buahan", ["buah", "buah"]),
    ],
)
def test_hyphens_split(text, expected):
    assert analyze(text) == expected


def test_non_ascii_and_odd_tokens_are_left_alone():
    assert stem("") == ""
    assert stem("été") == "été"
    long_word = "pe" + "x" * 60
    assert stem(long_word) == long_word


def test_exact_analyzer():
    an = build_exact_analyzer()
    assert terms(an, "Kabupaten Bekasi Dalam Angka 2024") == ["kabupaten", "bekasi", "dalam", "angka", "2024"]
    assert terms(an, "Statistik Perbankan, rumah-tangga") == ["statistik", "perbankan", "rumah", "tangga"]


# --------------------------------------------------------------------------- pickling

SAMPLE = ("Keadaan Ketenagakerjaan Kabupaten Majene dan Bekasi 2024: Statistik Perbankan, "
          "PDRB, rumah-tangga, Lubuk Sikaping, Kemayoran")


def test_analyzer_pickles():
    an = build_analyzer(["majene", "kemayoran"])
    data = pickle.dumps(an)
    assert b"app.analysis" in data
    again = pickle.loads(data)
    assert terms(again, SAMPLE) == terms(an, SAMPLE)
    assert "kemayoran" in terms(again, SAMPLE)
    assert again == an


def test_exact_analyzer_pickles():
    an = build_exact_analyzer()
    assert terms(pickle.loads(pickle.dumps(an)), SAMPLE) == terms(an, SAMPLE)


def test_stem_function_pickles_by_reference():
    assert pickle.loads(pickle.dumps(sastrawi_stem)) is sastrawi_stem


# --------------------------------------------------------------------------- Whoosh index

TITLES = {
    "1": "Penganggur Terbuka",
    "2": "Statistik Kependudukan",
    "3": "Keadaan Ketenagakerjaan Provinsi Bengkulu Agustus 2024",
    "4": "Statistik Peternakan",
    "5": "Statistik Perbankan",
    "6": "Kabupaten Bekasi Dalam Angka",
    "7": "Produk Domestik Regional Bruto Kabupaten Musi Banyuasin Menurut Lapangan Usaha",
    "8": "Laporan Kinerja BPS Kabupaten Pasaman",
    "9": "Produksi Tanaman Buah-buahan: Anggur dan Jeruk",
    "10": "Hasil Sensus Pertanian 2023",
    "11": "Statistik Daerah Kota Sawahlunto",
    "12": "Kabupaten Majene Dalam Angka 2024",
}


def make_schema():
    return Schema(id=ID(stored=True, unique=True),
                  title=TEXT(analyzer=build_analyzer(), stored=True),
                  title_exact=TEXT(analyzer=build_exact_analyzer()))


def fill(ix):
    with ix.writer() as w:
        for doc_id, title in TITLES.items():
            w.add_document(id=doc_id, title=title, title_exact=title)


def found(ix, querystring, field="title"):
    with ix.searcher() as s:
        q = QueryParser(field, ix.schema).parse(querystring)
        return {hit["id"] for hit in s.search(q, limit=None)}


@pytest.fixture(scope="module")
def ram_index():
    ix = RamStorage().create_index(make_schema())
    fill(ix)
    return ix


@pytest.mark.parametrize(
    ("querystring", "expected"),
    [
        ("pengangguran", {"1"}),
        ("menganggur", {"1"}),
        ("penduduk", {"2"}),
        ("tenaga kerja", {"3"}),
        ('"tenaga kerja"', {"3"}),
        ("ketenagakerjaan bengkulu", {"3"}),
        ("peternak", {"4"}),
        ("ternak", {"4"}),
        ("bank", {"5"}),
        ("perbankan", {"5"}),
        ("Bekasi", {"6"}),
        ("bekas", set()),
        ("pdrb musi banyuasin", {"7"}),
        ("kerja", {"3"}),  # not the Laporan Kinerja
        ("kinerja", {"8"}),
        ("anggur", {"9"}),  # the grape, not the unemployed
        ("sensus pertanian 2023", {"10"}),
        ("petani", {"10"}),
        ("2024", {"3", "12"}),
        ("statistik daerah sawahlunto", {"11"}),
        ("majene dalam angka", {"12"}),
        ("angka", {"6", "12"}),
        ("jumlah penduduk", {"2"}),  # "jumlah" is a stopword
    ],
)
def test_search(ram_index, querystring, expected):
    assert found(ram_index, querystring) == expected


def test_exact_field_does_not_stem(ram_index):
    assert found(ram_index, "perbankan", "title_exact") == {"5"}
    assert found(ram_index, "bank", "title_exact") == set()


def test_index_on_disk_reopens_with_pickled_analyzer(tmp_path):
    ix = FileStorage(str(tmp_path)).create_index(make_schema())
    fill(ix)
    ix.close()
    reopened = index.open_dir(str(tmp_path))
    try:
        assert found(reopened, "tenaga kerja") == {"3"}
        assert found(reopened, "bekas") == set()
        assert found(reopened, "bekasi") == {"6"}
    finally:
        reopened.close()


def test_spelling_words_are_unstemmed():
    schema = Schema(title=TEXT(analyzer=build_analyzer(), spelling=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(title="Statistik Perbankan Kabupaten Bekasi")
    with ix.searcher() as s:
        corrector = s.corrector("title")
        assert "perbankan" in corrector.suggest("perbankam")
