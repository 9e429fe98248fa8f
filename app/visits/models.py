"""The walk-in desk: guest-book entries, queue tickets, the daily number counters, lockers.

Times are stored as naive UTC (``app.clock.utcnow_naive``); a ticket also keeps the local
``day`` of the office it was issued on, because numbers restart each local day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow_naive
from app.extensions import PERSONAL, db
from app.lang import _l
from app.respondents import AGE_GROUPS, EDUCATION, GENDERS

#: Version of the guest book's personal-data notice (templates/visits/_consent.html).
#: Changing what the notice says means a new version here (its English is the same notice).
CONSENT_VERSION = "bukutamu-2026-1"

#: The identity card a visitor holds (the service requires one); never its number.  Stored as
#: the key, shown in the page's language (like every label here).
ID_KINDS = {
    "ktp": _l("KTP"),
    "sim": _l("SIM"),
    "paspor": _l("Paspor"),
    "pelajar": _l("Kartu pelajar/mahasiswa"),
    "lainnya": _l("Lainnya"),
}

#: A ticket's life: waiting -> called (maybe again) -> serving -> done; or called -> no_show.
STATUSES = ("waiting", "called", "serving", "done", "no_show")
STATUS_LABELS = {
    "waiting": _l("Menunggu"),
    "called": _l("Dipanggil"),
    "serving": _l("Sedang dilayani"),
    "done": _l("Selesai"),
    "no_show": _l("Tidak hadir"),
}
OPEN_STATUSES = ("waiting", "called", "serving")

#: The occupations of an account (app/accounts/models.py), stored as their Indonesian words.
OCCUPATION_LABELS = {
    "Pelajar/Mahasiswa": _l("Pelajar/Mahasiswa"),
    "Peneliti/Dosen": _l("Peneliti/Dosen"),
    "ASN/TNI/Polri": _l("ASN/TNI/Polri"),
    "Pegawai BUMN/BUMD": _l("Pegawai BUMN/BUMD"),
    "Karyawan Swasta": _l("Karyawan Swasta"),
    "Wiraswasta": _l("Wiraswasta"),
    "Lainnya": _l("Lainnya"),
}
#: The PST services as the office profiles name them: shown in the page's language.  A name
#: an office chose itself stays as it wrote it (like the rest of its profile).
SERVICE_LABELS = {
    "Perpustakaan": _l("Perpustakaan"),
    "Konsultasi statistik": _l("Konsultasi statistik"),
    "Penjualan produk statistik": _l("Penjualan produk statistik"),
    "Rekomendasi kegiatan statistik": _l("Rekomendasi kegiatan statistik"),
}


def occupation_label(value: str | None) -> str | None:
    """An occupation as stored, in the page's language."""
    return OCCUPATION_LABELS.get(value, value) if value is not None else None


def service_labels(office) -> dict[str, str]:
    """The office's queue services, key to name as shown."""
    return {s.key: SERVICE_LABELS.get(s.label, s.label) for s in office.visits.services}


