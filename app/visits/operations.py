"""What the walk-in desk does to its data: issue queue numbers, move tickets along, lend
lockers, and mail one-time codes to returning visitors.

Numbers.  Each (office, local day, service prefix) has one ``queue_counter`` row.  A
submission takes its number with a single upsert,
``INSERT … VALUES (…, 1) ON CONFLICT (office, day, prefix) DO UPDATE SET last = last + 1
RETURNING last``, in the same transaction that stores the entry and the ticket:

* PostgreSQL: the statement row-locks the counter; a concurrent submission waits for
  that lock and then increments the committed value (READ COMMITTED re-reads the row),
  so no two transactions ever see the same ``last``.  Two first submissions of a day race
  on the primary key: the second waits for the first to commit and then takes the
  DO UPDATE branch.
* SQLite (WAL): the upsert is the transaction's first statement, so it takes the
  database's write lock at once (waiting up to ``busy_timeout``); writers are serialised.

A failed transaction rolls the counter back with the ticket, so there are no gaps; the
unique constraint on (office, day, prefix, number) is the last guard against duplicates.

Ticket moves are conditional ``UPDATE … WHERE status IN (…)``: when two desks press
"call next" at once, each gets a different ticket.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import re
import secrets
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError

from app import clock
from app.accounts.models import OCCUPATIONS, User
from app.extensions import db
from app.mail import send_email
from app.offices import Office
from app.lang import _
from app.visits.models import (AGE_GROUPS, CONSENT_VERSION, EDUCATION, GENDERS, ID_KINDS,
                               GuestBookCode, GuestBookEntry, LockerAssignment, QueueCounter,
                               QueueTicket)

log = logging.getLogger(__name__)

#: How often a submission is tried again when the database is busy beyond its timeout.
BUSY_RETRIES = 6
#: The fields of a guest-book entry a returning visitor gets prefilled (never purpose or consent).
PREFILL_FIELDS = ("name", "email", "phone", "gender", "age_group", "education", "occupation",
                  "institution", "id_kind")


class DeskError(Exception):
    """A desk action that cannot be done now; the message tells staff why, in the page's language."""


# ------------------------------------------------------------------ queue numbers


def _insert_for_dialect():
    name = db.engine.dialect.name
    if name == "postgresql":
        return postgresql_insert
    if name == "sqlite":
        return sqlite_insert
    raise RuntimeError(f"queue numbers need SQLite or PostgreSQL, not {name}")


