"""Queue numbers: per office, per local day, per service prefix; consecutive, never twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.visits import operations
from app.visits.models import QueueCounter, QueueTicket


def fields(n: int = 0, purpose: str = "perpustakaan") -> dict:
    return {"name": f"Pengunjung {n}", "email": f"p{n}@contoh.id", "phone": None, "gender": "L",
            "age_group": "17-25", "education": "sma", "occupation": "Pelajar/Mahasiswa",
            "institution": "SMA Negeri 1", "purpose": purpose, "id_kind": "pelajar", "form_token": None}


def test_numbers_follow_each_other_per_service_prefix(app, visit, ticket_code):
    codes = [ticket_code(visit(purpose=p)) for p in ("perpustakaan", "perpustakaan", "konsultasi",
                                                      "penjualan", "perpustakaan", "konsultasi", "rekomendasi")]
    assert codes == ["P-001", "P-002", "K-001", "J-001", "P-003", "K-002", "R-001"]


def test_each_office_counts_on_its_own(visit, ticket_code):
    assert ticket_code(visit("majenekab")) == "P-001"
    assert ticket_code(visit("bengkulu")) == "P-001"
    assert ticket_code(visit("majenekab")) == "P-002"


def test_numbers_restart_each_local_day_in_the_office_time_zone(app, visit, ticket_code, clock, tickets):
    clock.set(2026, 3, 2, 23, 58, zone="Asia/Makassar")
    assert ticket_code(visit("majenekab")) == "P-001"
    assert ticket_code(visit("bengkulu")) == "P-001"
    # Two minutes later it is 3 March in Majene (WITA) but still 2 March in Bengkulu (WIB),
    # and still 2 March in UTC (16:00).
    clock.advance(minutes=2, seconds=30)
    assert ticket_code(visit("majenekab")) == "P-001"
    assert ticket_code(visit("bengkulu")) == "P-002"
    with app.app_context():
        days = db.session.execute(select(QueueTicket.office, QueueTicket.day, QueueTicket.number)
                                  .order_by(QueueTicket.id)).all()
    assert [tuple(d) for d in days] == [("majenekab", date(2026, 3, 2), 1), ("bengkulu", date(2026, 3, 2), 1),
                                        ("majenekab", date(2026, 3, 3), 1), ("bengkulu", date(2026, 3, 2), 2)]


def test_threads_submitting_at_once_get_distinct_consecutive_numbers(app):
    """Real concurrency on this test's database (SQLite file or PostgreSQL schema)."""
    office = app.extensions["offices"]["majenekab"]
    count = 24
    start = threading.Barrier(count)

    def submit(n: int) -> tuple[str, int]:
        with app.app_context():
            start.wait()
            purpose = "konsultasi" if n % 4 == 0 else "perpustakaan"
            ticket = operations.register_visit(office, fields(n, purpose))
            return ticket.prefix, ticket.number

    with ThreadPoolExecutor(count) as pool:
        numbers = list(pool.map(submit, range(count)))
    library = sorted(n for prefix, n in numbers if prefix == "P")
    consulting = sorted(n for prefix, n in numbers if prefix == "K")
    assert library == list(range(1, 19)) and consulting == list(range(1, 7))
    with app.app_context():
        counters = {c.prefix: c.last for c in db.session.scalars(select(QueueCounter))}
        assert counters == {"P": 18, "K": 6}
        # Issue times follow the numbers within a service.
        stored = db.session.scalars(select(QueueTicket).where(QueueTicket.prefix == "P")
                                    .order_by(QueueTicket.number)).all()
        assert [t.issued_at for t in stored] == sorted(t.issued_at for t in stored)


def test_the_database_refuses_a_number_given_twice(app, visit):
    visit()
    with app.app_context():
        first = db.session.scalars(select(QueueTicket)).one()
        db.session.add(QueueTicket(office=first.office, day=first.day, service=first.service, prefix=first.prefix,
                                   number=first.number, token="another-token-123", issued_at=first.issued_at))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_failed_submission_leaves_no_gap(app):
    """The counter is taken in the ticket's own transaction: when storing fails, it rolls back too."""
    office = app.extensions["offices"]["majenekab"]
    with app.app_context():
        assert operations.register_visit(office, fields(1)).number == 1
        broken = dict(fields(2), gender="X")  # refused by the entry's CHECK constraint, after the counter moved
        with pytest.raises(IntegrityError):
            operations.register_visit(office, broken)
        assert operations.register_visit(office, fields(3)).number == 2
        assert db.session.scalar(select(QueueCounter.last)) == 2
