"""The IKM formula, its grades and periods (plain values), and the aggregates it is computed from."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import event

from app.extensions import db
from app.feedback import ikm, periods
from app.feedback.models import SurveyResponse
from app.feedback.questionnaire import ELEMENTS

#: Four respondents' answers to the nine elements, worked out by hand below.
HAND = [
    [4, 4, 4, 4, 4, 4, 4, 4, 4],
    [3, 3, 3, 4, 3, 3, 4, 3, 3],
    [3, 2, 3, 4, 3, 4, 4, 2, 3],
    [4, 3, 2, 4, 3, 3, 4, 3, 4],
]


def sums_of(rows):
    return [sum(r[i] for r in rows) for i in range(9)]


def test_hand_computed_index():
    # Element sums 14 12 12 16 13 14 16 12 14 = 123; NRR 3.5 3 3 4 3.25 3.5 4 3 3.5.
    result = ikm.compute(4, sums_of(HAND))
    assert sums_of(HAND) == [14, 12, 12, 16, 13, 14, 16, 12, 14]
    assert [s.nrr for s in result.elements] == [Fraction(7, 2), 3, 3, 4, Fraction(13, 4), Fraction(7, 2), 4, 3,
                                                 Fraction(7, 2)]
    # IKM = 123 / (9 × 4) = 3.41666…; × 25 = 85.41666… → 85.42, grade B (Baik).
    assert result.index == Fraction(123, 36)
    assert result.converted == Decimal("85.42")
    assert (result.grade.letter, result.grade.label) == ("B", "Baik")
    assert result.respondents == 4
    # The regulation's printed weight 0.111 would give 30.75 × 0.111 × 25 = 85.33: the exact 1/9 is used.
    assert round(30.75 * 0.111 * 25, 2) == 85.33


def test_rounding_happens_only_at_the_end():
    # Three respondents, every element summing to 10: each NRR is 3.333…; IKM 83.333… → 83.33.
    result = ikm.compute(3, [10] * 9)
    assert result.converted == Decimal("83.33")
    # Rounding each NRR to 3.33 first would have published 83.25.
    assert Decimal("3.33") * 25 == Decimal("83.25")
    assert result.elements[0].nrr_rounded == Decimal("3.33") and result.elements[0].converted == Decimal("83.33")


def test_half_up_at_a_grade_boundary():
    # 5000 respondents, each element summing to 15321: 25 × 137889 / 45000 = 76.605 exactly → 76.61 → B.
    result = ikm.compute(5000, [15321] * 9)
    assert result.index * 25 == Fraction(76605, 1000)
    assert result.converted == Decimal("76.61") and result.grade.letter == "B"
    # One answer less: 76.6044… → 76.60 → C.
    result = ikm.compute(5000, [15321] * 8 + [15320])
    assert result.converted == Decimal("76.60") and result.grade.letter == "C"


@pytest.mark.parametrize("score, letter, label", [
    ("100.00", "A", "Sangat Baik"), ("88.31", "A", "Sangat Baik"), ("88.30", "B", "Baik"),
    ("76.61", "B", "Baik"), ("76.60", "C", "Kurang Baik"), ("65.00", "C", "Kurang Baik"),
    ("64.99", "D", "Tidak Baik"), ("25.00", "D", "Tidak Baik"),
])
def test_grade_boundaries(score, letter, label):
    grade = ikm.grade(Decimal(score))
    assert (grade.letter, grade.label) == (letter, label)


def test_grade_is_decided_on_the_rounded_score():
    assert ikm.grade(Fraction(88305, 1000)).letter == "A"  # 88.305 → 88.31
    assert ikm.grade(Fraction(883049, 10000)).letter == "B"  # 88.3049 → 88.30


def test_extremes_and_impossible_sums():
    assert ikm.compute(2, [8] * 9).converted == Decimal("100.00")
    assert ikm.compute(2, [2] * 9).converted == Decimal("25.00")
    assert ikm.compute(0, [0] * 9) is None
    with pytest.raises(ValueError):
        ikm.compute(2, [9] * 9)  # more than 4 each
    with pytest.raises(ValueError):
        ikm.compute(2, [8] * 8)  # eight elements


def test_the_nine_elements_in_the_regulations_wording():
    assert [e.name for e in ELEMENTS] == [
        "Persyaratan", "Sistem, mekanisme, dan prosedur", "Waktu penyelesaian", "Biaya/tarif",
        "Produk spesifikasi jenis pelayanan", "Kompetensi pelaksana", "Perilaku pelaksana",
        "Penanganan pengaduan, saran, dan masukan", "Sarana dan prasarana"]
    assert ELEMENTS[0].question.startswith("Bagaimana pendapat Saudara tentang kesesuaian persyaratan")
    assert ELEMENTS[3].answers == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    assert all(len(e.answers) == 4 for e in ELEMENTS)


# ------------------------------------------------------------------ periods


@pytest.mark.parametrize("key, label, start, end", [
    ("2026-03", "Maret 2026", date(2026, 3, 1), date(2026, 4, 1)),
    ("2026-12", "Desember 2026", date(2026, 12, 1), date(2027, 1, 1)),
    ("2026-T1", "Triwulan I 2026", date(2026, 1, 1), date(2026, 4, 1)),
    ("2026-T4", "Triwulan IV 2026", date(2026, 10, 1), date(2027, 1, 1)),
    ("2026-S2", "Semester II 2026", date(2026, 7, 1), date(2027, 1, 1)),
    ("2026", "Tahun 2026", date(2026, 1, 1), date(2027, 1, 1)),
    ("2026-t2", "Triwulan II 2026", date(2026, 4, 1), date(2026, 7, 1)),
])
def test_period_keys(key, label, start, end):
    period = periods.parse(key)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert periods.parse(period.key) == period


@pytest.mark.parametrize("key", ["", "2026-13", "2026-00", "2026-T5", "2026-S3", "abc", "99999", "1850",
                                 "2026-03-01", "<script>", None, 2026, "9" * 400, "2026\x00"])
def test_bad_period_keys(key):
    assert periods.parse(key) is None


def test_periods_move_and_contain():
    assert periods.containing(date(2026, 5, 31), "quarter").key == "2026-T2"
    assert periods.containing(date(2026, 7, 1), "semester").key == "2026-S2"
    assert periods.parse("2026-01").shifted(-1).key == "2025-12"
    assert periods.parse("2026-T4").shifted(1).key == "2027-T1"
    assert periods.parse("2026").shifted(-2).key == "2024"
    choices = periods.choices(date(2025, 11, 3), date(2026, 2, 1), date(2026, 2, 14))
    assert [year for year, _ in choices] == [2026, 2025]
    assert "2026-03" not in [p.key for p in choices[0][1]]  # not started yet
    assert [p.key for p in choices[1][1]][:3] == ["2025", "2025-S1", "2025-S2"]


# ------------------------------------------------------------------ the database does the counting


def add_responses(rows, office="majenekab", day=date(2026, 2, 10), **profile):
    for i, answers in enumerate(rows):
        db.session.add(SurveyResponse(office=office, local_date=day, channel="web", respondent_key=None,
                                      response_window=f"test-{i}", **{f"q{k + 1}": v for k, v in enumerate(answers)},
                                      **profile))
    db.session.commit()


def test_aggregate_matches_the_hand_computation(app):
    with app.app_context():
        add_responses(HAND)
        add_responses([[1] * 9], office="sawahluntokota")  # another office
        add_responses([[1] * 9], day=date(2026, 4, 1))  # another quarter
        result = ikm.aggregate(db.session, "majenekab", date(2026, 1, 1), date(2026, 4, 1))
        assert result.converted == Decimal("85.42") and result.respondents == 4
        assert [s.total for s in result.elements] == sums_of(HAND)
        assert result.elements[1].distribution == (0, 1, 2, 1)  # U2: one 2, two 3s, one 4
        # The statements are built once; each call binds its own office and days.
        other = ikm.aggregate(db.session, "sawahluntokota", date(2026, 1, 1), date(2026, 4, 1))
        later = ikm.aggregate(db.session, "majenekab", date(2026, 4, 1), date(2026, 7, 1))
        assert other.respondents == 1 and later.respondents == 1 and other.converted == Decimal("25.00")
        assert ikm.aggregate(db.session, "bengkulu", date(2026, 1, 1), date(2026, 4, 1)) is None
        assert ikm.date_span(db.session, "majenekab")[1] == date(2026, 4, 1)
        assert ikm.date_span(db.session, "bengkulu") == (None, None)


def test_aggregate_equals_a_brute_force_count_and_loads_no_rows(app):
    rng = random.Random(14)
    rows = [[rng.randint(1, 4) for _ in range(9)] for _ in range(300)]
    with app.app_context():
        add_responses(rows[:150], gender="L", age_group="17-25")
        add_responses(rows[150:], day=date(2026, 3, 31), gender="P", education="s2")
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            summary = ikm.summary(db.session, "majenekab", periods.parse("2026-T1"))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        expected = ikm.compute(300, sums_of(rows))
        assert summary.result.converted == expected.converted
        assert summary.result.index == expected.index
        for i, score in enumerate(summary.result.elements):
            assert score.distribution == tuple(sum(r[i] == v for r in rows) for v in (1, 2, 3, 4))
        # Two queries: one aggregate for the index and the profile, one count of suggestions.
        assert len(statements) == 2
        counts = {item.label: item.count for item in summary.profile["gender"]}
        assert counts == {"Laki-laki": 150, "Perempuan": 150, "Tidak diisi": 0}
        education = {item.label: item.count for item in summary.profile["education"]}
        assert education["S2"] == 150 and education["Tidak diisi"] == 150


def test_the_ikm_from_the_command_line(app):
    with app.app_context():
        add_responses(HAND)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["feedback", "ikm", "majenekab", "2026-T1"])
    assert result.exit_code == 0, result.output
    assert "BPS Kabupaten Majene, Triwulan I 2026" in result.output
    assert "IKM 85.42 (B, Baik); 4 respondent(s), 0 suggestion(s)" in result.output
    assert runner.invoke(args=["feedback", "ikm", "majenekab", "2026-T9"]).exit_code != 0
    assert runner.invoke(args=["feedback", "ikm", "nowhere"]).exit_code != 0
    assert "no respondents" in runner.invoke(args=["feedback", "ikm", "bengkulu", "2026"]).output
