"""The respondent profile that the satisfaction survey (PermenPANRB 14/2017) and the guest
book both ask, optional in the survey: gender, age group, last education.  Stored as the
keys, shown in the page's language."""

from __future__ import annotations

from app.lang import _l

GENDERS = {"L": _l("Laki-laki"), "P": _l("Perempuan")}
AGE_GROUPS = {
    "u17": _l("Di bawah 17 tahun"),
    "17-25": _l("17\u201325 tahun"),
    "26-35": _l("26\u201335 tahun"),
    "36-45": _l("36\u201345 tahun"),
    "46-55": _l("46\u201355 tahun"),
    "56+": _l("56 tahun ke atas"),
}
EDUCATION = {
    "sd": _l("SD/sederajat atau di bawahnya"),
    "smp": _l("SMP/sederajat"),
    "sma": _l("SMA/SMK/sederajat"),
    "d3": _l("D1/D2/D3"),
    "s1": _l("D4/S1"),
    "s2": _l("S2"),
    "s3": _l("S3"),
}
