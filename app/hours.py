"""Whether an office is open at a given moment, in the office's own time zone.

Flask-free: takes an :class:`~app.offices.Office` and an aware datetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from app.offices import WEEKDAY_NAMES_ID, Office

OPEN, BREAK, CLOSED = "open", "break", "closed"


@dataclass(frozen=True)
class OpenStatus:
    """The open/closed state and the sentence shown to visitors."""

    state: str
    message: str


def clock_id(value: time) -> str:
    """A time the Indonesian way: 08.00."""
    return f"{value.hour:02d}.{value.minute:02d}"


def status_at(office: Office, moment: datetime) -> OpenStatus | None:
    """The office's status at ``moment`` (aware), or None if it publishes no hours."""
    if not office.hours:
        return None
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(office.zone)
    now = local.time()
    zone = office.zone_abbreviation
    today = office.hours_for(local.weekday())
    if today and today.open <= now < today.close:
        for pause in today.breaks:
            if pause.start <= now < pause.end:
                return OpenStatus(BREAK, f"Istirahat, buka lagi pukul {clock_id(pause.end)} {zone}")
        return OpenStatus(OPEN, f"Buka sekarang, tutup pukul {clock_id(today.close)} {zone}")
    if today and now < today.open:
        return OpenStatus(CLOSED, f"Tutup, buka hari ini pukul {clock_id(today.open)} {zone}")
    for ahead in range(1, 8):
        day = office.hours_for((local + timedelta(days=ahead)).weekday())
        if day:
            when = "besok" if ahead == 1 else WEEKDAY_NAMES_ID[day.weekday]
            return OpenStatus(CLOSED, f"Tutup, buka {when} pukul {clock_id(day.open)} {zone}")
    return None  # unreachable: hours is non-empty
