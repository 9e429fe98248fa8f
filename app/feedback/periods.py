"""Survey periods: a month, a quarter (triwulan), a semester or a year (no Flask).

Periods are calendar dates in an office's own time zone: a response belongs to the day
it was given where the office is (see ``SurveyResponse.local_date``).  Each period has a
short key for URLs and CSV files (``2026-03``, ``2026-T1``, ``2026-S2``, ``2026``) and a
label in the page's language (``Maret 2026``, ``Triwulan I 2026``, ``Semester II 2026``,
``Tahun 2026``; in English ``March 2026``, ``Quarter 1 2026``, ``First half of 2026``,
``Year 2026``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.lang import _, _l, format_date

#: Kinds of period, shortest first.
KINDS = ("month", "quarter", "semester", "year")
KIND_LABELS = {"month": _l("Bulan"), "quarter": _l("Triwulan"), "semester": _l("Semester"), "year": _l("Tahun")}
#: Months in one period of each kind.
_MONTHS = {"month": 1, "quarter": 3, "semester": 6, "year": 12}
_PER_YEAR = {"month": 12, "quarter": 4, "semester": 2, "year": 1}
#: Years a period may fall in (anything else is not a survey period of this site).
MIN_YEAR, MAX_YEAR = 2000, 2100

_KEY_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|T([1-4])|S([12])))?$")


@dataclass(frozen=True)
class Period:
    """One period of one kind: ``number`` is the month (1–12), quarter (1–4) or semester (1–2)."""

    kind: str
    year: int
    number: int = 1

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if not 1 <= self.number <= _PER_YEAR[self.kind]:
            raise ValueError(f"a {self.kind} is numbered 1-{_PER_YEAR[self.kind]}")

    @property
    def first_month(self) -> int:
        return (self.number - 1) * _MONTHS[self.kind] + 1

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The first day after the period (the range is start <= day < end)."""
        month = self.first_month + _MONTHS[self.kind]
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-T{self.number}"
        if self.kind == "semester":
            return f"{self.year}-S{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return format_date(self.start, "LLLL y")
        if self.kind == "year":
            return _("Tahun %(year)s", year=self.year)
        return _LABELS[self.kind, self.number](self.year)

    @property
    def short_label(self) -> str:
        """The label without the year (for a selector grouped by year)."""
        if self.kind == "month":
            return format_date(self.start, "LLLL")
        if self.kind == "year":
            return _("Setahun penuh")
        return _SHORT_LABELS[self.kind, self.number]

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def shifted(self, steps: int) -> "Period":
        """The period ``steps`` periods later (earlier when negative)."""
        index = self.year * _PER_YEAR[self.kind] + self.number - 1 + steps
        return Period(self.kind, index // _PER_YEAR[self.kind], index % _PER_YEAR[self.kind] + 1)


#: Each quarter and semester in words: Indonesian numbers them in Roman numerals.
_LABELS = {
    ("quarter", 1): lambda year: _("Triwulan I %(year)s", year=year),
    ("quarter", 2): lambda year: _("Triwulan II %(year)s", year=year),
    ("quarter", 3): lambda year: _("Triwulan III %(year)s", year=year),
    ("quarter", 4): lambda year: _("Triwulan IV %(year)s", year=year),
    ("semester", 1): lambda year: _("Semester I %(year)s", year=year),
    ("semester", 2): lambda year: _("Semester II %(year)s", year=year),
}
_SHORT_LABELS = {
    ("quarter", 1): _l("Triwulan I"), ("quarter", 2): _l("Triwulan II"),
    ("quarter", 3): _l("Triwulan III"), ("quarter", 4): _l("Triwulan IV"),
    ("semester", 1): _l("Semester I"), ("semester", 2): _l("Semester II"),
}


def containing(day: date, kind: str) -> Period:
    """The period of a kind that a day falls in."""
    return Period(kind, day.year, (day.month - 1) // _MONTHS[kind] + 1)


def parse(key: object) -> Period | None:
    """The period a key names (``2026-03``, ``2026-T1``, ``2026-S2``, ``2026``), or None."""
    if not isinstance(key, str) or len(key) > 10:
        return None
    match = _KEY_RE.match(key.strip().upper())
    if not match:
        return None
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    month, quarter, semester = match.group(2), match.group(3), match.group(4)
    try:
        if month:
            return Period("month", year, int(month))
        if quarter:
            return Period("quarter", year, int(quarter))
        if semester:
            return Period("semester", year, int(semester))
        return Period("year", year)
    except ValueError:  # month 00 or 13
        return None


def periods_of_year(year: int) -> list[Period]:
    """Every period of a year, longest first: the year, semesters, quarters, months."""
    return ([Period("year", year)] + [Period("semester", year, n) for n in (1, 2)]
            + [Period("quarter", year, n) for n in range(1, 5)]
            + [Period("month", year, n) for n in range(1, 13)])


def choices(first: date | None, last: date | None, today: date) -> list[tuple[int, list[Period]]]:
    """Periods to offer in a selector: from the first answer's year to this year, newest first,
    leaving out periods that have not started yet."""
    newest = today.year
    oldest = min(first.year if first else newest, newest)
    if last is not None:
        newest = max(newest, last.year)
    out = []
    for year in range(newest, oldest - 1, -1):
        periods = [p for p in periods_of_year(year) if p.start <= max(today, last or today)]
        if periods:
            out.append((year, periods))
    return out
