"""Whether an office is open at a given moment, in the office's own time zone.

Flask-free: takes an :class:`~app.offices.Office` and an aware datetime.  The sentence
shown to visitors is kept as a message and its parts; :meth:`OpenStatus.describe` writes
it in Indonesian, or in the page's language when given a gettext function (the
``open_status`` template filter does that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable

from app.offices import WEEKDAY_NAMES_ID, Office
from app.text import N_

OPEN, BREAK, CLOSED = "open", "break", "closed"

#: The status line by kind; ``%(time)s``, ``%(zone)s`` and ``%(day)s`` are filled in.
MESSAGES = {
    "break": N_("Istirahat, buka lagi pukul %(time)s %(zone)s"),
    "open": N_("Buka sekarang, tutup pukul %(time)s %(zone)s"),
    "opens_today": N_("Tutup, buka hari ini pukul %(time)s %(zone)s"),
    "opens_tomorrow": N_("Tutup, buka besok pukul %(time)s %(zone)s"),
    "opens_on": N_("Tutup, buka %(day)s pukul %(time)s %(zone)s"),
}


def clock_id(value: time) -> str:
    """A time the Indonesian way: 08.00."""
    return f"{value.hour:02d}.{value.minute:02d}"


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class OpenStatus:
    """The open/closed state and the parts of the sentence shown to visitors."""

    state: str
    #: Which sentence of :data:`MESSAGES`.
    key: str
    #: The time it names (closing, reopening, opening).
    at: time
    zone: str
    #: The weekday it opens on (Monday is 0), for ``opens_on``.
    weekday: int | None = None

    def describe(self, gettext: Callable[[str], str] = _same, clock: Callable[[time], str] = clock_id) -> str:
        """The sentence, translated by ``gettext`` with times written by ``clock``."""
        day = gettext(WEEKDAY_NAMES_ID[self.weekday]) if self.weekday is not None else ""
        return gettext(MESSAGES[self.key]) % {"time": clock(self.at), "zone": self.zone, "day": day}

    @property
    def message(self) -> str:
        """The sentence in Indonesian: 'Buka sekarang, tutup pukul 15.30 WITA'."""
        return self.describe()


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
                return OpenStatus(BREAK, "break", pause.end, zone)
        return OpenStatus(OPEN, "open", today.close, zone)
    if today and now < today.open:
        return OpenStatus(CLOSED, "opens_today", today.open, zone)
    for ahead in range(1, 8):
        day = office.hours_for((local + timedelta(days=ahead)).weekday())
        if day:
            if ahead == 1:
                return OpenStatus(CLOSED, "opens_tomorrow", day.open, zone)
            return OpenStatus(CLOSED, "opens_on", day.open, zone, day.weekday)
    return None  # unreachable: hours is non-empty
