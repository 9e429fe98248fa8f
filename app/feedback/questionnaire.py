"""The satisfaction survey's questionnaire (SKM, PermenPANRB 14/2017), as plain data.

Nine elements (unsur), each one question answered on a scale of 1 to 4, in the order of
the regulation's list of elements; the wording of each question and its four answers is
the regulation's sample questionnaire.  The respondent profile is the one that
questionnaire asks (gender, age, education, occupation), every item optional.  Age and
education use the guest book's groups (app/visits), so PST's figures agree; age is
asked as a group rather than in years.  "Pelajar/Mahasiswa" is added to the
regulation's occupations because most library users are students.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Element:
    """One element (unsur) of the survey: code, column, name, question, four answers (1–4)."""

    code: str
    column: str
    name: str
    question: str
    answers: tuple[str, str, str, str]


ELEMENTS: tuple[Element, ...] = (
    Element("U1", "q1", "Persyaratan",
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Element("U2", "q2", "Sistem, mekanisme, dan prosedur",
            "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    Element("U3", "q3", "Waktu penyelesaian",
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    Element("U4", "q4", "Biaya/tarif",
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    Element("U5", "q5", "Produk spesifikasi jenis pelayanan",
            "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum "
            "dalam standar pelayanan dengan hasil yang diberikan?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Element("U6", "q6", "Kompetensi pelaksana",
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    Element("U7", "q7", "Perilaku pelaksana",
            "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan "
            "dan keramahan?",
            ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah")),
    Element("U8", "q8", "Penanganan pengaduan, saran, dan masukan",
            "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
            ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik")),
    Element("U9", "q9", "Sarana dan prasarana",
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
            ("Buruk", "Cukup", "Baik", "Sangat baik")),
)

#: Answer values, worst to best.
SCALE = (1, 2, 3, 4)

GENDERS = {"L": "Laki-laki", "P": "Perempuan"}
AGE_GROUPS = {
    "u17": "Di bawah 17 tahun",
    "17-25": "17\u201325 tahun",
    "26-35": "26\u201335 tahun",
    "36-45": "36\u201345 tahun",
    "46-55": "46\u201355 tahun",
    "56+": "56 tahun ke atas",
}
EDUCATION = {
    "sd": "SD/sederajat atau di bawahnya",
    "smp": "SMP/sederajat",
    "sma": "SMA/SMK/sederajat",
    "d3": "D1/D2/D3",
    "s1": "D4/S1",
    "s2": "S2",
    "s3": "S3",
}
OCCUPATIONS = {
    "pns": "PNS",
    "tni": "TNI",
    "polri": "POLRI",
    "swasta": "Swasta",
    "wirausaha": "Wirausaha",
    "pelajar": "Pelajar/Mahasiswa",
    "lainnya": "Lainnya",
}

#: The respondent profile: (column, label, choices), in the questionnaire's order.
PROFILE: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("gender", "Jenis kelamin", GENDERS),
    ("age_group", "Usia", AGE_GROUPS),
    ("education", "Pendidikan terakhir", EDUCATION),
    ("occupation", "Pekerjaan", OCCUPATIONS),
)

#: Where a response came from: the office page, after a softcopy download, after a walk-in visit.
CHANNELS = {"web": "Situs (halaman kantor)", "download": "Setelah mengunduh softcopy",
            "visit": "Setelah kunjungan langsung"}

#: Longest suggestion kept, in characters.
SUGGESTION_MAX = 2000