def next_number(office_slug: str, day, prefix: str) -> int:
    """The next queue number of a day and prefix, taken inside the caller's transaction."""
    table = QueueCounter.__table__
    statement = (
        _insert_for_dialect()(table)
        .values(office=office_slug, day=day, prefix=prefix, last=1)
        .on_conflict_do_update(index_elements=[table.c.office, table.c.day, table.c.prefix],
                               set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    return db.session.execute(statement).scalar_one()


def _busy(exc: OperationalError) -> bool:
    """SQLite's lock outlasting busy_timeout, or a PostgreSQL deadlock/serialisation retry."""
    if getattr(exc.orig, "sqlstate", None) in ("40P01", "40001"):
        return True
    return "database is locked" in str(exc.orig) or "database is busy" in str(exc.orig)


def new_token() -> str:
    return secrets.token_urlsafe(12)


def register_visit(office: Office, fields: dict) -> QueueTicket:
    """Store a guest-book entry with the visitor's consent and give it the next queue number.

    ``fields`` are the entry's columns from the kiosk form (already validated); ``purpose``
    names one of the office's services, whose prefix the number takes.
    """
    service = office.visits.service(fields["purpose"])
    if service is None:
        raise ValueError(f"unknown service {fields['purpose']!r} for {office.slug}")
    for attempt in range(BUSY_RETRIES + 1):
        day = clock.local_today(office.timezone)
        try:
            number = next_number(office.slug, day, service.prefix)
            # Read the clock once the counter is ours, so issue times follow the numbers.
            now = clock.utcnow_naive()
            entry = GuestBookEntry(office=office.slug, created_at=now, consent_at=now,
                                   consent_version=CONSENT_VERSION, **fields)
            ticket = QueueTicket(office=office.slug, day=day, service=service.key, prefix=service.prefix,
                                 number=number, token=new_token(), status="waiting", issued_at=now,
                                 call_count=0, entry=entry)
            db.session.add(ticket)
            db.session.commit()
            return ticket
        except IntegrityError:
            db.session.rollback()
            # The same form sent twice: the first submission's ticket is the answer.
            token = fields.get("form_token")
            earlier = token and db.session.scalars(select(QueueTicket).join(QueueTicket.entry).where(
                GuestBookEntry.form_token == token)).first()
            if not earlier:
                raise
            return earlier
        except OperationalError as exc:
            db.session.rollback()
            if attempt == BUSY_RETRIES or not _busy(exc):
                raise
            log.warning("Guest book: database busy, trying again (%d)", attempt + 1)
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
    raise AssertionError("unreachable")


# ------------------------------------------------------------------ moving tickets


def ticket_of(office: Office, ticket_id: int) -> QueueTicket | None:
    """A ticket of this office (None for another office's: staff see only their own)."""
    return db.session.scalars(select(QueueTicket).where(QueueTicket.id == ticket_id,
                                                        QueueTicket.office == office.slug)).first()


def _move(office: Office, ticket_id: int, from_states: tuple[str, ...], **values) -> bool:
    table = QueueTicket.__table__
    result = db.session.execute(
        update(table).where(table.c.id == ticket_id, table.c.office == office.slug,
                            table.c.status.in_(from_states)).values(**values))
    return result.rowcount == 1


#: Why an action did not apply, per action: the number and its status now fill it in.
_REFUSALS = {
    "call": lambda code, status: _("Nomor %(code)s tidak dapat dipanggil: statusnya sekarang \u201c%(status)s\u201d.",
                                   code=code, status=status),
    "start": lambda code, status: _("Nomor %(code)s tidak dapat mulai dilayani: statusnya sekarang "
                                    "\u201c%(status)s\u201d.", code=code, status=status),
    "finish": lambda code, status: _("Nomor %(code)s tidak dapat diselesaikan: statusnya sekarang "
                                     "\u201c%(status)s\u201d.", code=code, status=status),
    "no_show": lambda code, status: _("Nomor %(code)s tidak dapat ditandai tidak hadir: statusnya sekarang "
                                      "\u201c%(status)s\u201d.", code=code, status=status),
}


def _not_found() -> DeskError:
    return DeskError(_("Nomor antrean itu tidak ditemukan di antrean kantor ini."))


def _refused(office: Office, ticket_id: int, action: str) -> DeskError:
    """Why an action did not apply, read back from the ticket as it now stands."""
    db.session.rollback()
    ticket = ticket_of(office, ticket_id)
    if ticket is None:
        return _not_found()
    return DeskError(_REFUSALS[action](ticket.code, ticket.status_label.lower()))


def _called_values(now: datetime) -> dict:
    table = QueueTicket.__table__
    return {"status": "called", "called_at": func.coalesce(table.c.called_at, now),
            "last_called_at": now, "call_count": table.c.call_count + 1}


def call(office: Office, ticket_id: int) -> QueueTicket:
    """Call a number (again): a waiting, called or absent visitor is called to the desk."""
    if not _move(office, ticket_id, ("waiting", "called", "no_show"), no_show_at=None,
                 **_called_values(clock.utcnow_naive())):
        raise _refused(office, ticket_id, "call")
    db.session.commit()
    return ticket_of(office, ticket_id)


def call_next(office: Office, service: str | None = None) -> QueueTicket | None:
    """Call the longest-waiting visitor of today (of one service, if given); None if nobody waits."""
    today = clock.local_today(office.timezone)
    while True:
        query = (select(QueueTicket.id)
                 .where(QueueTicket.office == office.slug, QueueTicket.day == today,
                        QueueTicket.status == "waiting")
                 .order_by(QueueTicket.issued_at, QueueTicket.id).limit(1))
        if service:
            query = query.where(QueueTicket.service == service)
        ticket_id = db.session.scalar(query)
        if ticket_id is None:
            db.session.rollback()
            return None
        if _move(office, ticket_id, ("waiting",), **_called_values(clock.utcnow_naive())):
            db.session.commit()
            return ticket_of(office, ticket_id)
        # Another desk called that one a moment ago: take the next.
        db.session.rollback()


def start(office: Office, ticket_id: int) -> QueueTicket:
    """Begin serving a called (or waiting) visitor."""
    now = clock.utcnow_naive()
    table = QueueTicket.__table__
    if not _move(office, ticket_id, ("waiting", "called"), status="serving", started_at=now,
                 called_at=func.coalesce(table.c.called_at, now),
                 last_called_at=func.coalesce(table.c.last_called_at, now)):
        raise _refused(office, ticket_id, "start")
    db.session.commit()
    return ticket_of(office, ticket_id)


def finish(office: Office, ticket_id: int) -> tuple[QueueTicket, list[LockerAssignment]]:
    """End a visit: the service is done, and a locker still lent is released with the ID card."""
    now = clock.utcnow_naive()
    if not _move(office, ticket_id, ("serving",), status="done", finished_at=now):
        raise _refused(office, ticket_id, "finish")
    released = db.session.scalars(select(LockerAssignment).where(
        LockerAssignment.ticket_id == ticket_id, LockerAssignment.held.is_(True))).all()
    for assignment in released:
        assignment.held, assignment.released_at = None, now
    db.session.commit()
    return ticket_of(office, ticket_id), released


def no_show(office: Office, ticket_id: int) -> QueueTicket:
    """A called visitor did not come to the desk."""
    if not _move(office, ticket_id, ("called",), status="no_show", no_show_at=clock.utcnow_naive()):
        raise _refused(office, ticket_id, "no_show")
    db.session.commit()
    return ticket_of(office, ticket_id)


def find_by_code(office: Office, text: str) -> QueueTicket | None:
    """Today's ticket with a number as typed: 'P-007', 'p7', 'P 007' (None if there is none)."""
    match = re.fullmatch(r"\s*([A-Za-z]{1,2})\s*-?\s*0*(\d{1,6})\s*", text or "")
    if not match:
        return None
    today = clock.local_today(office.timezone)
    return db.session.scalars(select(QueueTicket).where(
        QueueTicket.office == office.slug, QueueTicket.day == today,
        QueueTicket.prefix == match.group(1).upper(), QueueTicket.number == int(match.group(2)))).first()


# ------------------------------------------------------------------ lockers


def assign_locker(office: Office, ticket_id: int, locker: str, id_card_held: bool) -> LockerAssignment:
    """Lend a free locker to a visitor; the database refuses a locker that is already taken."""
    if locker not in {item.number for item in office.visits.lockers}:
        raise DeskError(_("Pilih loker yang terdaftar di kantor ini."))
    ticket = ticket_of(office, ticket_id)
    if ticket is None:
        raise _not_found()
    if not ticket.is_open:
        raise DeskError(_("Nomor %(code)s sudah %(status)s: loker tidak dapat dipinjamkan.", code=ticket.code,
                          status=ticket.status_label.lower()))
    assignment = LockerAssignment(office=office.slug, locker=locker, ticket_id=ticket.id,
                                  id_card_held=id_card_held, held=True, assigned_at=clock.utcnow_naive())
    db.session.add(assignment)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        taken_by_ticket = db.session.scalar(select(LockerAssignment.locker).where(
            LockerAssignment.ticket_id == ticket_id, LockerAssignment.held.is_(True)))
        if taken_by_ticket is not None:
            raise DeskError(_("Nomor %(code)s sudah memakai loker %(locker)s. Lepaskan dulu bila ingin "
                              "menggantinya.", code=ticket.code, locker=taken_by_ticket)) from None
        raise DeskError(_("Loker %(locker)s sedang dipakai pengunjung lain. Pilih loker lain.",
                          locker=locker)) from None
    return assignment


def release_locker(office: Office, assignment_id: int) -> LockerAssignment:
    """Take a locker back (and hand back the identity card held for it)."""
    table = LockerAssignment.__table__
    result = db.session.execute(update(table).where(
        table.c.id == assignment_id, table.c.office == office.slug, table.c.held.is_(True))
        .values(held=None, released_at=clock.utcnow_naive()))
    if result.rowcount != 1:
        db.session.rollback()
        raise DeskError(_("Loker itu sudah dilepas atau tidak ditemukan."))
    db.session.commit()
    return db.session.get(LockerAssignment, assignment_id)


# ------------------------------------------------------------------ returning visitors


def _digest(purpose: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def email_digest(email: str) -> str:
    return _digest("guest-book-email", email.strip().lower())


def prefill_for(email: str) -> dict | None:
    """What a returning visitor's last guest-book entry (or verified account) says, or None."""
    email = email.strip().lower()
    entry = db.session.scalars(select(GuestBookEntry).where(
        GuestBookEntry.email == email, GuestBookEntry.anonymised_at.is_(None))
        .order_by(GuestBookEntry.created_at.desc(), GuestBookEntry.id.desc()).limit(1)).first()
    if entry is not None:
        data = {name: getattr(entry, name) for name in PREFILL_FIELDS}
        # Choices an office may have dropped since are left for the visitor to pick again.
        for name, choices in (("gender", GENDERS), ("age_group", AGE_GROUPS), ("education", EDUCATION),
                              ("id_kind", ID_KINDS), ("occupation", OCCUPATIONS)):
            if data[name] not in choices:
                data[name] = None
        return data
    user = db.session.scalars(select(User).where(User.email == email, User.verified_at.is_not(None))).first()
    if user is not None:
        return {"name": user.name, "email": email, "institution": user.institution,
                "occupation": user.occupation if user.occupation in OCCUPATIONS else None}
    return None


def request_prefill_code(office: Office, email: str) -> None:
    """Mail a one-time code to a returning visitor's address.

    The kiosk answers the same whatever the address: a code row is stored either way, and
    mail goes out only when there is something to prefill, so only the mailbox's owner
    learns whether the address was ever used here.
    """
    email = email.strip().lower()
    now = clock.utcnow_naive()
    code = f"{secrets.randbelow(10**6):06d}"
    max_age = current_app.config["VISITS_CODE_MAX_AGE"]
    digest = email_digest(email)
    # A new code replaces the older ones of the same address.
    db.session.execute(update(GuestBookCode).where(GuestBookCode.email_digest == digest,
                                                   GuestBookCode.used_at.is_(None)).values(used_at=now))
    db.session.add(GuestBookCode(office=office.slug, email_digest=digest, code_digest=_digest("guest-book-code", code),
                                 created_at=now, expires_at=now + timedelta(seconds=max_age), attempts=0))
    db.session.commit()
    if prefill_for(email) is not None:
        # In the language of the kiosk's page, which the visitor chose.
        send_email(email, _("Kode buku tamu %(office)s: %(code)s", office=office.name, code=code), "visits_code",
                   code=code, office=office, minutes=max(1, max_age // 60))


def redeem_prefill_code(office: Office, email: str, code: str) -> dict | None:
    """The prefill for a right, fresh, unused code (used up by this); None otherwise."""
    email = email.strip().lower()
    now = clock.utcnow_naive()
    row = db.session.scalars(select(GuestBookCode).where(
        GuestBookCode.email_digest == email_digest(email), GuestBookCode.office == office.slug,
        GuestBookCode.used_at.is_(None), GuestBookCode.expires_at > now)
        .order_by(GuestBookCode.id.desc()).limit(1)).first()
    if row is None:
        return None
    if row.attempts >= current_app.config["VISITS_CODE_ATTEMPTS"]:
        row.used_at = now
        db.session.commit()
        return None
    if not hmac.compare_digest(row.code_digest, _digest("guest-book-code", (code or "").strip())):
        row.attempts += 1
        if row.attempts >= current_app.config["VISITS_CODE_ATTEMPTS"]:
            row.used_at = now
        db.session.commit()
        return None
    row.used_at = now
    db.session.commit()
    return prefill_for(email) or {"email": email}
