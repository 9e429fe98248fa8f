"""The satisfaction survey's questionnaire (SKM, PermenPANRB 14/2017), as plain data.

Nine elements (unsur), each one question answered on a scale of 1 to 4, in the order of
the regulation's list of elements; the wording of each question and its four answers is
the regulation's sample questionnaire.  The respondent profile is the one that
questionnaire asks (gender, age, education, occupation), every item optional.  Age and
education use the guest book's groups (app/visits), so PST's figures agree; age is
asked as a group rather than in years.  "Pelajar/Mahasiswa" is added to the
regulation's occupations because most library users are students.

Every text is Indonesian (the regulation's own wording) and shown in the page's language
(app/lang.py); answers are stored as 1-4 and the profile as its keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.lang import _l
from app.respondents import AGE_GROUPS, EDUCATION, GENDERS


@dataclass(frozen=True)
class Element:
    """One element (unsur) of the survey: code, column, name, question, four answers (1–4)."""

    code: str
    column: str
    name: str
    question: str
    answers: tuple[str, str, str, str]


ELEMENTS: tuple[Element, ...] = (
    Element("U1", "q1", _l("Persyaratan"),
            _l("Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
            (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))),
    Element("U2", "q2", _l("Sistem, mekanisme, dan prosedur"),
            _l("Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"),
            (_l("Tidak mudah"), _l("Kurang mudah"), _l("Mudah"), _l("Sangat mudah"))),
    Element("U3", "q3", _l("Waktu penyelesaian"),
            _l("Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?"),
            (_l("Tidak cepat"), _l("Kurang cepat"), _l("Cepat"), _l("Sangat cepat"))),
    Element("U4", "q4", _l("Biaya/tarif"),
            _l("Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"),
            (_l("Sangat mahal"), _l("Cukup mahal"), _l("Murah"), _l("Gratis"))),
    Element("U5", "q5", _l("Produk spesifikasi jenis pelayanan"),
            _l("Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum "
              "dalam standar pelayanan dengan hasil yang diberikan?"),
            (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))),
    Element("U6", "q6", _l("Kompetensi pelaksana"),
            _l("Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"),
            (_l("Tidak kompeten"), _l("Kurang kompeten"), _l("Kompeten"), _l("Sangat kompeten"))),
    Element("U7", "q7", _l("Perilaku pelaksana"),
            _l("Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan "
              "dan keramahan?"),
            (_l("Tidak sopan dan ramah"), _l("Kurang sopan dan ramah"), _l("Sopan dan ramah"),
             _l("Sangat sopan dan ramah"))),
    Element("U8", "q8", _l("Penanganan pengaduan, saran, dan masukan"),
            _l("Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"),
            (_l("Tidak ada"), _l("Ada tetapi tidak berfungsi"), _l("Berfungsi kurang maksimal"),
             _l("Dikelola dengan baik"))),
    Element("U9", "q9", _l("Sarana dan prasarana"),
            _l("Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"),
            (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik"))),
)

#: Answer values, worst to best.
SCALE = (1, 2, 3, 4)

OCCUPATIONS = {
    "pns": _l("PNS"),
    "tni": _l("TNI"),
    "polri": _l("POLRI"),
    "swasta": _l("Swasta"),
    "wirausaha": _l("Wirausaha"),
    "pelajar": _l("Pelajar/Mahasiswa"),
    "lainnya": _l("Lainnya"),
}

#: The respondent profile: (column, label, choices), in the questionnaire's order.
PROFILE: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("gender", _l("Jenis kelamin"), GENDERS),
    ("age_group", _l("Usia"), AGE_GROUPS),
    ("education", _l("Pendidikan terakhir"), EDUCATION),
    ("occupation", _l("Pekerjaan"), OCCUPATIONS),
)

#: Where a response came from: the office page, after a softcopy download, after a walk-in visit.
CHANNELS = {"web": _l("Situs (halaman kantor)"), "download": _l("Setelah mengunduh softcopy"),
            "visit": _l("Setelah kunjungan langsung")}

#: Longest suggestion kept, in characters.
SUGGESTION_MAX = 2000
