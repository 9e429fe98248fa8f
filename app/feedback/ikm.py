"""The satisfaction index (IKM, PermenPANRB 14/2017): formula, grades and the database
aggregates it is computed from.  No Flask: functions take a SQLAlchemy session.

Formula
-------
For a period, each element *i* (unsur) has a mean score ``NRR_i = sum_i / n`` over the
*n* respondents (every response answers all nine).  The index is the weighted sum of
the nine means with the exact weight ``1/9`` (the regulation's printed 0.111 is a
rounding of it), i.e. the mean of the means, on the 1–4 scale; the published figure is
that index times 25 (the "converted" IKM, 25–100).  Everything is computed exactly,
as fractions of the integer sums the database returns, and rounded (half up) to two
decimals only at the end.  The grade and its label come from that rounded figure:

==================  =====  ============
converted IKM       grade  kinerja
==================  =====  ============
88.31 – 100.00      A      Sangat Baik
76.61 – 88.30       B      Baik
65.00 – 76.60       C      Kurang Baik
25.00 – 64.99       D      Tidak Baik
==================  =====  ============

Queries
-------
The database does the counting: one aggregate query returns, for an office and a date
range, the number of respondents, the nine sums, the distribution of answers (1–4) of
each element and the count of each profile choice, reading only a covering index
(``ix_survey_response_office_date``); a second one counts the suggestions on their own
partial index.  No response row is loaded into Python for the index.

Figures are computed here without Flask; only their text (grade labels, the decimal mark)
follows the page's language, through app/lang.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterator, Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.lang import _l
from app.lang import format_number as _format_number
from app.feedback.models import SurveyResponse
from app.feedback.periods import Period
from app.feedback.questionnaire import ELEMENTS, PROFILE, SCALE, Element

#: Each element's weight in the index: exactly one ninth.
WEIGHT = Fraction(1, len(ELEMENTS))
#: The index on the 1–4 scale times this is the published (converted) IKM.
CONVERSION = 25


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str
    #: The lowest converted IKM (two decimals) with this grade.
    minimum: Decimal

    @property
    def range_text(self) -> str:
        upper = {"A": "100.00", "B": "88.30", "C": "76.60", "D": "64.99"}[self.letter]
        return f"{format_decimal(self.minimum)}\u2013{format_decimal(Decimal(upper))}"


GRADES = (
    Grade("A", _l("Sangat Baik"), Decimal("88.31")),
    Grade("B", _l("Baik"), Decimal("76.61")),
    Grade("C", _l("Kurang Baik"), Decimal("65.00")),
    Grade("D", _l("Tidak Baik"), Decimal("25.00")),
)


def grade(converted: Decimal | Fraction | float | str) -> Grade:
    """The grade of a converted IKM, decided on its value rounded to two decimals."""
    value = converted if isinstance(converted, Decimal) else (
        round_half_up(converted) if isinstance(converted, Fraction) else Decimal(str(converted)))
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for candidate in GRADES:
        if value >= candidate.minimum:
            return candidate
    return GRADES[-1]


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """An exact fraction rounded half up to ``places`` decimals."""
    scale = 10 ** places
    scaled = value * scale
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return (Decimal(rounded) / Decimal(scale)).quantize(Decimal(1).scaleb(-places))


def format_decimal(value: Decimal, places: int = 2) -> str:
    """A figure as the page writes it: 88,31 in Indonesian, 88.31 in English (the digits the same)."""
    return _format_number(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places)


@dataclass(frozen=True)
class ElementScore:
    """One element's result for a period."""

    element: Element
    total: int
    respondents: int
    #: How many answered 1, 2, 3 and 4.
    distribution: tuple[int, int, int, int]

    @property
    def nrr(self) -> Fraction:
        """Nilai rata-rata: the element's mean score (1–4)."""
        return Fraction(self.total, self.respondents)

    @property
    def nrr_rounded(self) -> Decimal:
        return round_half_up(self.nrr, 2)

    @property
    def weighted(self) -> Decimal:
        """NRR tertimbang: the mean times its weight 1/9, to three decimals (for the table)."""
        return round_half_up(self.nrr * WEIGHT, 3)

    @property
    def converted(self) -> Decimal:
        return round_half_up(self.nrr * CONVERSION, 2)

    @property
    def grade(self) -> Grade:
        return grade(self.converted)

    def share(self, answer: int) -> Fraction:
        """The share of respondents who gave an answer (0–1)."""
        return Fraction(self.distribution[answer - 1], self.respondents)


@dataclass(frozen=True)
class IkmResult:
    """The index of one office for one period."""

    respondents: int
    elements: tuple[ElementScore, ...]
    suggestions: int = 0

    @property
    def index(self) -> Fraction:
        """The exact index on the 1–4 scale: sum of each element's mean times 1/9."""
        return sum((score.nrr * WEIGHT for score in self.elements), Fraction(0))

    @property
    def index_rounded(self) -> Decimal:
        return round_half_up(self.index, 4)

    @property
    def converted(self) -> Decimal:
        """The published IKM (25–100), rounded to two decimals at the very end."""
        return round_half_up(self.index * CONVERSION, 2)

    @property
    def grade(self) -> Grade:
        return grade(self.converted)


