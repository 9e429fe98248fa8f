"""Reading today's queue: what the console, the waiting-room display and a ticket show."""

from __future__ import annotations

import hashlib
import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.offices import Office
from app.timeutil import to_local
from app.visits.models import OPEN_STATUSES, LockerAssignment, QueueTicket, service_labels

#: Minutes per visitor ahead when today has too few calls to measure the desk's pace.
DEFAULT_PACE_MINUTES = 3
#: Calls the pace is measured over (the most recent ones).
PACE_WINDOW = 10
#: How many calls and waiting numbers the display shows.
DISPLAY_CALLED = 4
DISPLAY_NEXT = 6


def today(office: Office) -> date:
    return clock.local_today(office.timezone)


def waiting_count(office: Office) -> int:
    """Visitors of today still waiting to be called (the staff menu's badge)."""
    return db.session.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.office == office.slug, QueueTicket.day == today(office),
        QueueTicket.status == "waiting")) or 0


def todays_tickets(office: Office) -> list[QueueTicket]:
    """Every ticket of today, in the order numbers were issued, with entry and lockers."""
    return db.session.scalars(
        select(QueueTicket).where(QueueTicket.office == office.slug, QueueTicket.day == today(office))
        .options(selectinload(QueueTicket.entry), selectinload(QueueTicket.lockers))
        .order_by(QueueTicket.issued_at, QueueTicket.id)).all()


def earlier_open_tickets(office: Office) -> list[QueueTicket]:
    """Tickets of earlier days never closed (called or in service when the day ended)."""
    return db.session.scalars(
        select(QueueTicket).where(QueueTicket.office == office.slug, QueueTicket.day < today(office),
                                  QueueTicket.status.in_(("called", "serving")))
        .options(selectinload(QueueTicket.entry), selectinload(QueueTicket.lockers))
        .order_by(QueueTicket.issued_at, QueueTicket.id)).all()


def state_version(office: Office) -> str:
    """A short fingerprint of today's queue and the lockers: it changes with any desk action."""
    day = today(office)
    tickets = db.session.execute(select(
        func.count(), func.max(QueueTicket.id), func.sum(QueueTicket.call_count),
        func.max(QueueTicket.last_called_at), func.max(QueueTicket.started_at),
        func.max(QueueTicket.finished_at), func.max(QueueTicket.no_show_at),
        func.sum(func.length(QueueTicket.status)),
    ).where(QueueTicket.office == office.slug, QueueTicket.day == day)).one()
    lockers = db.session.execute(select(
        func.count(), func.max(LockerAssignment.id), func.max(LockerAssignment.released_at),
    ).where(LockerAssignment.office == office.slug)).one()
    text = f"{office.slug}|{day}|{tuple(tickets)}|{tuple(lockers)}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def display_state(office: Office) -> dict:
    """What the waiting-room screen shows: numbers only, never a name."""
    day = today(office)
    called = db.session.scalars(
        select(QueueTicket).where(QueueTicket.office == office.slug, QueueTicket.day == day,
                                  QueueTicket.status == "called")
        .order_by(QueueTicket.last_called_at.desc(), QueueTicket.id.desc()).limit(DISPLAY_CALLED)).all()
    upcoming = db.session.scalars(
        select(QueueTicket).where(QueueTicket.office == office.slug, QueueTicket.day == day,
                                  QueueTicket.status == "waiting")
        .order_by(QueueTicket.issued_at, QueueTicket.id).limit(DISPLAY_NEXT)).all()
    # Calls only: a visitor served straight from the queue was never called out.
    latest = db.session.scalars(
        select(QueueTicket).where(QueueTicket.office == office.slug, QueueTicket.day == day,
                                  QueueTicket.call_count > 0)
        .order_by(QueueTicket.last_called_at.desc(), QueueTicket.id.desc()).limit(1)).first()
    labels = service_labels(office)
    return {
        "called": [{"code": t.code, "service": str(labels.get(t.service, t.service))} for t in called],
        "next": [t.code for t in upcoming],
        "waiting": waiting_count(office),
        # Changes with every call and recall: the display chimes when it does.
        "announce": f"{latest.id}.{latest.call_count}" if latest is not None else "",
        "time": clock.local_now(office.timezone).strftime("%H.%M"),
    }


@dataclass(frozen=True)
class Estimate:
    """How long a waiting visitor may still wait."""

    ahead: int
    minutes: int | None


def pace_minutes(office: Office) -> float:
    """Minutes between successive calls today while people were waiting (median of the last few).

    A gap counts only when the next visitor was already waiting at the earlier call, so a
    quiet hour with nobody in the queue does not slow the estimate down.
    """
    rows = db.session.execute(
        select(QueueTicket.issued_at, QueueTicket.called_at)
        .where(QueueTicket.office == office.slug, QueueTicket.day == today(office),
               QueueTicket.called_at.is_not(None))
        .order_by(QueueTicket.called_at)).all()
    gaps = [(b.called_at - a.called_at).total_seconds() / 60
            for a, b in zip(rows, rows[1:]) if b.issued_at <= a.called_at]
    gaps = gaps[-PACE_WINDOW:]
    return statistics.median(gaps) if len(gaps) >= 2 else DEFAULT_PACE_MINUTES


def estimate(office: Office, ticket: QueueTicket) -> Estimate:
    """Visitors ahead of a waiting ticket today and the minutes that likely means."""
    if ticket.status != "waiting" or ticket.day != today(office):
        return Estimate(0, None)
    ahead = db.session.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.office == office.slug, QueueTicket.day == ticket.day, QueueTicket.status == "waiting",
        (QueueTicket.issued_at < ticket.issued_at)
        | ((QueueTicket.issued_at == ticket.issued_at) & (QueueTicket.id < ticket.id)))) or 0
    if ahead == 0:
        return Estimate(0, 0)
    return Estimate(ahead, max(1, math.ceil(ahead * pace_minutes(office))))


def closing_moment(office: Office, day: date) -> datetime:
    """When the desk closes on a day (naive UTC): the published closing time, else midnight.

    Most standards publish no opening hours; then the day ends at midnight.
    """
    hours = office.hours_for(day.weekday())
    local = (datetime.combine(day, hours.close) if hours is not None
             else datetime.combine(day + timedelta(days=1), time(0, 0)))
    return local.replace(tzinfo=office.zone).astimezone(timezone.utc).replace(tzinfo=None)


def overdue(office: Office, assignment: LockerAssignment, now: datetime | None = None) -> bool:
    """Whether a lent locker has outlived the closing time of the day it was lent on."""
    now = now or clock.utcnow_naive()
    lent_on = to_local(assignment.assigned_at, office.timezone).date()
    return assignment.held is True and now >= closing_moment(office, lent_on)


def held_lockers(office: Office) -> list[LockerAssignment]:
    """Lockers lent right now, oldest first, with their tickets."""
    return db.session.scalars(
        select(LockerAssignment).where(LockerAssignment.office == office.slug, LockerAssignment.held.is_(True))
        .options(selectinload(LockerAssignment.ticket))
        .order_by(LockerAssignment.assigned_at, LockerAssignment.id)).all()


def open_ticket_count(office: Office) -> int:
    return db.session.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.office == office.slug, QueueTicket.day == today(office),
        QueueTicket.status.in_(OPEN_STATUSES))) or 0