class GuestBookEntry(db.Model):
    """One visit written in the electronic guest book at the kiosk, with the visitor's consent.

    Name, email, phone and institution are anonymised after the office's retention period;
    the categories (gender, age group, education, occupation, purpose) stay for the reports.
    """

    __tablename__ = "guest_book_entry"
    __table_args__ = (
        CheckConstraint("gender IN ('L', 'P')", name="gender"),
        Index("ix_guest_book_entry_office_created", "office", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    name: Mapped[str | None] = mapped_column(String(120), info=PERSONAL)
    #: Lower-cased, so a returning visitor and the owner of an account are found by it.
    email: Mapped[str | None] = mapped_column(String(254), index=True, info=PERSONAL)
    phone: Mapped[str | None] = mapped_column(String(20), info=PERSONAL)
    institution: Mapped[str | None] = mapped_column(String(160), info=PERSONAL)
    gender: Mapped[str] = mapped_column(String(1))
    age_group: Mapped[str] = mapped_column(String(8))
    education: Mapped[str] = mapped_column(String(8))
    occupation: Mapped[str] = mapped_column(String(80))
    #: Key of the office's queue service the visitor came for (office profile, ``visits.services``).
    purpose: Mapped[str] = mapped_column(String(30))
    #: The kind of identity card held (``ID_KINDS``): the standard asks only that one is held.
    id_kind: Mapped[str] = mapped_column(String(10))
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(DateTime)
    #: When the personal fields were cleared (retention or the visitor's erasure request).
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: A random token of the form as it was shown: a second submission of the same form (a
    #: double tap, a reload) finds the first entry instead of taking another number.
    form_token: Mapped[str | None] = mapped_column(String(32), unique=True)

    ticket: Mapped["QueueTicket | None"] = relationship(back_populates="entry", uselist=False)

    @property
    def gender_label(self) -> str:
        return GENDERS.get(self.gender, self.gender)

    @property
    def age_group_label(self) -> str:
        return AGE_GROUPS.get(self.age_group, self.age_group)

    @property
    def education_label(self) -> str:
        return EDUCATION.get(self.education, self.education)

    @property
    def id_kind_label(self) -> str:
        return ID_KINDS.get(self.id_kind, self.id_kind)

    @property
    def occupation_label(self) -> str:
        return occupation_label(self.occupation)


class QueueCounter(db.Model):
    """The last number given out per office, local day and service prefix.

    Incremented with one ``UPDATE … SET last = last + 1 … RETURNING last`` inside the
    transaction that stores the ticket, so numbers are consecutive and never repeat
    (see ``operations.next_number``).
    """

    __tablename__ = "queue_counter"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class QueueTicket(db.Model):
    """A queue number (P-001) and the four moments that time it against the promise."""

    __tablename__ = "queue_ticket"
    __table_args__ = (
        # The database, not the code, guarantees that a number is never given twice.
        UniqueConstraint("office", "day", "prefix", "number", name="uq_queue_ticket_number"),
        CheckConstraint("status IN ('waiting', 'called', 'serving', 'done', 'no_show')", name="status"),
        CheckConstraint("number > 0", name="number"),
        Index("ix_queue_ticket_office_day_status", "office", "day", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    #: The office's local date the number belongs to.
    day: Mapped[date] = mapped_column(Date)
    #: Key of the service (office profile) and its prefix at the time of issue.
    service: Mapped[str] = mapped_column(String(30))
    prefix: Mapped[str] = mapped_column(String(2))
    number: Mapped[int] = mapped_column(Integer)
    #: The random part of the ticket page's address, so nobody can read another's ticket.
    token: Mapped[str] = mapped_column(String(24), unique=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("guest_book_entry.id", ondelete="SET NULL"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    #: The first call: the wait is measured from ``issued_at`` to here.
    called_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The latest call or recall (what the waiting-room display announces).
    last_called_at: Mapped[datetime | None] = mapped_column(DateTime)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    no_show_at: Mapped[datetime | None] = mapped_column(DateTime)

    entry: Mapped[GuestBookEntry | None] = relationship(back_populates="ticket")
    lockers: Mapped[list["LockerAssignment"]] = relationship(back_populates="ticket",
                                                             order_by="LockerAssignment.assigned_at")

    @property
    def code(self) -> str:
        """The number as called out and printed: P-001."""
        return format_code(self.prefix, self.number)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def held_locker(self) -> "LockerAssignment | None":
        return next((a for a in self.lockers if a.held), None)

    def __repr__(self) -> str:
        return f"<QueueTicket {self.office} {self.day} {self.code}>"


def format_code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


class LockerAssignment(db.Model):
    """A locker lent to a visitor for their bag, and whether their identity card is held.

    ``held`` is True while the locker is taken and NULL once released.  Unique constraints
    count NULLs as distinct (SQLite, and PostgreSQL by default), so the database allows
    at most one *taken* row per office and locker, and one per ticket, while released
    rows pile up freely: a locker cannot be given twice even by two desks at once.
    """

    __tablename__ = "locker_assignment"
    __table_args__ = (
        UniqueConstraint("office", "locker", "held", name="uq_locker_assignment_taken"),
        UniqueConstraint("ticket_id", "held", name="uq_locker_assignment_ticket_held"),
        CheckConstraint("held IS NULL OR held", name="held_true_or_null"),
        CheckConstraint("(held IS NULL) = (released_at IS NOT NULL)", name="held_until_released"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    #: The locker's number as the office profile lists it (``visits.lockers``).
    locker: Mapped[str] = mapped_column(String(10))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("queue_ticket.id", ondelete="SET NULL"),
                                                  index=True)
    #: Whether the visitor left their identity card at the desk (its kind is in the entry).
    id_card_held: Mapped[bool] = mapped_column(Boolean, default=False)
    held: Mapped[bool | None] = mapped_column(Boolean)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)

    ticket: Mapped[QueueTicket | None] = relationship(back_populates="lockers")


class GuestBookCode(db.Model):
    """A one-time code mailed to a returning visitor, so the kiosk prefills only for them.

    Neither the address nor the code is stored: both as keyed digests (HMAC with the
    secret key), so a copy of the table tells nothing and cannot be tried offline.
    """

    __tablename__ = "guest_book_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    email_digest: Mapped[str] = mapped_column(String(64), index=True, info=PERSONAL)
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