def compute(respondents: int, sums: Sequence[int],
            distributions: Sequence[Sequence[int]] | None = None, suggestions: int = 0) -> IkmResult | None:
    """The IKM from the number of respondents and each element's sum of answers; None for none."""
    if len(sums) != len(ELEMENTS):
        raise ValueError(f"need {len(ELEMENTS)} sums, got {len(sums)}")
    if respondents <= 0:
        return None
    if distributions is None:
        distributions = [(0, 0, 0, 0)] * len(ELEMENTS)
    scores = []
    for element, total, dist in zip(ELEMENTS, sums, distributions):
        total = int(total)
        if not respondents * SCALE[0] <= total <= respondents * SCALE[-1]:
            raise ValueError(f"{element.code}: a sum of {total} is impossible for {respondents} respondent(s)")
        scores.append(ElementScore(element, total, respondents, tuple(int(c) for c in dist)))
    return IkmResult(respondents, tuple(scores), suggestions)


# ------------------------------------------------------------------ database


def _range(office: str, start: date, end: date):
    return (SurveyResponse.office == office, SurveyResponse.local_date >= start,
            SurveyResponse.local_date < end)


@dataclass(frozen=True)
class ProfileCount:
    value: str | None
    label: str
    count: int


def _counts(column, values):
    return [func.count().filter(column == value) for value in values]


def _profile_counts(respondents: int, flat: list[int]) -> dict[str, list[ProfileCount]]:
    out: dict[str, list[ProfileCount]] = {}
    position = 0
    for column, _label, choices in PROFILE:
        counts = flat[position:position + len(choices)]
        position += len(choices)
        rows = [ProfileCount(value, label, n) for (value, label), n in zip(choices.items(), counts)]
        rows.append(ProfileCount(None, _l("Tidak diisi"), respondents - sum(counts)))
        out[column] = rows
    return out


@cache
def _tally_statements():
    """The two statements of :func:`tally`, built once (some eighty expressions): the
    office and the days are bound when they run."""
    where = (SurveyResponse.office == bindparam("office"), SurveyResponse.local_date >= bindparam("start"),
             SurveyResponse.local_date < bindparam("end"))
    columns = [getattr(SurveyResponse, e.column) for e in ELEMENTS]
    parts = [func.count()] + [func.coalesce(func.sum(c), 0) for c in columns]
    parts += [n for c in columns for n in _counts(c, SCALE)]
    parts += [n for column, _label, choices in PROFILE for n in _counts(getattr(SurveyResponse, column), choices)]
    answers = select(*parts).where(*where)
    suggestions = select(func.count()).select_from(SurveyResponse).where(
        *where, SurveyResponse.suggestion.is_not(None))
    return answers, suggestions


def tally(session: Session, office: str, start: date, end: date) -> tuple[IkmResult | None, dict[str, list[ProfileCount]]]:
    """The IKM and the respondents by profile, for responses given on start <= day < end.

    One aggregate query over the covering index (count, the nine sums, the answers 1–4
    of each element, each profile choice), one count of suggestions over their own index.
    """
    answers, suggestions = _tally_statements()
    bounds = {"office": office, "start": start, "end": end}
    row = [int(v) for v in session.execute(answers, bounds).one()]
    respondents, n = row[0], len(ELEMENTS)
    if not respondents:
        return None, {}
    sums = row[1:1 + n]
    flat = row[1 + n:1 + n + n * len(SCALE)]
    distributions = [flat[i * len(SCALE):(i + 1) * len(SCALE)] for i in range(n)]
    result = compute(respondents, sums, distributions, int(session.scalar(suggestions, bounds) or 0))
    return result, _profile_counts(respondents, row[1 + n + n * len(SCALE):])


def aggregate(session: Session, office: str, start: date, end: date) -> IkmResult | None:
    """The IKM of an office for responses given on start <= day < end."""
    return tally(session, office, start, end)[0]


def profile_counts(session: Session, office: str, start: date, end: date) -> dict[str, list[ProfileCount]]:
    """Respondents by gender, age group, education and occupation: every choice (0 when
    nobody gave it), then "Tidak diisi" for the rest."""
    return tally(session, office, start, end)[1]


def date_span(session: Session, office: str) -> tuple[date | None, date | None]:
    """The first and last day on which the office's survey was answered."""
    first, last = session.execute(_span_statement(), {"office": office}).one()
    return first, last


@cache
def _span_statement():
    # Two subqueries: SQLite reads a lone min() or max() from the index's end, not both at once.
    days = [select(f(SurveyResponse.local_date)).where(SurveyResponse.office == bindparam("office"))
            .scalar_subquery() for f in (func.min, func.max)]
    return select(*days)


@dataclass(frozen=True)
class Summary:
    """What the IKM page shows for an office and a period."""

    office: str
    period: Period
    result: IkmResult | None
    profile: dict[str, list[ProfileCount]]


def summary(session: Session, office: str, period: Period) -> Summary:
    """The index of a period and its respondents by profile."""
    result, profile = tally(session, office, period.start, period.end)
    return Summary(office, period, result, profile)


def suggestions(session: Session, office: str, period: Period, limit: int = 50, offset: int = 0):
    """The period's suggestions, newest first: (local date, text) pairs."""
    query = (select(SurveyResponse.local_date, SurveyResponse.suggestion)
             .where(*_range(office, period.start, period.end), SurveyResponse.suggestion.is_not(None))
             .order_by(SurveyResponse.created_at.desc(), SurveyResponse.id.desc()).limit(limit).offset(offset))
    return session.execute(query).all()


def raw_answers(session: Session, office: str, period: Period) -> Iterator[SurveyResponse]:
    """Every response of a period, oldest first, streamed (for the CSV export)."""
    query = (select(SurveyResponse).where(*_range(office, period.start, period.end))
             .order_by(SurveyResponse.local_date, SurveyResponse.id).execution_options(yield_per=1000))
    yield from session.scalars(query)
