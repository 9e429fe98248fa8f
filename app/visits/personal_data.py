"""The guest book's share of a person's data (UU 27/2022): export, erasure, retention.

A guest-book entry is typed at a kiosk and holds no account id: the data subject's
entries are found by the addresses their account has verified.  Erasure and retention
anonymise rather than delete, so the counts the reports need stay true: name, email,
phone and institution are cleared; gender, age group, education, occupation, purpose and
the ticket's times remain, tied to no one.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, select, update

from app import clock
from app.contrib import DataSubject, PersonalDataSection, Registry
from app.extensions import db
from app.offices import DEFAULT_VISITS
from app.personal_data import iso
from app.visits.models import GuestBookCode, GuestBookEntry, service_labels
from app.visits.operations import email_digest

#: The columns retention and erasure clear.
PERSONAL_FIELDS = ("name", "email", "phone", "institution")


def _entries_of(subject: DataSubject):
    emails = [e.strip().lower() for e in subject.emails if e]
    if not emails:
        return None
    return select(GuestBookEntry).where(GuestBookEntry.email.in_(emails))


def export_entries(subject: DataSubject) -> list[dict]:
    query = _entries_of(subject)
    if query is None:
        return []
    # Categories are written out in the language of the page that asked for the file.
    services = {}
    for office in current_app.extensions["offices"].values():
        services[office.slug] = {key: str(label) for key, label in service_labels(office).items()}
    rows = []
    for entry in db.session.scalars(query.order_by(GuestBookEntry.created_at, GuestBookEntry.id)):
        ticket = entry.ticket
        rows.append({
            "office": entry.office,
            "at": iso(entry.created_at),
            "name": entry.name,
            "email": entry.email,
            "phone": entry.phone,
            "institution": entry.institution,
            "gender": str(entry.gender_label),
            "age_group": str(entry.age_group_label),
            "education": str(entry.education_label),
            "occupation": str(entry.occupation_label),
            "purpose": services.get(entry.office, {}).get(entry.purpose, entry.purpose),
            "id_card_kind": str(entry.id_kind_label),
            "consent_version": entry.consent_version,
            "consent_at": iso(entry.consent_at),
            "queue_number": ticket.code if ticket else None,
            "called_at": iso(ticket.called_at) if ticket else None,
            "service_started_at": iso(ticket.started_at) if ticket else None,
            "service_finished_at": iso(ticket.finished_at) if ticket else None,
            "lockers": [{"locker": a.locker, "id_card_held": a.id_card_held, "assigned_at": iso(a.assigned_at),
                         "released_at": iso(a.released_at)} for a in (ticket.lockers if ticket else [])],
        })
    return rows


def _anonymise(condition, now: datetime) -> int:
    result = db.session.execute(
        update(GuestBookEntry).where(condition, GuestBookEntry.anonymised_at.is_(None))
        .values(anonymised_at=now, **{name: None for name in PERSONAL_FIELDS}))
    return result.rowcount


def anonymise_at_office(office: str, email: str) -> int:
    """A visitor without an account asked staff of one office to erase their entries there."""
    return _anonymise((GuestBookEntry.office == office) & (GuestBookEntry.email == email.strip().lower()),
                      clock.utcnow_naive())


def erase_entries(subject: DataSubject) -> None:
    """The subject's entries lose their personal fields; their codes go."""
    emails = [e.strip().lower() for e in subject.emails if e]
    if not emails:
        return
    _anonymise(GuestBookEntry.email.in_(emails), clock.utcnow_naive())
    db.session.execute(delete(GuestBookCode).where(
        GuestBookCode.email_digest.in_([email_digest(e) for e in emails])))


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def purge_counts(now: datetime) -> tuple[int, int]:
    """Anonymise entries older than each office's retention period; drop spent codes.

    Returns (entries anonymised, codes deleted).  Safe to run any number of times:
    anonymised entries are skipped.  Entries of an office no longer served keep the
    default retention.
    """
    stamp = _naive_utc(now)
    offices = current_app.extensions["offices"]
    entries = 0
    for slug, office in offices.items():
        cutoff = stamp - timedelta(days=office.visits.retention_days)
        entries += _anonymise((GuestBookEntry.office == slug) & (GuestBookEntry.created_at < cutoff), stamp)
    cutoff = stamp - timedelta(days=DEFAULT_VISITS.retention_days)
    entries += _anonymise(GuestBookEntry.office.not_in(list(offices)) & (GuestBookEntry.created_at < cutoff),
                          stamp)
    codes = db.session.execute(delete(GuestBookCode).where(GuestBookCode.expires_at < stamp - timedelta(days=1)))
    return entries, codes.rowcount


def purge_entries(now: datetime) -> int:
    """The retention of ``flask data purge``: how many records changed."""
    return sum(purge_counts(now))


def register(reg: Registry) -> None:
    reg.personal_data(PersonalDataSection(
        "guest_book", tables=("guest_book_entry", "guest_book_code"),
        export=export_entries, erase=erase_entries, purge=purge_entries, order=40))
